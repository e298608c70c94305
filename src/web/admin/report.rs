//! The programme report for its admins: figures for a period, for the whole
//! programme and by department, charts, a CSV of the same, and the list of
//! engagements that have gone quiet with a nudge for their coach.
//!
//! Everything shown is a count, a rate or a median computed by PostgreSQL,
//! with the number of coachees behind it; `reporting::protect` hides what
//! describes too few people and `reporting::publish` protects the rest by the
//! cell-key method before the page, the charts or the CSV read any of it.
//! Periods are whole calendar months, so two reports cover the same months or
//! differ by at least one whole month.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::db::programs::{Cadence, Program};
use crate::db::reporting::{self as figures, Scope};
use crate::db::{TenantId, TenantTx};
use crate::format;
use crate::reporting;
use crate::state::AppState;
use crate::web::charts::Chart;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::Flashes;
use crate::web::layout::Layout;
use crate::web::session::Admin;

mod accountability;
mod programme;

use programme::load;
mod present;

use crate::reporting::cache::{self, Counted};
pub use crate::reporting::report::{Line, Listed, Report, Section, SkillRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/programmes/{id}/report", get(show))
        .route("/admin/programmes/{id}/report.csv", get(export))
        .merge(accountability::router())
}

/// The period as typed in the address.
#[derive(Clone, Debug, Default, Deserialize)]
struct PeriodQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// The first day of `date`'s month.
fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("every month has a first day")
}

/// The last day of `date`'s month.
fn month_end(date: NaiveDate) -> NaiveDate {
    month_start(date)
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(date)
}

/// A period from the address, or the problem with it. Periods are whole
/// calendar months: the dates given are widened to the start of the first
/// month and the end of the last, so no two reports differ by a day or a
/// week. Without dates, the period runs from the programme's first month to
/// the last whole month (or, in the programme's first month, to its end).
fn period(
    query: &PeriodQuery,
    program: &Program,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), String> {
    let parse = |value: &Option<String>, default: NaiveDate, what: &str| match value
        .as_deref()
        .map(str::trim)
    {
        None | Some("") => Ok(default),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| format!("Enter the {what} date like 2026-01-31.")),
    };
    let last_whole_month = month_start(today).pred_opt().unwrap_or(today);
    let default_to = last_whole_month
        .min(program.ends_on)
        .max(month_end(program.starts_on));
    let from = month_start(parse(&query.from, program.starts_on, "first")?);
    let to = month_end(parse(&query.to, default_to, "last")?);
    // A date far outside any programme is a mistake, or a probe for the
    // edge of the calendar: refused before any arithmetic on it.
    if !YEARS.contains(&from.year()) || !YEARS.contains(&to.year()) {
        return Err(format!(
            "Choose dates between {} and {}.",
            YEARS.start(),
            YEARS.end()
        ));
    }
    if to < from {
        return Err("The period ends before it starts: swap the dates.".into());
    }
    if (to - from).num_days() > 3 * 366 {
        return Err("Choose a period of at most three years.".into());
    }
    Ok((from, to))
}

/// The years a report's period may fall in.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn cadence_days(program: &Program) -> i32 {
    match Cadence::parse(&program.cadence) {
        Some(Cadence::Fortnightly) => 14,
        Some(Cadence::Quarterly) => 92,
        _ => 31,
    }
}

/// The zone a report's months are counted in. One zone for every viewer: were
/// months counted in each admin's own zone, two admins (or one who changed
/// zone) would see periods a few hours apart, and could subtract them.
const REPORT_ZONE: &str = "UTC";

/// Computes the report for a period.
async fn compute(
    tx: &mut TenantTx,
    org: TenantId,
    program: &Program,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Report> {
    let instant = |date: NaiveDate| date.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let threshold = i64::from(program.reporting_threshold);
    figures::plan_for_period(tx).await?;
    let departments = figures::departments(tx, org, program.id, from, to).await?;
    let mapping = reporting::department_groups(&departments, threshold);
    let mut groups: Vec<String> = Vec::new();
    for (_, group) in &mapping {
        if !groups.contains(group) {
            groups.push(group.clone());
        }
    }
    // One group is the whole programme again: no breakdown to show.
    if groups.len() < 2 {
        groups.clear();
    }
    let scope = Scope {
        org,
        program: program.id,
        from,
        to,
        starts: instant(from),
        ends: instant(to + chrono::Days::new(1)),
        cadence_days: cadence_days(program),
        groups: mapping,
        time_zone: REPORT_ZONE.to_owned(),
    };
    let rows = figures::figures(tx, &scope).await?;
    let months = figures::sessions_by_month(tx, &scope).await?;
    let themes = figures::session_themes(tx, &scope).await?;
    let goals = figures::goals_by_skill(tx, &scope).await?;
    Ok(Report::build(program, groups, rows, months, themes, goals))
}

/// The report's figures for a period: kept ones while fresh (see `cache`),
/// else counted now.
async fn counted(
    state: &AppState,
    tx: &mut TenantTx,
    org: TenantId,
    program: &Program,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Counted> {
    let key = cache::Key {
        org: org.0,
        program: program.id,
        from,
        to,
        time_zone: REPORT_ZONE.to_owned(),
        threshold: program.reporting_threshold,
        cadence_days: cadence_days(program),
        inactivity_weeks: program.inactivity_weeks,
    };
    if let Some(counted) = state.reports.fresh(&key) {
        return Ok(counted);
    }
    let report = compute(tx, org, program, from, to).await?;
    let quiet = figures::quiet_engagements(tx, org, Some(program.id))
        .await?
        .len();
    let counted = Counted {
        report: Arc::new(report),
        quiet,
        counted_at: Utc::now(),
    };
    state.reports.keep(key, counted.clone());
    Ok(counted)
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/report.html")]
struct ReportPage {
    layout: Layout,
    program: Program,
    from: String,
    to: String,
    problem: Option<String>,
    report: Option<Arc<Report>>,
    /// When the figures were counted, in the viewer's zone.
    counted_at: String,
    charts: Vec<Chart>,
    quiet: usize,
}

async fn show(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
    Path(id): Path<Uuid>,
    Query(query): Query<PeriodQuery>,
) -> AppResult<Response> {
    let (mut tx, program) = load(&state, &admin, id).await?;
    let tz = admin.user.time_zone.clone();
    let today = Utc::now().with_timezone(&format::zone(&tz)).date_naive();
    let layout = Layout::for_member(format!("{} — report", program.name), &admin, flashes).await;
    match period(&query, &program, today) {
        Ok((from, to)) => {
            let counted = counted(&state, &mut tx, admin.org, &program, from, to).await?;
            Ok(ReportPage {
                layout,
                from: from.to_string(),
                to: to.to_string(),
                problem: None,
                charts: counted.report.charts(),
                counted_at: format::local_time(counted.counted_at, &tz),
                report: Some(counted.report),
                program,
                quiet: counted.quiet,
            }
            .into_response())
        }
        Err(problem) => {
            let quiet = figures::quiet_engagements(&mut tx, admin.org, Some(program.id))
                .await?
                .len();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                ReportPage {
                    layout,
                    from: query.from.unwrap_or_default(),
                    to: query.to.unwrap_or_default(),
                    problem: Some(problem),
                    report: None,
                    counted_at: String::new(),
                    charts: Vec::new(),
                    program,
                    quiet,
                },
            )
                .into_response())
        }
    }
}

/// A cell as a spreadsheet will take it: text that starts like a formula is
/// prefixed with an apostrophe, so it stays text.
pub fn spreadsheet_safe(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

async fn export(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<Uuid>,
    Query(query): Query<PeriodQuery>,
) -> AppResult<Response> {
    let (mut tx, program) = load(&state, &admin, id).await?;
    let tz = admin.user.time_zone.clone();
    let today = Utc::now().with_timezone(&format::zone(&tz)).date_naive();
    let Ok((from, to)) = period(&query, &program, today) else {
        // The page says what is wrong with the dates, and keeps them.
        let typed = form_urlencoded::Serializer::new(String::new())
            .append_pair("from", query.from.as_deref().unwrap_or_default())
            .append_pair("to", query.to.as_deref().unwrap_or_default())
            .finish();
        return Ok(Redirect::to(&format!("/admin/programmes/{id}/report?{typed}")).into_response());
    };
    let report = counted(&state, &mut tx, admin.org, &program, from, to)
        .await?
        .report;
    let writer = csv::Writer::from_writer(Vec::new());
    let write = |writer: &mut csv::Writer<Vec<u8>>, row: &[String]| {
        let safe: Vec<String> = row.iter().map(|v| spreadsheet_safe(v)).collect();
        writer.write_record(&safe)
    };
    let header = ["Section", "Figure", "Group", "Value"].map(String::from);
    let run = || -> Result<Vec<u8>, csv::Error> {
        let mut writer = writer;
        write(&mut writer, &header)?;
        for row in report.rows() {
            write(&mut writer, &row)?;
        }
        writer.into_inner().map_err(|e| e.into_error().into())
    };
    let body = run().map_err(|e| AppError::Internal(e.into()))?;
    let filename = format!("attachment; filename=\"programme-report-{from}-to-{to}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, filename),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn no_cell_starts_like_a_formula(value in "\\PC{0,40}") {
            let safe = spreadsheet_safe(&value);
            prop_assert!(!safe.starts_with(['=', '+', '-', '@', '\t', '\r']));
            prop_assert!(safe.ends_with(value.as_str()));
        }
    }
}
