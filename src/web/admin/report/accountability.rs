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

use crate::db;
use crate::db::programs;
use crate::db::reporting::{self as figures, Quiet};
use crate::format;
use crate::reporting::nudges;
use crate::state::AppState;
use crate::web::admin::trail::record;
use crate::web::client::ClientAddr;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::layout::Layout;
use crate::web::session::Admin;

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
            can_nudge: nudges::can_nudge(&quiet),
            quiet,
        })
        .collect();
    Ok(AccountabilityPage {
        layout: Layout::for_member("Quiet engagements", &admin, flashes).await,
        rows,
    })
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
    let sent = nudges::send(&mut tx, &state.config, id, Some(admin.user.id)).await?;
    if sent {
        record(
            &mut tx,
            &admin,
            "engagement.nudged",
            Some(format!(
                "{} about {}",
                engagement.coach_shown(),
                engagement.coachee_name
            )),
            peer,
        )
        .await?;
    }
    tx.commit().await?;
    let (kind, message) = if sent {
        (
            FlashKind::Success,
            format!("{} has been emailed a nudge.", engagement.coach_shown()),
        )
    } else {
        (
            FlashKind::Info,
            format!(
                "{} was nudged in the last week, or the engagement is no longer quiet; no email was sent.",
                engagement.coach_shown()
            ),
        )
    };
    flash::push(&admin.session, kind, message).await?;
    Ok(Redirect::to("/admin/accountability").into_response())
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
    let (mut tx, program) = super::programme::load(&state, &admin, id).await?;
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
