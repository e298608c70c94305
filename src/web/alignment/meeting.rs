//! One alignment meeting, for its coachee and coach: the meeting page (the
//! coach's facilitation view), the coachee's preparation, the coach's notes,
//! changing the time, cancelling, inviting another manager, the outcome and
//! the debrief, and the coachee's preview of the manager's page.

use super::*;
use crate::web::session::MemberTx;
/// Opens the request's transaction with the meeting in it, for its coach or
/// coachee (`only` one of them, when given); anyone else gets a 404.
async fn open(
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
    let side = if member.roles.is_coach && meeting.coach_id == member.user.id {
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
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    place: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ManagerForm {
    #[serde(default)]
    manager_name: String,
    #[serde(default)]
    manager_email: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct DebriefForm {
    #[serde(default)]
    how_it_went: String,
    #[serde(default)]
    stood_out: String,
    #[serde(default)]
    coaching_changes: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct NotesForm {
    #[serde(default)]
    notes: String,
}

/// What a failed form on the meeting page brings back.
#[derive(Default)]
struct Edits {
    prep: Option<(PrepForm, String)>,
    notes: Option<(String, String)>,
    reschedule: Option<(RescheduleForm, String)>,
    manager: Option<(ManagerForm, String)>,
    debrief: Option<(DebriefForm, String)>,
}

pub struct CandidateRow {
    pub candidate: Candidate,
    pub when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "alignment/meeting.html")]
pub(super) struct MeetingPage {
    layout: Layout,
    meeting: Meeting,
    side: Side,
    time_zone: String,
    when: String,
    candidates: Vec<CandidateRow>,
    invite: Option<Invite>,
    opened: String,
    answered: String,
    rsvp_at: String,
    agenda: Vec<AgendaItem>,
    purpose: &'static str,
    guide: &'static [GuideStep],
    prep: PrepForm,
    prep_saved: bool,
    prep_problem: Option<String>,
    notes: String,
    notes_problem: Option<String>,
    goals: Vec<Goal>,
    debrief: Option<Debrief>,
    debrief_form: DebriefForm,
    debrief_problem: Option<String>,
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
    let candidates = meetings::candidates(tx, member.org, meeting.id)
        .await?
        .into_iter()
        .map(|candidate| CandidateRow {
            when: format::local_time(candidate.starts_at, &tz),
            candidate,
        })
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
                .map_or_else(DebriefForm::default, |d| DebriefForm {
                    how_it_went: d.how_it_went,
                    stood_out: d.stood_out,
                    coaching_changes: d.coaching_changes,
                }),
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
    let can_record_outcome = side == Side::Coach
        && meeting.status() == Status::Confirmed
        && meeting.starts_at.is_some_and(|at| at <= Utc::now());
    let title = format!("{} meeting", meeting.kind().label());
    Ok(MeetingPage {
        layout: Layout::for_member(title, member, flashes).await,
        when: local(meeting.starts_at, &tz),
        opened: local(invite.as_ref().and_then(|i| i.last_opened_at), &tz),
        answered: local(invite.as_ref().and_then(|i| i.answered_at), &tz),
        rsvp_at: local(invite.as_ref().and_then(|i| i.rsvp_at), &tz),
        agenda: meeting.kind().agenda(meeting.duration_minutes),
        purpose: meeting.kind().purpose(),
        guide: GUIDE,
        time_zone: tz,
        candidates,
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

async fn rerender(
    mut tx: TenantTx,
    member: &Member,
    meeting: Meeting,
    side: Side,
    edits: Edits,
) -> AppResult<Response> {
    let page = meeting_page(&mut tx, member, meeting, side, edits, Flashes::default()).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn done(member: &Member, id: Uuid, message: impl Into<String>) -> AppResult<Response> {
    flash::push(&member.session, FlashKind::Success, message).await?;
    Ok(Redirect::to(&format!("/alignment/{id}")).into_response())
}

pub(super) async fn save_preparation(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<PrepForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, false, Some(Side::Coachee)).await?;
    let prep = match form.check() {
        Ok(prep) => prep,
        Err(problem) => {
            let edits = Edits {
                prep: Some((form, problem)),
                ..Edits::default()
            };
            return rerender(tx, &member, meeting, side, edits).await;
        }
    };
    meetings::save_preparation(&mut tx, member.org, meeting.id, &prep).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        "Your preparation is saved. Your coach can read it.",
    )
    .await
}

pub(super) async fn save_notes(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<NotesForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, false, Some(Side::Coach)).await?;
    if form.notes.chars().count() > 4000 {
        let edits = Edits {
            notes: Some((form.notes, "Keep your notes to 4,000 characters.".into())),
            ..Edits::default()
        };
        return rerender(tx, &member, meeting, side, edits).await;
    }
    meetings::save_coach_notes(&mut tx, member.org, meeting.id, form.notes.trim()).await?;
    tx.commit().await?;
    done(&member, id, "Your notes are saved. Only you can read them.").await
}

/// Sets the meeting's time and tells everyone; the manager's answer starts over
/// unless `accepted_by_manager` (they proposed this very time).
#[allow(clippy::too_many_arguments)]
async fn set_time(
    state: &AppState,
    tx: &mut TenantTx,
    member: &Member,
    meeting: &Meeting,
    starts_at: DateTime<Utc>,
    duration: i32,
    place: &str,
    accepted_by_manager: bool,
) -> AppResult<Meeting> {
    let moved = meeting.starts_at.is_some();
    meetings::set_time(tx, member.org, meeting.id, starts_at, duration, place).await?;
    meetings::withdraw_candidates(tx, member.org, meeting.id).await?;
    let updated = meetings::meeting(tx, member.org, meeting.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(invite) = meetings::current_invite(tx, member.org, meeting.id)
        .await?
        .filter(|i| i.revoked_at.is_none())
    {
        if accepted_by_manager {
            meetings::set_rsvp(tx, member.org, invite.id, "accepted", "").await?;
        } else {
            meetings::reset_rsvp(tx, member.org, meeting.id).await?;
        }
        meetings::set_invite_expiry(
            tx,
            member.org,
            invite.id,
            invite_expiry(&updated, starts_at),
        )
        .await?;
        let invite = meetings::invite(tx, member.org, invite.id)
            .await?
            .ok_or(AppError::NotFound)?;
        mailer(state, member)
            .time_set(
                tx,
                &updated,
                &invite,
                if moved {
                    TimeChange::Moved
                } else {
                    TimeChange::Set
                },
            )
            .await?;
    }
    Ok(updated)
}

pub(super) async fn reschedule(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<RescheduleForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, true, None).await?;
    if !meeting.status().is_open() {
        return done(&member, id, "This meeting can no longer be moved.").await;
    }
    let checked = future_time(&form.date, &form.time, &member.user.time_zone, Utc::now())
        .and_then(|at| {
            check_duration(&form.duration)
                .map(|d| (at, d))
                .ok_or_else(|| "Choose how long the meeting takes.".to_owned())
        })
        .and_then(|(at, d)| check_place(&form.place).map(|p| (at, d, p)));
    let (starts_at, duration, place) = match checked {
        Ok(checked) => checked,
        Err(problem) => {
            let edits = Edits {
                reschedule: Some((form, problem)),
                ..Edits::default()
            };
            return rerender(tx, &member, meeting, side, edits).await;
        }
    };
    if meeting.starts_at == Some(starts_at)
        && meeting.duration_minutes == duration
        && meeting.place == place
    {
        return done(&member, id, "Nothing changed.").await;
    }
    set_time(
        &state, &mut tx, &member, &meeting, starts_at, duration, &place, false,
    )
    .await?;
    record(&mut tx, &member, "meeting.rescheduled", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        format!(
            "The meeting is now {}. Everyone has been sent the new time.",
            format::local_time(starts_at, &member.user.time_zone)
        ),
    )
    .await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct UseTimeForm {
    #[serde(default)]
    candidate: String,
}

/// The coachee or coach takes a time on offer — usually the one the manager proposed.
pub(super) async fn use_time(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<UseTimeForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, _) = open(&state, &member, id, true, None).await?;
    let candidates = meetings::candidates(&mut tx, member.org, meeting.id).await?;
    let Some(candidate) = form
        .candidate
        .parse::<Uuid>()
        .ok()
        .and_then(|c| candidates.iter().find(|x| x.id == c))
    else {
        return done(&member, id, "That time is no longer on offer.").await;
    };
    if !meeting.status().is_open() || candidate.starts_at <= Utc::now() {
        return done(&member, id, "That time can no longer be chosen.").await;
    }
    let by_manager = candidate.proposed_by == "manager";
    let place = meeting.place.clone();
    set_time(
        &state,
        &mut tx,
        &member,
        &meeting,
        candidate.starts_at,
        meeting.duration_minutes,
        &place,
        by_manager,
    )
    .await?;
    record(&mut tx, &member, "meeting.time_set", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        format!(
            "The meeting is set for {}. Calendar invites are on their way.",
            format::local_time(candidate.starts_at, &member.user.time_zone)
        ),
    )
    .await
}

pub(super) async fn cancel(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let (mut tx, meeting, _) = open(&state, &member, id, true, None).await?;
    if !meeting.status().is_open() {
        return done(&member, id, "This meeting is not planned any more.").await;
    }
    let invite = meetings::current_invite(&mut tx, member.org, meeting.id).await?;
    meetings::cancel(&mut tx, member.org, meeting.id, member.user.id).await?;
    meetings::revoke_invites(&mut tx, member.org, meeting.id, "cancelled").await?;
    let cancelled = meetings::meeting(&mut tx, member.org, meeting.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(invite) = invite {
        mailer(&state, &member)
            .cancelled(&mut tx, &cancelled, &invite, &member.user.name)
            .await?;
    }
    record(&mut tx, &member, "meeting.cancelled", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        "The meeting is cancelled. Everyone has been told, and the manager's link no longer works.",
    )
    .await
}

/// The coachee invites a different manager: the old link stops working.
pub(super) async fn replace_manager(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<ManagerForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, true, Some(Side::Coachee)).await?;
    if !meeting.status().is_open() {
        return done(&member, id, "This meeting is not planned any more.").await;
    }
    let (name, email) = match check_manager(&form.manager_name, &form.manager_email) {
        Ok(checked) => checked,
        Err(problem) => {
            let edits = Edits {
                manager: Some((form, problem)),
                ..Edits::default()
            };
            return rerender(tx, &member, meeting, side, edits).await;
        }
    };
    let candidates = meetings::candidates(&mut tx, member.org, meeting.id).await?;
    let latest = meeting
        .starts_at
        .into_iter()
        .chain(candidates.iter().map(|c| c.starts_at))
        .max()
        .unwrap_or_else(Utc::now);
    let old = meetings::current_invite(&mut tx, member.org, meeting.id)
        .await?
        .filter(|i| i.revoked_at.is_none());
    meetings::revoke_invites(&mut tx, member.org, meeting.id, "replaced").await?;
    let invite = new_invite(
        &state,
        &mut tx,
        &member,
        &meeting,
        &name,
        &email,
        invite_expiry(&meeting, latest),
    )
    .await?;
    let mailer = mailer(&state, &member);
    if let Some(old) = old {
        mailer.withdrawn(&mut tx, &meeting, &old).await?;
    }
    // The new manager is invited to the time set, or to choose from the times
    // on offer; the coachee's and coach's calendars need no change.
    let offered = match meeting.starts_at {
        Some(at) => vec![Candidate {
            id: Uuid::nil(),
            starts_at: at,
            proposed_by: "coachee".into(),
            note: String::new(),
        }],
        None => candidates,
    };
    mailer
        .invite_manager(&mut tx, &meeting, &invite, &offered)
        .await?;
    record(&mut tx, &member, "meeting.manager_replaced", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        format!("{name} is invited instead; the earlier link no longer works."),
    )
    .await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct OutcomeForm {
    #[serde(default)]
    outcome: String,
}

pub(super) async fn record_outcome(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<OutcomeForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, _) = open(&state, &member, id, true, Some(Side::Coach)).await?;
    let held = match form.outcome.as_str() {
        "held" => true,
        "not_held" => false,
        _ => return done(&member, id, "Choose whether the meeting took place.").await,
    };
    let started = meeting.starts_at.is_some_and(|at| at <= Utc::now());
    if !started || meeting.status() != Status::Confirmed {
        return done(
            &member,
            id,
            "You can record what happened once the meeting's time has come.",
        )
        .await;
    }
    meetings::set_outcome(&mut tx, member.org, meeting.id, held).await?;
    record(
        &mut tx,
        &member,
        if held {
            "meeting.held"
        } else {
            "meeting.not_held"
        },
        &meeting,
    )
    .await?;
    tx.commit().await?;
    done(
        &member,
        id,
        if held {
            "Marked as held. Record the debrief with your coachee below."
        } else {
            "Marked as not held. The coachee can schedule it again."
        },
    )
    .await
}

pub(super) async fn save_debrief(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<DebriefForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, false, Some(Side::Coach)).await?;
    let problem = if meeting.status() != Status::Completed {
        Some("Mark the meeting as held before recording its debrief.")
    } else if [&form.how_it_went, &form.stood_out, &form.coaching_changes]
        .iter()
        .any(|t| t.chars().count() > 2000)
    {
        Some("Keep each part of the debrief to 2,000 characters.")
    } else if [&form.how_it_went, &form.stood_out, &form.coaching_changes]
        .iter()
        .all(|t| t.trim().is_empty())
    {
        Some("Write at least one part of the debrief.")
    } else {
        None
    };
    if let Some(problem) = problem {
        let edits = Edits {
            debrief: Some((form, problem.into())),
            ..Edits::default()
        };
        return rerender(tx, &member, meeting, side, edits).await;
    }
    meetings::save_debrief(
        &mut tx,
        member.org,
        meeting.id,
        &Debrief {
            how_it_went: form.how_it_went.trim().to_owned(),
            stood_out: form.stood_out.trim().to_owned(),
            coaching_changes: form.coaching_changes.trim().to_owned(),
        },
    )
    .await?;
    record(&mut tx, &member, "meeting.debriefed", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        format!(
            "Debrief saved. {} can read it; the manager cannot.",
            meeting.coachee_name
        ),
    )
    .await
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
    crate::web::guest::preview(&mut tx, member.org, layout, meeting, invite).await
}
