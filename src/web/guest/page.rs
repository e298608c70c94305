//! The manager's page: what they see of the meeting.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use crate::alignment::Status;
use crate::alignment::agenda::{self, AgendaLine};
use crate::alignment::questions::{Question, questions};
use crate::db::alignment::{self as meetings, Invite, Meeting};
use crate::db::goals::{self, Goal};
use crate::db::{TenantId, TenantTx};
use crate::format;
use crate::web::alignment::shown::CandidateRow;
use crate::web::error::AppResult;
use crate::web::flash::{self, Flashes};
use crate::web::forms::problems::FieldErrors;

use super::refusal::{Refusal, refused};
use super::visit::{GuestVisit, ShownFor};
use crate::web::layout::Layout;

/// What the manager sees of the meeting.
pub struct ManagerView {
    pub meeting: Meeting,
    pub invite: Invite,
    pub when: String,
    pub candidates: Vec<CandidateRow>,
    /// Times the manager proposed, not yet taken up.
    pub proposals: Vec<CandidateRow>,
    /// The agenda as it stands: standard, or as the coachee and coach rewrote it.
    pub agenda: Vec<AgendaLine>,
    pub purpose: &'static str,
    /// What this meeting's kind asks the invitee, and what they answered.
    pub questions: &'static [Question],
    pub answers: BTreeMap<String, String>,
    pub goals: Vec<Goal>,
    /// The questions can be answered until the meeting starts.
    pub can_answer: bool,
    pub expires: String,
    /// The other people invited: name and role, never their address or answers.
    pub others: Vec<(String, &'static str)>,
    /// While no time is set: the time this invitee said works for them.
    pub voted: String,
}

impl ManagerView {
    /// The invite as its page's address and every form on it name it.
    pub fn key(&self) -> String {
        crate::alignment::link::invite_key(self.invite.id)
    }

    pub fn is_open(&self) -> bool {
        self.meeting.status().is_open()
    }

    /// What this invitee answered to questions the meeting no longer asks
    /// (those put before meetings had kinds of their own): theirs to read,
    /// not to change.
    pub fn earlier_answers(&self) -> Vec<(&'static str, &str)> {
        self.answers
            .iter()
            .filter(|(key, _)| !self.questions.iter().any(|q| q.key == key.as_str()))
            .filter_map(|(key, text)| {
                crate::alignment::questions::question(key).map(|q| (q.label, text.as_str()))
            })
            .collect()
    }
}

/// Builds the view from the meeting, its invite and the goals the coachee
/// shares right now.
pub(super) async fn manager_view(
    tx: &mut TenantTx,
    org: TenantId,
    meeting: Meeting,
    invite: Invite,
) -> AppResult<ManagerView> {
    let tz = invite.time_zone.clone();
    let me = invite.id;
    let (proposals, candidates): (Vec<CandidateRow>, Vec<CandidateRow>) =
        meetings::candidates(tx, org, meeting.id)
            .await?
            .into_iter()
            .filter(|c| c.starts_at > Utc::now())
            .map(|candidate| CandidateRow {
                when: format::local_time(candidate.starts_at, &tz),
                candidate,
                elsewhere: Vec::new(),
                proposer: None,
            })
            .partition(|row| row.candidate.proposed_by_invite == Some(me));
    // Times to choose from only while none is set; the manager's own
    // proposals wait for the coachee or coach to take them.
    let candidates = if meeting.status() == Status::Proposed {
        candidates
    } else {
        Vec::new()
    };
    let goals = goals::shared_of_engagement(tx, org, meeting.engagement_id).await?;
    let rewritten = meetings::rewritten_agenda(tx, org, meeting.id).await?;
    let answers = meetings::answers_of_invite(tx, org, invite.id)
        .await?
        .into_iter()
        .map(|a| (a.question, a.answer))
        .collect();
    let others = meetings::live_invites(tx, org, meeting.id)
        .await?
        .into_iter()
        .filter(|i| i.id != me)
        .map(|i| (i.name.clone(), i.role_label()))
        .collect();
    let voted = match (
        meeting.status(),
        invite.rsvp.as_str(),
        invite.rsvp_starts_at,
    ) {
        (Status::Proposed, "accepted", Some(at)) => format::local_time(at, &tz),
        _ => String::new(),
    };
    Ok(ManagerView {
        others,
        voted,
        when: meeting
            .starts_at
            .map(|at| format::local_time(at, &tz))
            .unwrap_or_default(),
        agenda: agenda::current(
            meeting.kind(),
            meeting.duration_minutes,
            &meeting.agenda,
            rewritten.as_deref(),
        ),
        purpose: meeting.kind().purpose(),
        questions: questions(meeting.kind()),
        answers,
        can_answer: meeting.status().is_open()
            && meeting.starts_at.is_none_or(|at| at > Utc::now()),
        expires: format::local_time(invite.expires_at, &tz),
        candidates,
        proposals,
        goals,
        meeting,
        invite,
    })
}
#[derive(Template, WebTemplate)]
#[template(path = "guest/meeting.html")]
pub(super) struct GuestPage {
    layout: Layout,
    view: ManagerView,
    /// The coachee looking at the manager's page: nothing can be sent.
    preview: bool,
    /// The short list of zones to search, each with its local time now.
    zones: Vec<(String, String)>,
    /// The small script that suggests the device's own zone.
    zone_script: &'static str,
    propose: ProposeForm,
    propose_problem: Option<String>,
    answers: AnswersForm,
    answers_problems: FieldErrors,
    decline: DeclineForm,
    decline_problem: Option<String>,
}

pub(super) fn guest_page(
    layout: Layout,
    view: ManagerView,
    preview: bool,
    edits: GuestEdits,
) -> GuestPage {
    let (answers, answers_problems) = match edits.answers {
        Some((form, problems)) => (form, problems),
        None => (
            AnswersForm {
                answers: view.answers.clone(),
                ..AnswersForm::default()
            },
            FieldErrors::default(),
        ),
    };
    let (propose, propose_problem) = edits
        .propose
        .map_or((ProposeForm::default(), None), |(f, p)| (f, Some(p)));
    let (decline, decline_problem) = edits
        .decline
        .map_or((DeclineForm::default(), None), |(f, p)| (f, Some(p)));
    let zones = format::zones_with_local_time(&view.invite.time_zone, chrono::Utc::now());
    GuestPage {
        layout,
        view,
        preview,
        zones,
        zone_script: crate::web::assets::url("zone.js"),
        propose,
        propose_problem,
        answers,
        answers_problems,
        decline,
        decline_problem,
    }
}

async fn guest_layout(session: &Session, flashes: Flashes) -> Layout {
    Layout::for_visitor("Your alignment meeting", session, flashes).await
}

pub(super) async fn show(
    GuestVisit {
        mut tx,
        invite,
        meeting,
    }: GuestVisit,
    session: Session,
) -> AppResult<Response> {
    // Only this invite's messages: a browser may hold several meetings.
    let flashes = flash::take_for(&session, &invite.id.simple().to_string()).await;
    let org = tx.tenant();
    let view = manager_view(&mut tx, org, meeting, invite).await?;
    let layout = guest_layout(&session, flashes).await;
    Ok(guest_page(layout, view, false, GuestEdits::default()).into_response())
}

/// Re-renders the page with a form's problem, keeping what was typed.
pub(super) async fn rerender(
    mut tx: TenantTx,
    session: &Session,
    invite: Invite,
    meeting: Meeting,
    edits: GuestEdits,
) -> AppResult<Response> {
    let org = tx.tenant();
    let view = manager_view(&mut tx, org, meeting, invite).await?;
    let layout = guest_layout(session, Flashes::default()).await;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        guest_page(layout, view, false, edits),
    )
        .into_response())
}

/// The old address, and forms from pages made before each invite had its
/// own: they name no meeting, so nothing can be done but open the link again.
pub(super) async fn page_moved() -> Response {
    refused(Refusal::VisitEnded)
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ProposeForm {
    /// The invite whose page showed the form.
    #[serde(default)]
    pub(super) invite: String,
    #[serde(default)]
    pub(super) date: String,
    #[serde(default)]
    pub(super) time: String,
    #[serde(default)]
    pub(super) note: String,
}

impl ShownFor for ProposeForm {
    fn shown_for(&self) -> &str {
        &self.invite
    }
}

/// The answers to the questions of the meeting's kind: one field per
/// question, named by its key (see `alignment::questions`).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct AnswersForm {
    /// The invite whose page showed the form.
    #[serde(default)]
    pub(super) invite: String,
    /// Every other field, of which the questions' are read.
    #[serde(flatten)]
    pub(super) answers: BTreeMap<String, String>,
}

impl AnswersForm {
    /// What is typed (or stored) for the question `key`.
    pub(super) fn text(&self, key: &str) -> &str {
        self.answers.get(key).map_or("", String::as_str)
    }
}

impl ShownFor for AnswersForm {
    fn shown_for(&self) -> &str {
        &self.invite
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct DeclineForm {
    /// The invite whose page showed the form.
    #[serde(default)]
    pub(super) invite: String,
    #[serde(default)]
    pub(super) note: String,
}

impl ShownFor for DeclineForm {
    fn shown_for(&self) -> &str {
        &self.invite
    }
}

#[derive(Default)]
pub(super) struct GuestEdits {
    pub(super) propose: Option<(ProposeForm, String)>,
    pub(super) answers: Option<(AnswersForm, FieldErrors)>,
    pub(super) decline: Option<(DeclineForm, String)>,
}
