//! The engagement's alignment page: where the coachee stands, the meetings so
//! far, and the form with which the coachee plans one and invites their
//! manager; the coach can advise scheduling sooner.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::alignment::{CoachRole, EngagementAlignment, Kind, Speaker};
use crate::db::TenantTx;
use crate::db::alignment::{self as meetings, Meeting};
use crate::db::engagements::Engagement;
use crate::db::goals::{self, Goal};
use crate::state::AppState;
use crate::web::engagement::{MyEngagement, Side};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;
use crate::web::session::{FormFields, Member};

use super::fields::{DURATIONS, ScheduleForm};
use super::invite::{invite_expiry, new_invite};
use super::notice::{mailer, record};
use super::roster::check_sponsors;
use super::shown::{ReadinessShown, local, readiness_shown};

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct RequestForm {
    #[serde(default)]
    pub(super) reason: String,
}

/// A meeting in a list, its time in the viewer's zone.
pub struct MeetingRow {
    pub meeting: Meeting,
    pub when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "alignment/engagement.html")]
pub(super) struct EngagementPage {
    layout: Layout,
    engagement: Engagement,
    side: Side,
    state: EngagementAlignment,
    card: ReadinessShown,
    meetings: Vec<MeetingRow>,
    goals: Vec<Goal>,
    form: ScheduleForm,
    problems: FieldErrors,
    request: RequestForm,
    request_problem: Option<String>,
    /// The kinds the programme includes: the only ones the form offers.
    kinds: Vec<Kind>,
    durations: [i32; 5],
    speakers: [Speaker; 3],
    coach_roles: [CoachRole; 3],
    time_zone: String,
}

impl EngagementPage {
    fn is_coach(&self) -> bool {
        self.side == Side::Coach
    }
}

/// The engagement's alignment state; a 404 when the programme has no
/// alignment meetings.
pub(super) async fn alignment_of(
    tx: &mut TenantTx,
    member: &Member,
    engagement: &Engagement,
) -> AppResult<EngagementAlignment> {
    meetings::states(tx, member.org, &[engagement.id])
        .await?
        .pop()
        .filter(|s| s.enabled)
        .ok_or(AppError::NotFound)
}

/// The kind a new meeting most likely is: the one readiness suggests, else
/// the programme's last included kind (a further meeting after every kind was used).
fn next_kind(state: &EngagementAlignment, today: NaiveDate) -> Kind {
    state
        .next_kind(today)
        .or_else(|| state.included_kinds().last().copied())
        .unwrap_or(Kind::Initial)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn engagement_page(
    tx: &mut TenantTx,
    member: &Member,
    engagement: Engagement,
    side: Side,
    state: EngagementAlignment,
    form: Option<ScheduleForm>,
    problems: FieldErrors,
    request: (RequestForm, Option<String>),
    flashes: Flashes,
) -> AppResult<EngagementPage> {
    let tz = member.user.time_zone.clone();
    let waiting: Vec<Uuid> = state.open_meeting.into_iter().collect();
    let replies = meetings::replies(tx, member.org, &waiting).await?;
    let card = readiness_shown(&state, side, &tz, &replies).ok_or(AppError::NotFound)?;
    let meetings = meetings::of_engagement(tx, member.org, engagement.id)
        .await?
        .into_iter()
        .map(|meeting| MeetingRow {
            when: local(meeting.starts_at, &tz),
            meeting,
        })
        .collect();
    let goals = goals::of_engagement(tx, member.org, engagement.id).await?;
    let today = Utc::now()
        .with_timezone(&crate::format::zone(&tz))
        .date_naive();
    let form = form
        .unwrap_or_else(|| ScheduleForm::starting(&engagement, &goals, next_kind(&state, today)));
    let title = match side {
        Side::Coach => format!("Alignment meetings of {}", engagement.coachee_name),
        Side::Coachee => "Your alignment meetings".to_owned(),
    };
    let kinds = state.included_kinds();
    Ok(EngagementPage {
        layout: Layout::for_member(title, member, flashes).await,
        engagement,
        side,
        state,
        card,
        meetings,
        goals,
        form,
        problems,
        request: request.0,
        request_problem: request.1,
        kinds,
        durations: DURATIONS,
        speakers: Speaker::ALL,
        coach_roles: CoachRole::ALL,
        time_zone: tz,
    })
}

pub(super) async fn show_engagement(
    MyEngagement {
        member,
        mut tx,
        engagement,
        side,
    }: MyEngagement,
    flashes: Flashes,
) -> AppResult<EngagementPage> {
    let alignment = alignment_of(&mut tx, &member, &engagement).await?;
    engagement_page(
        &mut tx,
        &member,
        engagement,
        side,
        alignment,
        None,
        FieldErrors::default(),
        (RequestForm::default(), None),
        flashes,
    )
    .await
}

pub(super) async fn schedule(
    State(state): State<AppState>,
    MyEngagement {
        member,
        mut tx,
        engagement,
        side,
    }: MyEngagement,
    Extension(FormFields(fields)): Extension<FormFields>,
    Form(mut form): Form<ScheduleForm>,
) -> AppResult<Response> {
    // One plan at a time per engagement: two tabs sending different forms at
    // once take turns, and the second sees the first's meeting.
    meetings::lock_planning(&mut tx, member.org, engagement.id).await?;
    let alignment = alignment_of(&mut tx, &member, &engagement).await?;
    if side != Side::Coachee {
        return Err(AppError::NotFound);
    }
    form.goal = fields
        .into_iter()
        .filter(|(name, _)| name == "goal")
        .map(|(_, value)| value)
        .collect();
    // The form's one-time key; a form without one (not ours) gets a fresh key.
    let request_key = form
        .request_key
        .parse::<Uuid>()
        .unwrap_or_else(|_| Uuid::new_v4());
    form.request_key = request_key.to_string();
    // The same form sent twice: the meeting made the first time.
    if let Some(existing) = meetings::made_by_form(&mut tx, member.org, request_key).await? {
        return Ok(Redirect::to(&format!("/alignment/{existing}")).into_response());
    }
    let goals = goals::of_engagement(&mut tx, member.org, engagement.id).await?;
    let now = Utc::now();
    let mut checked = form.check(&goals, &member.user.time_zone, now);
    // Other sponsors beside the manager, each with their own invitation.
    let mut sponsor_problems = FieldErrors::default();
    let sponsors = check_sponsors(
        [
            (&form.sponsor_name, &form.sponsor_email, "sponsor"),
            (&form.sponsor2_name, &form.sponsor2_email, "sponsor2"),
        ],
        &member.user.email,
        form.manager_email.trim(),
        &mut sponsor_problems,
    );
    for (key, problem) in sponsor_problems.iter() {
        let problem = problem.to_owned();
        checked = match checked {
            Ok(_) => Err(FieldErrors::default().with(key, problem)),
            Err(mut problems) => {
                problems.set(key, problem);
                Err(problems)
            }
        };
    }
    if let Ok(plan) = &checked {
        if !alignment.can_schedule() {
            checked = Err(FieldErrors::default().with(
                "kind",
                "You cannot schedule another alignment meeting now: one is already planned, or every included meeting is used.",
            ));
        } else if !alignment.can_schedule_kind(plan.kind) {
            checked = Err(FieldErrors::default().with(
                "kind",
                "Your programme does not include this kind of meeting: choose one of those listed.",
            ));
        }
    }
    let plan = match checked {
        Ok(plan) => plan,
        Err(problems) => {
            let page = engagement_page(
                &mut tx,
                &member,
                engagement,
                side,
                alignment,
                Some(form),
                problems,
                (RequestForm::default(), None),
                Flashes::default(),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    let (meeting_id, created) = meetings::create(
        &mut tx,
        member.org,
        &meetings::NewMeeting {
            engagement_id: engagement.id,
            kind: plan.kind,
            duration_minutes: plan.duration,
            place: plan.place,
            agenda: plan.agenda,
            request_key,
            created_by: member.user.id,
        },
    )
    .await?;
    if created {
        for at in &plan.times {
            meetings::add_candidate(&mut tx, member.org, meeting_id, *at, "coachee", "", None)
                .await?;
        }
        meetings::save_preparation(&mut tx, member.org, meeting_id, &plan.prep).await?;
        for goal in &goals {
            let shared = plan.shared.contains(&goal.id);
            if shared != goal.shared_with_manager {
                goals::set_shared(&mut tx, member.org, goal.id, shared).await?;
            }
        }
        let meeting = meetings::meeting(&mut tx, member.org, meeting_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let latest = *plan.times.last().expect("at least one time was checked");
        let invite = new_invite(
            &state,
            &mut tx,
            &member,
            &meeting,
            "manager",
            &plan.manager_name,
            &plan.manager_email,
            invite_expiry(&meeting, latest),
        )
        .await?;
        for (name, email) in &sponsors {
            new_invite(
                &state,
                &mut tx,
                &member,
                &meeting,
                "sponsor",
                name,
                email,
                invite_expiry(&meeting, latest),
            )
            .await?;
        }
        let candidates = meetings::candidates(&mut tx, member.org, meeting_id).await?;
        let mailer = mailer(&state, &member);
        let all = meetings::live_invites(&mut tx, member.org, meeting_id).await?;
        for each in &all {
            mailer
                .invite_manager(&mut tx, &meeting, each, &all, &candidates)
                .await?;
        }
        // The coach is in it from the start: told now, not when a time is set.
        mailer
            .tell_coach_planned(&mut tx, &meeting, &invite, &candidates)
            .await?;
        record(&mut tx, &member, "meeting.scheduled", &meeting).await?;
    }
    tx.commit().await?;
    if created {
        flash::push(
            &member.session,
            FlashKind::Success,
            if sponsors.is_empty() {
                format!(
                    "Meeting planned. {} has been emailed a link to choose a time.",
                    plan.manager_name
                )
            } else {
                format!(
                    "Meeting planned. {} and {} other sponsor(s) have each been emailed their own link to say which time works.",
                    plan.manager_name,
                    sponsors.len()
                )
            },
        )
        .await?;
    }
    Ok(Redirect::to(&format!("/alignment/{meeting_id}")).into_response())
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct AdviceForm {
    #[serde(default)]
    advised: String,
}

pub(super) async fn advise(
    MyEngagement {
        member,
        mut tx,
        engagement,
        side,
    }: MyEngagement,
    Form(form): Form<AdviceForm>,
) -> AppResult<Response> {
    // Only while the programme has alignment meetings.
    alignment_of(&mut tx, &member, &engagement).await?;
    if side != Side::Coach {
        return Err(AppError::NotFound);
    }
    let advised = form.advised == "yes";
    meetings::set_advised(&mut tx, member.org, engagement.id, advised).await?;
    tx.commit().await?;
    flash::push(
        &member.session,
        FlashKind::Success,
        if advised {
            format!(
                "{} now sees that you advise scheduling the alignment meeting.",
                engagement.coachee_name
            )
        } else {
            "Your advice to schedule is withdrawn.".to_owned()
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/engagements/{}/alignment", engagement.id)).into_response())
}
