//! Nudges: an email to the coach of a quiet engagement, at most weekly —
//! sent when an admin asks, or every week for programmes that ask for it.

use chrono::Utc;
use uuid::Uuid;

use crate::config::Config;
use crate::db::reporting::{self as figures, Quiet};
use crate::db::{self, TenantId, TenantTx, programs};
use crate::mail::outbox::{self, Recipient};
use crate::mail::templates::NoticeEmail;
use crate::mail::typed::isolate;

/// At most one nudge per engagement per week.
pub fn can_nudge(quiet: &Quiet) -> bool {
    quiet
        .last_nudged
        .is_none_or(|at| at <= Utc::now() - chrono::Duration::days(7))
}

/// Emails the coach of a quiet engagement, once a week at most; `by` is the
/// admin, or None for the automatic weekly nudge. Returns whether it was sent.
pub async fn send(
    tx: &mut TenantTx,
    config: &Config,
    engagement: Uuid,
    by: Option<Uuid>,
) -> anyhow::Result<bool> {
    let org = tx.tenant();
    let Some(quiet) = figures::quiet_engagement_for_nudge(tx, org, engagement).await? else {
        return Ok(false);
    };
    if !can_nudge(&quiet) {
        return Ok(false);
    }
    figures::record_nudge(tx, org, engagement, by).await?;
    let link = config
        .public_url
        .join(&format!("/engagements/{engagement}"))
        .map(|u| u.to_string())
        .unwrap_or_default();
    let since = quiet.last_completed.map_or_else(
        || "no coaching session has been completed yet".to_owned(),
        |at| {
            format!(
                "the last completed coaching session was on {}",
                at.date_naive().format("%a %-d %b %Y")
            )
        },
    );
    let mut email = NoticeEmail {
        kind: crate::mail::MailKind::Nudge,
        subject: format!("Checking in: coaching with {}", isolate(&quiet.coachee_name)),
        name: quiet.coach_name.clone(),
        lead: format!(
            "In {}, {since} with {}. The programme hopes for one at least every {} weeks.",
            isolate(&quiet.program_name),
            isolate(&quiet.coachee_name),
            quiet.inactivity_weeks
        ),
        paragraphs: vec![
            "If sessions happened and are not recorded yet, marking them completed keeps the programme's picture right. If the engagement is paused, tell your programme team.".into(),
        ],
        link: Some(("Open the engagement".into(), link)),
        ..NoticeEmail::default()
    }
    .email(Recipient {
        email: quiet.coach_email.clone(),
        name: quiet.coach_name.clone(),
    })?;
    email.caused_by = by;
    email.dedupe_key = Some(format!("nudge-{engagement}"));
    outbox::enqueue(tx, Some(org), config.mail_domain(), email).await?;
    Ok(true)
}

/// The weekly automatic nudge, for every organisation that asked for it.
/// Returns how many coaches were emailed.
pub async fn automatically(pool: &sqlx::PgPool, config: &Config) -> anyhow::Result<usize> {
    let mut sent = 0;
    for org in figures::organisations_nudging(pool).await? {
        let org = TenantId(org);
        let mut tx = db::begin_tenant(pool, org).await?;
        let quiet = figures::quiet_engagements(&mut tx, org, None).await?;
        let auto: Vec<Uuid> = programs::programs(&mut tx, org)
            .await?
            .into_iter()
            .filter(|p| p.auto_nudge)
            .map(|p| p.id)
            .collect();
        let wanted: Vec<Uuid> = quiet
            .into_iter()
            .filter(can_nudge)
            .map(|q| q.engagement_id)
            .collect();
        for engagement in wanted {
            let of_auto = crate::db::engagements::engagement(&mut tx, org, engagement)
                .await?
                .is_some_and(|e| auto.contains(&e.program_id));
            if of_auto && send(&mut tx, config, engagement, None).await? {
                sent += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(sent)
}
