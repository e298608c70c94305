//! Accountability: active engagements with no completed coaching session for
//! the programme's quiet weeks, listed by coach, and the nudge that emails the
//! coach — by hand at most once a week per engagement, or weekly on its own.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Admin;
use crate::db::programs;
use crate::db::reporting::{self as figures, Quiet};
use crate::db::{self, TenantId, TenantTx};
use crate::error::{AppError, AppResult};
use crate::mail::outbox::{self, Recipient};
use crate::mail::templates::NoticeEmail;
use crate::mail::typed::isolate;
use crate::startup::AppState;
use crate::web::admin::record;
use crate::web::client::ClientAddr;
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::format;
use crate::web::layout::Layout;

/// The accountability list, the nudge, and the programme's quiet-weeks rule.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/programmes/{id}/accountability",
            post(set_accountability),
        )
        .route("/admin/accountability", get(accountability))
        .route("/admin/engagements/{id}/nudge", post(nudge))
}

/// A quiet engagement, as listed.
pub struct QuietRow {
    pub quiet: Quiet,
    pub quiet_for: String,
    pub nudged: String,
    pub can_nudge: bool,
}

/// How long an engagement has been quiet, in whole multiples of its
/// programme's quiet weeks: enough to act on, and no date from which an admin
/// could read when someone's last coaching session was (DESIGN §3 gives
/// admins counts of sessions, not their dates).
fn quiet_for(quiet: &Quiet, now: chrono::DateTime<Utc>) -> String {
    let since = quiet
        .last_completed
        .unwrap_or_else(|| quiet.starts_on.and_time(chrono::NaiveTime::MIN).and_utc());
    // Whole weeks from Monday to Monday, as the list itself is drawn.
    let monday = |at: chrono::DateTime<Utc>| {
        let day = at.date_naive();
        day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))
    };
    let weeks = (monday(now) - monday(since)).num_weeks().max(1);
    let step = i64::from(quiet.inactivity_weeks.max(1));
    // Quiet for more than `over` weeks, in steps of the programme's weeks.
    let over = ((weeks - 1) / step).max(1) * step;
    format!("Quiet for over {over} weeks")
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/accountability.html")]
struct AccountabilityPage {
    layout: Layout,
    rows: Vec<QuietRow>,
}

impl AccountabilityPage {
    /// Whether `row` starts a new coach's group.
    fn first_of_coach(&self, index: &usize) -> bool {
        *index == 0 || self.rows[*index - 1].quiet.coach_id != self.rows[*index].quiet.coach_id
    }
}

/// At most one nudge per engagement per week.
fn can_nudge(quiet: &Quiet) -> bool {
    quiet
        .last_nudged
        .is_none_or(|at| at <= Utc::now() - chrono::Duration::days(7))
}

async fn accountability(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
) -> AppResult<AccountabilityPage> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let tz = admin.user.time_zone.clone();
    let now = Utc::now();
    let mut quiet = figures::quiet_engagements(&mut tx, admin.org, None).await?;
    // By coach, then coachee: an order by quietness would rank people by the
    // date of their last session.
    quiet.sort_by_cached_key(|q| {
        (
            q.coach_name.to_lowercase(),
            q.coach_id,
            q.coachee_name.to_lowercase(),
        )
    });
    let rows = quiet
        .into_iter()
        .map(|quiet| QuietRow {
            quiet_for: quiet_for(&quiet, now),
            nudged: quiet
                .last_nudged
                .map(|at| format::local_time(at, &tz))
                .unwrap_or_default(),
            can_nudge: can_nudge(&quiet),
            quiet,
        })
        .collect();
    Ok(AccountabilityPage {
        layout: Layout::for_member("Quiet engagements", &admin, flashes).await,
        rows,
    })
}

/// Emails the coach of a quiet engagement, once a week at most; `by` is the
/// admin, or None for the automatic weekly nudge. Returns whether it was sent.
pub async fn send_nudge(
    tx: &mut TenantTx,
    config: &crate::config::Config,
    engagement: Uuid,
    by: Option<Uuid>,
) -> AppResult<bool> {
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
                at.date_naive().format("%-d %b %Y")
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
    })
    .map_err(|e| AppError::Internal(e.into()))?;
    email.caused_by = by;
    email.dedupe_key = Some(format!("nudge-{engagement}"));
    outbox::enqueue(tx, Some(org), config.mail_domain(), email).await?;
    Ok(true)
}

async fn nudge(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let engagement = crate::db::engagements::engagement(&mut tx, admin.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sent = send_nudge(&mut tx, &state.config, id, Some(admin.user.id)).await?;
    if sent {
        record(
            &mut tx,
            &admin,
            "engagement.nudged",
            Some(format!(
                "{} about {}",
                engagement.coach_name, engagement.coachee_name
            )),
            peer,
        )
        .await?;
    }
    tx.commit().await?;
    let (kind, message) = if sent {
        (
            FlashKind::Success,
            format!("{} has been emailed a nudge.", engagement.coach_name),
        )
    } else {
        (
            FlashKind::Info,
            format!(
                "{} was nudged in the last week, or the engagement is no longer quiet; no email was sent.",
                engagement.coach_name
            ),
        )
    };
    flash::push(&admin.session, kind, message).await?;
    Ok(Redirect::to("/admin/accountability").into_response())
}

/// The weekly automatic nudge, for every organisation that asked for it.
/// Returns how many coaches were emailed.
pub async fn nudge_automatically(
    pool: &sqlx::PgPool,
    config: &crate::config::Config,
) -> anyhow::Result<usize> {
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
            if of_auto
                && send_nudge(&mut tx, config, engagement, None)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                sent += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(sent)
}

#[derive(Clone, Debug, Default, Deserialize)]
struct AccountabilityForm {
    #[serde(default)]
    inactivity_weeks: String,
    #[serde(default)]
    auto_nudge: String,
}

async fn set_accountability(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
    Form(form): Form<AccountabilityForm>,
) -> AppResult<Response> {
    let (mut tx, program) = super::load(&state, &admin, id).await?;
    let Some(weeks) = form
        .inactivity_weeks
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|w| (2..=26).contains(w))
    else {
        flash::push(
            &admin.session,
            FlashKind::Problem,
            format!(
                "“{}” is not a number of weeks from 2 to 26; nothing was changed.",
                form.inactivity_weeks.trim()
            ),
        )
        .await?;
        return Ok(
            Redirect::to(&format!("/admin/programmes/{id}/report#accountability")).into_response(),
        );
    };
    let auto = form.auto_nudge == "on";
    programs::set_accountability(&mut tx, admin.org, program.id, weeks, auto).await?;
    record(
        &mut tx,
        &admin,
        "programme.accountability_changed",
        Some(program.name.clone()),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        format!(
            "Engagements are listed after {weeks} weeks without a completed session{}.",
            if auto {
                ", and their coaches are nudged weekly"
            } else {
                ""
            }
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/programmes/{id}/report#accountability")).into_response())
}
