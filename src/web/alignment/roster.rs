//! Who is invited to a meeting, as its coachee and coach see them: each
//! invitee with their role, whether they opened their link, answered the
//! questions and said yes or no to a time, and their time zone; and, while
//! no time is set and several people are invited, who can make which time.
//! The form to invite one more sponsor is here too; what it and the remove
//! button do is in `invitees`.

use serde::Deserialize;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::db::alignment::{self as meetings, Invite, MAX_INVITEES, Meeting};
use crate::format;
use crate::web::error::AppResult;
use crate::web::forms::problems::FieldErrors;

/// The form that invites one more sponsor.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct InviteeForm {
    #[serde(default)]
    pub(super) invitee_name: String,
    #[serde(default)]
    pub(super) invitee_email: String,
}

/// One live invitee, as the coachee and coach see them.
pub struct InviteeRow {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub opened: String,
    pub answered: String,
    /// "Accepted", "Declined — note", "Can make Tuesday …", "Proposed …".
    pub rsvp: String,
    pub time_zone: String,
}

/// One time on offer and who said it works for them.
pub struct VoteRow {
    pub candidate: Uuid,
    pub when: String,
    pub can_make: Vec<String>,
}

pub struct Roster {
    pub rows: Vec<InviteeRow>,
    /// While no time is set and more than one person is invited.
    pub votes: Vec<VoteRow>,
    /// Another sponsor can be invited: the meeting is planned and fewer than
    /// three people are.
    pub can_add: bool,
    pub max: usize,
    pub form: InviteeForm,
    pub problems: FieldErrors,
}

fn rsvp_of(invite: &Invite, time_zone: &str, several: bool) -> String {
    let at = invite
        .rsvp_starts_at
        .map(|at| format::local_time(at, time_zone));
    let mut text = match (invite.rsvp.as_str(), at) {
        ("accepted", Some(at)) if several => format!("Can make {at}"),
        ("proposed", Some(at)) => format!("Proposed {at}"),
        _ => invite.rsvp_label().to_owned(),
    };
    if !invite.rsvp_note.is_empty() {
        text.push_str(&format!(" — “{}”", invite.rsvp_note));
    }
    text
}

pub(super) async fn roster(
    tx: &mut TenantTx,
    meeting: &Meeting,
    time_zone: &str,
    edit: Option<(InviteeForm, FieldErrors)>,
) -> AppResult<Roster> {
    let org = tx.tenant();
    let invites = meetings::live_invites(tx, org, meeting.id).await?;
    let several = invites.len() > 1;
    let votes = if several && meeting.starts_at.is_none() {
        meetings::candidates(tx, org, meeting.id)
            .await?
            .into_iter()
            .map(|c| VoteRow {
                candidate: c.id,
                when: format::local_time(c.starts_at, time_zone),
                can_make: invites
                    .iter()
                    .filter(|i| {
                        (i.rsvp == "accepted" && i.rsvp_starts_at == Some(c.starts_at))
                            || c.proposed_by_invite == Some(i.id)
                    })
                    .map(|i| i.name.clone())
                    .collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let local = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|at| format::local_time(at, time_zone))
            .unwrap_or_default()
    };
    let (form, problems) = edit.unwrap_or_default();
    Ok(Roster {
        can_add: meeting.status().is_open() && invites.len() < MAX_INVITEES,
        max: MAX_INVITEES,
        rows: invites
            .iter()
            .map(|i| InviteeRow {
                id: i.id,
                name: i.name.clone(),
                email: i.email.clone(),
                role: i.role_label(),
                opened: local(i.last_opened_at),
                answered: local(i.answered_at),
                rsvp: rsvp_of(i, time_zone, several),
                time_zone: i.time_zone.clone(),
            })
            .collect(),
        votes,
        form,
        problems,
    })
}

/// Checks one more invitee's name and email: a name on one line, an address
/// that parses, not the coachee's or coach's own, and none of `taken` (the
/// addresses already invited). A problem names its field: `name` or `email`.
pub(super) fn check_invitee(
    name: &str,
    email: &str,
    meeting_people: [&str; 2],
    taken: &[&str],
) -> Result<(String, String), (&'static str, String)> {
    let (name, email) = (name.trim(), email.trim());
    if name.is_empty() || name.chars().count() > 120 {
        return Err(("name", "Enter their name (up to 120 characters).".into()));
    }
    if crate::web::names::breaks_lines(name) {
        return Err(("name", crate::web::names::ONE_LINE.into()));
    }
    if email.len() > 254 || email.parse::<lettre::Address>().is_err() {
        return Err((
            "email",
            "Enter their email address, like name@example.com.".into(),
        ));
    }
    if meeting_people
        .iter()
        .any(|p| p.to_lowercase() == email.to_lowercase())
    {
        return Err((
            "email",
            "That is the coachee's or the coach's own address: they are in the meeting already. Enter the sponsor's address.".into(),
        ));
    }
    if taken
        .iter()
        .any(|t| t.to_lowercase() == email.to_lowercase())
    {
        return Err((
            "email",
            "Someone with that address is invited already; each person needs their own address."
                .into(),
        ));
    }
    Ok((name.to_owned(), email.to_owned()))
}

/// The sponsors typed on the scheduling form beside the manager, each pair
/// (name, email, its field key) left empty or checked as [`check_invitee`]
/// would; problems go under the pair's key.
pub(super) fn check_sponsors(
    pairs: [(&str, &str, &'static str); 2],
    coachee_email: &str,
    manager_email: &str,
    problems: &mut FieldErrors,
) -> Vec<(String, String)> {
    let mut sponsors: Vec<(String, String)> = Vec::new();
    for (name, email, key) in pairs {
        if name.trim().is_empty() && email.trim().is_empty() {
            continue;
        }
        let mut taken = vec![manager_email];
        taken.extend(sponsors.iter().map(|(_, e)| e.as_str()));
        // The coach's address is checked when a sponsor is added later; here
        // the coachee's own stands for "someone already in the meeting".
        match check_invitee(name, email, [coachee_email, coachee_email], &taken) {
            Ok(sponsor) => sponsors.push(sponsor),
            Err((_, problem)) => problems.set(key, problem),
        }
    }
    sponsors
}

#[cfg(test)]
mod tests {
    use super::check_invitee;

    const PEOPLE: [&str; 2] = ["coachee@example.com", "coach@example.com"];

    #[test]
    fn an_invitee_needs_their_own_address() {
        assert!(check_invitee("Sam", "sam@example.com", PEOPLE, &["boss@example.com"]).is_ok());
        assert_eq!(
            check_invitee("Sam", "Coach@Example.com", PEOPLE, &[])
                .unwrap_err()
                .0,
            "email"
        );
        assert_eq!(
            check_invitee("Sam", "BOSS@example.com", PEOPLE, &["boss@example.com"])
                .unwrap_err()
                .0,
            "email"
        );
        assert_eq!(
            check_invitee(" ", "sam@example.com", PEOPLE, &[])
                .unwrap_err()
                .0,
            "name"
        );
        assert_eq!(
            check_invitee("Sam", "not an address", PEOPLE, &[])
                .unwrap_err()
                .0,
            "email"
        );
    }
}
