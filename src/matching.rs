//! Coach matching for an engagement that began without a coach: the rules of
//! a shortlist, and the two emails around it. The coachee hears that coaches
//! are waiting to be chosen; the coach who is chosen (or assigned) hears that
//! the engagement is theirs. Coaches offered but not chosen are told nothing:
//! they never learn who considered them.
//!
//! The emails are queued in the outbox inside the transaction that makes the
//! change. Queries are in `db::coach_choice`; pages in `web::coach_choice`
//! (the coachee) and `web::admin::shortlist` (the admin).

use crate::config::Config;
use crate::db::TenantTx;
use crate::db::coach_choice::ChosenBy;
use crate::db::engagements::Engagement;
use crate::mail::MailKind;
use crate::mail::outbox::{self, Recipient};
use crate::mail::templates::NoticeEmail;
use crate::mail::typed::isolate;

/// How many coaches a shortlist offers: enough for a real choice, few
/// enough to read every profile.
pub const SHORTLIST_MIN: usize = 2;
pub const SHORTLIST_MAX: usize = 3;

fn link(config: &Config, path: &str) -> String {
    config
        .public_url
        .join(path)
        .map_or_else(|_| path.to_owned(), |url| url.to_string())
}

/// Tells the coachee that a shortlist of `count` coaches waits for them.
pub async fn tell_coachee_shortlist(
    tx: &mut TenantTx,
    config: &Config,
    engagement: &Engagement,
    coachee: Recipient,
    count: usize,
    by: uuid::Uuid,
) -> anyhow::Result<()> {
    let org = tx.tenant();
    let mut email = NoticeEmail {
        kind: MailKind::CoachMatching,
        subject: "Choose your coach".into(),
        name: coachee.name.clone(),
        lead: format!(
            "Your programme team has picked {count} coaches for your coaching in {}. Each has a short profile: read them, and choose the one you would like to work with.",
            isolate(&engagement.program_name)
        ),
        paragraphs: vec![
            "Once you have chosen, your coach is told and can plan your first coaching session with you. The coaches you do not choose are not told anything about you.".into(),
        ],
        link: Some((
            "Choose your coach".into(),
            link(config, &format!("/engagements/{}/coach", engagement.id)),
        )),
        ..NoticeEmail::default()
    }
    .email(coachee)?;
    email.caused_by = Some(by);
    // A newer shortlist replaces the email about the last one if still queued.
    email.dedupe_key = Some(format!("coach-shortlist-{}", engagement.id));
    outbox::enqueue(tx, Some(org), config.mail_domain(), email).await?;
    Ok(())
}

/// Tells the coach that the engagement is now theirs: chosen by the coachee
/// from a shortlist, or assigned by the programme team.
pub async fn tell_coach_chosen(
    tx: &mut TenantTx,
    config: &Config,
    engagement: &Engagement,
    coach: Recipient,
    by: ChosenBy,
    caused_by: uuid::Uuid,
) -> anyhow::Result<()> {
    let org = tx.tenant();
    // The coach is settled: "choose your coach", if still waiting, is not sent.
    outbox::withdraw(tx, &format!("coach-shortlist-{}", engagement.id)).await?;
    let coachee = isolate(&engagement.coachee_name);
    let program = isolate(&engagement.program_name);
    let lead = match by {
        ChosenBy::Coachee => format!(
            "{coachee} has chosen you as their coach in {program}, from the coaches the programme team suggested."
        ),
        ChosenBy::Admin => {
            format!("The programme team has made you {coachee}'s coach in {program}.")
        }
    };
    let mut email = NoticeEmail {
        kind: MailKind::CoachMatching,
        subject: format!("You are {coachee}'s coach"),
        name: coach.name.clone(),
        lead,
        details: vec![
            ("Coachee".into(), coachee.clone()),
            ("Programme".into(), program),
            (
                "Dates".into(),
                format!(
                    "{} to {}",
                    engagement.starts_on.format("%a %-d %b %Y"),
                    engagement.ends_on.format("%a %-d %b %Y")
                ),
            ),
        ],
        paragraphs: vec![format!(
            "The engagement page shows what {coachee} has started: any kickoff meeting already held with their manager, and the goals they choose to share with you. Plan your first coaching session from there."
        )],
        link: Some((
            "Open the engagement".into(),
            link(config, &format!("/engagements/{}", engagement.id)),
        )),
        ..NoticeEmail::default()
    }
    .email(coach)?;
    email.caused_by = Some(caused_by);
    // One message per coach: a coach changed later is told too.
    email.dedupe_key = Some(format!(
        "coach-chosen-{}-{}",
        engagement.id,
        email.to.email.to_lowercase()
    ));
    outbox::enqueue(tx, Some(org), config.mail_domain(), email).await?;
    Ok(())
}
