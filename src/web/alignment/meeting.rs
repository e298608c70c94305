//! One alignment meeting's page, for its coachee and coach: the coach's
//! facilitation view, the forms on it and what a failed one brings back, and
//! the coachee's preview of the manager's page. What each form does is in
//! `preparation`, `changes` and `outcome`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use crate::alignment::replies::{Reply, arranging};
use crate::alignment::{
    CoachRole, GUIDE, GuideStep, HARD_MOMENTS, Kind, Speaker, Status, first_name,
    strengths_questions,
};
use crate::db::alignment::{self as meetings, Debrief, Invite, Meeting};
use crate::db::goals::{self, Goal};
use crate::db::{self, TenantTx};
use crate::format;
use crate::state::AppState;
use crate::web::engagement::Side;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;
use crate::web::session::{Member, MemberTx};

use super::debrief::{DebriefForm, GO_DEEPER, go_deeper_label};
use super::fields::{DURATIONS, PrepForm};
use super::roster::{InviteeForm, Roster, roster};
use super::shown::{CandidateRow, local};
use super::trail::{self, TrailRow};
use super::voices::{Voices, voices};

/// Opens the request's transaction with the meeting in it, for its coach or
/// coachee (`only` one of them, when given); anyone else gets a 404.
pub(super) async fn open(
    state: &AppState,
    member: &Member,
    id: Uuid,
    lock: bool,
    only: Option<Side>,
) -> AppResult<(TenantTx, Meeting, Side)> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (meeting, side) = meeting_for(&mut tx, member, id, lock).await?;
    if only.is_some_and(|only| only != side) {
        return Err(AppError::NotFound);
    }
    Ok((tx, meeting, side))
}

/// Whether `side` records if the meeting took place: the coach does; the
/// coachee does while there is no coach, and for a kickoff (planned, often,
/// before any coach was matched — one chosen since may not know of it).
pub(super) fn records_outcome(meeting: &Meeting, side: Side) -> bool {
    match side {
        Side::Coach => true,
        Side::Coachee => meeting.coach_id.is_none() || meeting.kind() == Kind::Kickoff,
    }
}

/// The meeting, for its coach or coachee while the programme has the feature on.
async fn meeting_for(
    tx: &mut TenantTx,
    member: &Member,
    id: Uuid,
    lock: bool,
) -> AppResult<(Meeting, Side)> {
    let meeting = if lock {
        meetings::meeting_for_update(tx, member.org, id).await?
    } else {
        meetings::meeting(tx, member.org, id).await?
    };
    let meeting = meeting
        .filter(|m| m.alignment_enabled)
        .ok_or(AppError::NotFound)?;
    let side = if member.roles.is_coach && meeting.coach_id == Some(member.user.id) {
        Side::Coach
    } else if member.roles.is_coachee && meeting.coachee_id == member.user.id {
        Side::Coachee
    } else {
        return Err(AppError::NotFound);
    };
    Ok((meeting, side))
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct RescheduleForm {
    #[serde(default)]
    pub(super) date: String,
    #[serde(default)]
    pub(super) time: String,
    #[serde(default)]
    pub(super) duration: String,
    #[serde(default)]
    pub(super) place: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ManagerForm {
    #[serde(default)]
    pub(super) manager_name: String,
    #[serde(default)]
    pub(super) manager_email: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct NotesForm {
    #[serde(default)]
    pub(super) notes: String,
}

/// What a failed form on the meeting page brings back.
#[derive(Default)]
pub(super) struct Edits {
    pub(super) prep: Option<(PrepForm, String)>,
    pub(super) notes: Option<(String, String)>,
    pub(super) reschedule: Option<(RescheduleForm, String)>,
    pub(super) manager: Option<(ManagerForm, String)>,
    pub(super) debrief: Option<(DebriefForm, String)>,
    /// The agenda as typed, and why it was refused.
    pub(super) agenda: Option<(String, String)>,
    /// One more sponsor as typed, and why they were not invited.
    pub(super) invitee: Option<(InviteeForm, FieldErrors)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "alignment/meeting.html")]
pub(super) struct MeetingPage {
    layout: Layout,
    meeting: Meeting,
    side: Side,
    /// While no time is set: what the invitees said, and whose move it is.
    arranging: Option<String>,
    time_zone: String,
    when: String,
    candidates: Vec<CandidateRow>,
    invite: Option<Invite>,
    opened: String,
    answered: String,
    rsvp_at: String,
    /// The agenda, the invitees' answers, the preparation sessions.
    voices: Voices,
    /// Who is invited, who can make which time, and one more sponsor.
    roster: Roster,
    purpose: &'static str,
    guide: &'static [GuideStep],
    hard_moments: &'static [GuideStep],
    /// Asked live by the coach; empty for the coachee.
    strengths: Vec<String>,
    trail: Vec<TrailRow>,
    prep: PrepForm,
    prep_saved: bool,
    prep_problem: Option<String>,
    notes: String,
    notes_problem: Option<String>,
    goals: Vec<Goal>,
    debrief: Option<Debrief>,
    debrief_form: DebriefForm,
    debrief_problem: Option<String>,
    go_deeper_choices: [(&'static str, &'static str); 3],
    reschedule: RescheduleForm,
    reschedule_problem: Option<String>,
    manager_form: ManagerForm,
    manager_problem: Option<String>,
    can_record_outcome: bool,
    speakers: [Speaker; 3],
    coach_roles: [CoachRole; 3],
    durations: [i32; 5],
}

impl MeetingPage {
    fn is_coach(&self) -> bool {
        self.side == Side::Coach
    }

    fn is_open(&self) -> bool {
        self.meeting.status().is_open()
    }

    fn status_label(&self) -> &'static str {
        self.meeting.status().label()
    }

    fn speaker(&self, value: &str) -> &'static str {
        match Speaker::parse(value) {
            Some(Speaker::Coachee) => "The coachee",
            Some(Speaker::Coach) => "The coach",
            Some(Speaker::Manager) => "The manager",
            None => "",
        }
    }

    fn coach_role(&self) -> &'static str {
        CoachRole::parse(&self.prep.coach_role).map_or("", |r| r.label())
    }

    fn go_deeper(&self) -> &'static str {
        go_deeper_label(self.debrief.as_ref().and_then(|d| d.go_deeper))
    }
}

async fn meeting_page(
    tx: &mut TenantTx,
    member: &Member,
    meeting: Meeting,
    side: Side,
    edits: Edits,
    flashes: Flashes,
) -> AppResult<MeetingPage> {
    let tz = member.user.time_zone.clone();
    let invitees = meetings::live_invites(tx, member.org, meeting.id).await?;
    let arranging = (meeting.starts_at.is_none()
        && meeting.status().is_open()
        && !invitees.is_empty())
    .then(|| {
        let replies: Vec<Reply> = invitees
            .iter()
            .map(|invite| Reply {
                meeting_id: invite.meeting_id,
                name: invite.name.clone(),
                rsvp: invite.rsvp.clone(),
                at: invite.rsvp_starts_at,
                opened: invite.first_opened_at.is_some(),
            })
            .collect();
        arranging(&replies, &tz, side == Side::Coachee).sentence
    });
    let candidates = meetings::candidates(tx, member.org, meeting.id)
        .await?
        .into_iter()
        .map(|candidate| CandidateRow::for_member(candidate, &tz, &invitees))
        .collect();
    let invite = meetings::current_invite(tx, member.org, meeting.id).await?;
    let stored_prep = meetings::preparation(tx, member.org, meeting.id).await?;
    let prep_saved = stored_prep.is_some();
    let (prep, prep_problem) = match edits.prep {
        Some((form, problem)) => (form, Some(problem)),
        None => (
            stored_prep.map_or_else(PrepForm::starting, PrepForm::from),
            None,
        ),
    };
    let (notes, notes_problem) = match (side, edits.notes) {
        (Side::Coach, Some((notes, problem))) => (notes, Some(problem)),
        (Side::Coach, None) => (
            meetings::coach_notes(tx, member.org, meeting.id).await?,
            None,
        ),
        (Side::Coachee, _) => (String::new(), None),
    };
    let goals = goals::of_engagement(tx, member.org, meeting.engagement_id).await?;
    let debrief = meetings::debrief(tx, member.org, meeting.id).await?;
    let (debrief_form, debrief_problem) = match edits.debrief {
        Some((form, problem)) => (form, Some(problem)),
        None => (
            debrief
                .clone()
                .map_or_else(DebriefForm::default, DebriefForm::of),
            None,
        ),
    };
    let (reschedule, reschedule_problem) = match edits.reschedule {
        Some((form, problem)) => (form, Some(problem)),
        None => {
            let local = meeting
                .starts_at
                .map(|at| at.with_timezone(&format::zone(&tz)));
            (
                RescheduleForm {
                    date: local
                        .map(|l| l.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                    time: local
                        .map(|l| l.format("%H:%M").to_string())
                        .unwrap_or_default(),
                    duration: meeting.duration_minutes.to_string(),
                    place: meeting.place.clone(),
                },
                None,
            )
        }
    };
    let (manager_form, manager_problem) = match edits.manager {
        Some((form, problem)) => (form, Some(problem)),
        None => (ManagerForm::default(), None),
    };
    let can_record_outcome = records_outcome(&meeting, side)
        && meeting.status() == Status::Confirmed
        && meeting.starts_at.is_some_and(|at| at <= Utc::now());
    let voices = voices(tx, &meeting, &tz, edits.agenda).await?;
    let roster = roster(tx, &meeting, &tz, edits.invitee).await?;
    let title = format!("{} meeting", meeting.kind().label());
    Ok(MeetingPage {
        layout: Layout::for_member(title, member, flashes).await,
        when: local(meeting.starts_at, &tz),
        opened: local(invite.as_ref().and_then(|i| i.last_opened_at), &tz),
        answered: local(invite.as_ref().and_then(|i| i.answered_at), &tz),
        rsvp_at: local(invite.as_ref().and_then(|i| i.rsvp_at), &tz),
        voices,
        roster,
        purpose: meeting.kind().purpose(),
        guide: GUIDE,
        hard_moments: HARD_MOMENTS,
        strengths: match side {
            Side::Coach => strengths_questions(first_name(&meeting.coachee_name)),
            Side::Coachee => Vec::new(),
        },
        trail: trail::rows(tx, member.org, meeting.id, &tz).await?,
        time_zone: tz,
        candidates,
        arranging,
        invite,
        prep,
        prep_saved,
        prep_problem,
        notes,
        notes_problem,
        goals,
        debrief,
        debrief_form,
        debrief_problem,
        go_deeper_choices: GO_DEEPER,
        reschedule,
        reschedule_problem,
        manager_form,
        manager_problem,
        can_record_outcome,
        speakers: Speaker::ALL,
        coach_roles: CoachRole::ALL,
        durations: DURATIONS,
        meeting,
        side,
    })
}

pub(super) async fn show_meeting(
    MemberTx(member, mut tx): MemberTx,
    flashes: Flashes,
    Path(id): Path<Uuid>,
) -> AppResult<MeetingPage> {
    let (meeting, side) = meeting_for(&mut tx, &member, id, false).await?;
    meeting_page(&mut tx, &member, meeting, side, Edits::default(), flashes).await
}

pub(super) async fn rerender(
    mut tx: TenantTx,
    member: &Member,
    meeting: Meeting,
    side: Side,
    edits: Edits,
) -> AppResult<Response> {
    let page = meeting_page(&mut tx, member, meeting, side, edits, Flashes::default()).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub(super) async fn done(
    member: &Member,
    id: Uuid,
    message: impl Into<String>,
) -> AppResult<Response> {
    flash::push(&member.session, FlashKind::Success, message).await?;
    Ok(Redirect::to(&format!("/alignment/{id}")).into_response())
}

/// The coachee sees the manager's page exactly as the manager would.
pub(super) async fn manager_view(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let (mut tx, meeting, _) = open(&state, &member, id, false, None).await?;
    let invite = meetings::current_invite(&mut tx, member.org, meeting.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let layout = Layout::for_member("What the manager sees", &member, Flashes::default()).await;
    crate::web::guest::preview::preview(&mut tx, member.org, layout, meeting, invite).await
}
