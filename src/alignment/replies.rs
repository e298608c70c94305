//! While a meeting waits for its time: what each invitee has said, and whose
//! move it is, in one sentence the dashboards and the meeting page share. A
//! proposal or a decline is never hidden behind "waiting for the manager".

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::format;

/// One live invitee's answer about the time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub meeting_id: Uuid,
    pub name: String,
    /// `pending`, `accepted` (a vote while no time is set), `declined` or `proposed`.
    pub rsvp: String,
    /// The time they said works, or proposed.
    pub at: Option<DateTime<Utc>>,
    pub opened: bool,
}

/// Where the arranging stands, as a headline word and a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arranging {
    /// Someone proposed another time: the coachee's or coach's move.
    pub proposed: bool,
    /// Everyone invited declined.
    pub all_declined: bool,
    pub sentence: String,
}

fn names(replies: &[&Reply]) -> String {
    let names: Vec<&str> = replies.iter().map(|r| r.name.as_str()).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Whose move it is, for the coachee (`you`) or the coach, times in
/// `time_zone` with their weekday.
pub fn arranging(replies: &[Reply], time_zone: &str, you: bool) -> Arranging {
    let with = |rsvp: &str| -> Vec<&Reply> { replies.iter().filter(|r| r.rsvp == rsvp).collect() };
    let (proposed, declined, voted) = (with("proposed"), with("declined"), with("accepted"));
    let pending: Vec<&Reply> = replies
        .iter()
        .filter(|r| !["proposed", "declined", "accepted"].contains(&r.rsvp.as_str()))
        .collect();
    let when = |r: &Reply| {
        r.at.map(|at| format::local_time(at, time_zone))
            .unwrap_or_default()
    };
    let mut parts = Vec::new();
    for reply in &proposed {
        parts.push(format!(
            "{} proposed {} instead: {} — take that time on the meeting page, or offer others",
            reply.name,
            when(reply),
            if you {
                "your move"
            } else {
                "your or the coachee's move"
            }
        ));
    }
    let all_declined = !replies.is_empty() && declined.len() == replies.len();
    if all_declined {
        parts.push(format!(
            "{} declined: offer new times, invite someone else, or cancel the meeting",
            names(&declined)
        ));
    } else if !declined.is_empty() {
        parts.push(format!("{} declined", names(&declined)));
    }
    for reply in &voted {
        parts.push(format!("{} said {} works", reply.name, when(reply)));
    }
    if !pending.is_empty() {
        let opened: Vec<&Reply> = pending.iter().copied().filter(|r| r.opened).collect();
        parts.push(format!(
            "waiting for {} to answer{}",
            names(&pending),
            if opened.is_empty() {
                String::new()
            } else {
                format!(" ({} opened the link)", names(&opened))
            }
        ));
    } else if proposed.is_empty() && !voted.is_empty() {
        parts.push("everyone has answered: confirm a time on the meeting page".to_owned());
    }
    let mut sentence = parts.join("; ");
    if let Some(first) = sentence.get(..1) {
        sentence = first.to_uppercase() + &sentence[1..];
    }
    sentence.push('.');
    Arranging {
        proposed: !proposed.is_empty(),
        all_declined,
        sentence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(name: &str, rsvp: &str, at: Option<DateTime<Utc>>, opened: bool) -> Reply {
        Reply {
            meeting_id: Uuid::nil(),
            name: name.into(),
            rsvp: rsvp.into(),
            at,
            opened,
        }
    }

    #[test]
    fn a_proposal_or_a_decline_is_said_and_so_is_whose_move_it_is() {
        let at = "2026-12-08T10:00:00Z".parse().unwrap();
        let a = arranging(
            &[reply("Morgan", "pending", None, false)],
            "Europe/London",
            true,
        );
        assert_eq!(a.sentence, "Waiting for Morgan to answer.");
        let a = arranging(
            &[reply("Morgan", "proposed", Some(at), true)],
            "Europe/London",
            true,
        );
        assert!(a.proposed);
        assert!(
            a.sentence
                .starts_with("Morgan proposed Tue 8 Dec 2026, 10:00 GMT"),
            "{}",
            a.sentence
        );
        assert!(a.sentence.contains("your move"), "{}", a.sentence);
        let a = arranging(&[reply("Morgan", "declined", None, true)], "UTC", false);
        assert!(a.all_declined);
        assert_eq!(
            a.sentence,
            "Morgan declined: offer new times, invite someone else, or cancel the meeting."
        );
        let a = arranging(
            &[
                reply("Morgan", "accepted", Some(at), true),
                reply("Sasha", "pending", None, true),
                reply("Kai", "declined", None, true),
            ],
            "UTC",
            true,
        );
        assert!(!a.all_declined);
        assert!(a.sentence.contains("Kai declined"), "{}", a.sentence);
        assert!(
            a.sentence
                .contains("Morgan said Tue 8 Dec 2026, 10:00 UTC works"),
            "{}",
            a.sentence
        );
        assert!(
            a.sentence
                .contains("waiting for Sasha to answer (Sasha opened the link)"),
            "{}",
            a.sentence
        );
        let a = arranging(&[reply("Morgan", "accepted", Some(at), true)], "UTC", true);
        assert!(
            a.sentence
                .ends_with("everyone has answered: confirm a time on the meeting page."),
            "{}",
            a.sentence
        );
    }
}
