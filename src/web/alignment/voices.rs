//! What the meeting page shows beside its own rows: the agenda as it stands
//! and its edit box, each invitee's answers under the questions they were
//! asked, and the coaching sessions that prepare the meeting. Read for the
//! coachee and coach only; no admin page calls this.

use chrono::Utc;

use crate::alignment::Kind;
use crate::alignment::agenda::{self, AgendaLine};
use crate::alignment::questions::{self, Question};
use crate::db::TenantTx;
use crate::db::alignment::{self as meetings, Answer, Meeting};
use crate::db::coaching::SessionStatus;
use crate::format;
use crate::web::error::AppResult;

/// One invitee's answers, each under its question.
pub struct InviteeAnswers {
    pub name: String,
    /// Their invite went to someone else since.
    pub replaced: bool,
    pub rows: Vec<(&'static Question, String)>,
}

/// A coaching session that prepares the meeting.
pub struct PrepShown {
    pub id: uuid::Uuid,
    pub when: String,
    pub status: &'static str,
}

pub struct Voices {
    pub agenda: Vec<AgendaLine>,
    /// The edit box's text: the agenda as it stands, or as typed when it was
    /// refused.
    pub agenda_text: String,
    pub agenda_problem: Option<String>,
    /// The rewritten agenda as it stood when the page was drawn (empty for
    /// the standard one): sent back with the form, so a save can tell that
    /// someone else changed it in between.
    pub agenda_was: String,
    /// Until the meeting starts.
    pub agenda_editable: bool,
    pub invitees: Vec<InviteeAnswers>,
    pub prep_sessions: Vec<PrepShown>,
    /// The programme expects a preparation session and none is planned yet.
    pub suggest_prep: bool,
}

/// Whether the agenda of `meeting` can still be changed: it is planned and
/// has not started.
pub(super) fn agenda_editable(meeting: &Meeting) -> bool {
    meeting.status().is_open() && meeting.starts_at.is_none_or(|at| at > Utc::now())
}

/// Groups answers (ordered by invite) per invitee, each in the order of the
/// kind's questions; answers to questions no longer asked keep their words.
fn by_invitee(kind: Kind, answers: Vec<Answer>) -> Vec<InviteeAnswers> {
    let mut grouped: Vec<(uuid::Uuid, InviteeAnswers)> = Vec::new();
    for answer in answers {
        let Some(question) = questions::question(&answer.question) else {
            continue;
        };
        let at = match grouped.iter().position(|(id, _)| *id == answer.invite_id) {
            Some(at) => at,
            None => {
                grouped.push((
                    answer.invite_id,
                    InviteeAnswers {
                        name: answer.invitee,
                        replaced: answer.replaced,
                        rows: Vec::new(),
                    },
                ));
                grouped.len() - 1
            }
        };
        grouped[at].1.rows.push((question, answer.answer));
    }
    grouped
        .into_iter()
        .map(|(_, mut invitee)| {
            invitee
                .rows
                .sort_by_key(|(question, _)| questions::position(kind, question.key));
            invitee
        })
        .collect()
}

pub(super) async fn voices(
    tx: &mut TenantTx,
    meeting: &Meeting,
    time_zone: &str,
    agenda_edit: Option<(String, String)>,
) -> AppResult<Voices> {
    let org = tx.tenant();
    let rewritten = meetings::rewritten_agenda(tx, org, meeting.id).await?;
    let agenda = agenda::current(
        meeting.kind(),
        meeting.duration_minutes,
        &meeting.agenda,
        rewritten.as_deref(),
    );
    let (agenda_text, agenda_problem) = match agenda_edit {
        Some((text, problem)) => (text, Some(problem)),
        None => (agenda::as_text(&agenda), None),
    };
    let answers = meetings::answers_of_meeting(tx, org, meeting.id).await?;
    let prep_sessions: Vec<PrepShown> = meetings::preparing_sessions(tx, org, meeting.id)
        .await?
        .into_iter()
        .map(|s| PrepShown {
            id: s.id,
            when: format::local_time(s.starts_at, time_zone),
            status: SessionStatus::parse(&s.status).map_or("", |s| s.label()),
        })
        .collect();
    Ok(Voices {
        agenda,
        agenda_text,
        agenda_problem,
        agenda_was: rewritten.unwrap_or_default(),
        agenda_editable: agenda_editable(meeting),
        invitees: by_invitee(meeting.kind(), answers),
        suggest_prep: meeting.prep_expected
            && meeting.status().is_open()
            && prep_sessions.is_empty(),
        prep_sessions,
    })
}
