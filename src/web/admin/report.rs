//! The programme report for its admins: figures for a period, for the whole
//! programme and by department, charts, a CSV of the same, and the list of
//! engagements that have gone quiet with a nudge for their coach.
//!
//! Everything shown is a count, a rate or a median computed by PostgreSQL,
//! with the number of coachees behind it; `reporting::protect` hides what
//! describes too few people, on the page, in the charts and in the CSV alike.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Admin;
use crate::db::programs::{self, Cadence, Program};
use crate::db::reporting::{self as figures, Scope, Tally};
use crate::db::{self, TenantId, TenantTx};
use crate::error::{AppError, AppResult};
use crate::reporting::{self, Cell, Measure, Rule};
use crate::startup::AppState;
use crate::web::charts::{Bar, Chart};
use crate::web::flash::Flashes;
use crate::web::format;
use crate::web::layout::Layout;

mod accountability;
mod cache;

pub use accountability::{nudge_automatically, send_nudge};
use cache::Counted;
pub use cache::ReportCache;

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

/// One line of the report: a figure for the programme and for each group.
pub struct Line {
    pub label: &'static str,
    pub measure: Measure,
    /// Indexes into the report's cells: the whole programme first, then each group.
    pub cells: Vec<usize>,
}

pub struct Section {
    pub title: &'static str,
    pub note: &'static str,
    pub lines: Vec<Line>,
}

/// A labelled figure outside the department table (months, themes, skills).
pub struct Listed {
    pub label: String,
    pub cell: usize,
}

/// Goals of one skill by status.
pub struct SkillRow {
    pub skill: String,
    /// draft, active, achieved, dropped, all, achieved in the period.
    pub cells: [usize; 6],
}

/// The whole report, decided: every figure with whether it is hidden.
pub struct Report {
    pub threshold: i32,
    pub groups: Vec<String>,
    pub cells: Vec<Cell>,
    pub sections: Vec<Section>,
    pub months: Vec<Listed>,
    pub themes: Vec<Listed>,
    pub skills: Vec<SkillRow>,
    /// The whole programme describes too few people: nothing is shown.
    pub too_small: bool,
}

/// A figure of a section: its metric in the query, its label, how it reads.
type Metric = (&'static str, &'static str, Measure);

/// The sections of the report: title, what they count, their figures.
const SECTIONS: &[(&str, &str, &[Metric])] = &[
    (
        "Engagements",
        "Engagements of the programme that overlap the period, by their status today.",
        &[
            ("coachees", "Coachees", Measure::Count),
            ("engagements", "Engagements", Measure::Count),
            ("engagements_active", "Active", Measure::Count),
            ("engagements_paused", "Paused", Measure::Count),
            ("engagements_completed", "Completed", Measure::Count),
            ("engagements_cancelled", "Cancelled", Measure::Count),
        ],
    ),
    (
        "Coaching sessions",
        "Sessions whose time falls in the period. Completion counts completed against completed, cancelled and no-show; cadence kept is the share of active engagements with a completed session within their cadence at the end of the period.",
        &[
            ("sessions_completed", "Completed sessions", Measure::Count),
            ("completion_rate", "Completion rate", Measure::Percent),
            ("cadence_kept", "Cadence kept", Measure::Percent),
        ],
    ),
    (
        "Alignment meetings",
        "Meetings planned in the period: invited, link opened by the manager, accepted, held. Requests for an extra meeting made in the period.",
        &[
            ("meetings_invited", "Managers invited", Measure::Count),
            ("meetings_opened", "Link opened", Measure::Count),
            ("meetings_accepted", "Accepted", Measure::Count),
            ("meetings_held", "Held", Measure::Count),
            (
                "engagements_with_meeting_held",
                "Engagements with a meeting held",
                Measure::Percent,
            ),
            (
                "days_to_first_meeting",
                "Median time from start to first meeting",
                Measure::Days,
            ),
            (
                "requests_pending",
                "Extra meetings requested, waiting",
                Measure::Count,
            ),
            (
                "requests_approved",
                "Extra meetings approved",
                Measure::Count,
            ),
            (
                "requests_declined",
                "Extra meetings declined",
                Measure::Count,
            ),
        ],
    ),
    (
        "Development activities",
        "Activities assigned from coaching sessions, and completed, in the period.",
        &[
            (
                "sessions_with_activity",
                "Completed sessions that assigned an activity",
                Measure::Percent,
            ),
            ("activities_assigned", "Activities assigned", Measure::Count),
            (
                "activities_completed",
                "Activities completed",
                Measure::Count,
            ),
        ],
    ),
];

/// Figures that add up to another, per column: (total, parts).
const SUMS: &[(&str, &[&str])] = &[(
    "engagements",
    &[
        "engagements_active",
        "engagements_paused",
        "engagements_completed",
        "engagements_cancelled",
    ],
)];

const GOAL_STATUSES: [&str; 4] = ["draft", "active", "achieved", "dropped"];

impl Report {
    fn build(
        program: &Program,
        groups: Vec<String>,
        rows: Vec<figures::Figure>,
        months: Vec<Tally>,
        themes: Vec<Tally>,
        goals: Vec<Tally>,
    ) -> Report {
        let threshold = i64::from(program.reporting_threshold);
        let mut cells: Vec<Cell> = Vec::new();
        let mut rules: Vec<Rule> = Vec::new();
        let mut index_of = std::collections::HashMap::new();
        let find = |metric: &str, grp: Option<&str>| {
            rows.iter()
                .find(|r| r.metric == metric && r.grp.as_deref() == grp)
                .map_or_else(Cell::empty, |r| Cell::new(r.value, r.people))
        };
        let mut sections = Vec::new();
        for (title, note, lines) in SECTIONS {
            let mut shown = Vec::new();
            for (metric, label, measure) in lines.iter() {
                let mut line = Line {
                    label,
                    measure: *measure,
                    cells: Vec::new(),
                };
                for grp in std::iter::once(None).chain(groups.iter().map(|g| Some(g.as_str()))) {
                    line.cells.push(cells.len());
                    index_of.insert((metric.to_string(), grp.map(str::to_owned)), cells.len());
                    cells.push(find(metric, grp));
                }
                // Counts of engagements split into groups add up to the whole.
                if *measure == Measure::Count && *metric != "coachees" && !groups.is_empty() {
                    rules.push(Rule::Sum {
                        total: line.cells[0],
                        parts: line.cells[1..].to_vec(),
                    });
                }
                shown.push(line);
            }
            sections.push(Section {
                title,
                note,
                lines: shown,
            });
        }
        for (total, parts) in SUMS {
            for grp in std::iter::once(None).chain(groups.iter().map(|g| Some(g.clone()))) {
                let at = |m: &str| index_of[&(m.to_owned(), grp.clone())];
                rules.push(Rule::Sum {
                    total: at(total),
                    parts: parts.iter().map(|p| at(p)).collect(),
                });
            }
        }
        // Months add up to the period's completed sessions.
        let listed = |tallies: Vec<Tally>, cells: &mut Vec<Cell>| -> Vec<Listed> {
            tallies
                .into_iter()
                .map(|t| {
                    cells.push(Cell::new(Some(t.value as f64), t.people));
                    Listed {
                        label: if t.detail.is_empty() {
                            t.label
                        } else {
                            t.detail
                        },
                        cell: cells.len() - 1,
                    }
                })
                .collect()
        };
        let months = listed(months, &mut cells);
        rules.push(Rule::Sum {
            total: index_of[&("sessions_completed".to_owned(), None)],
            parts: months.iter().map(|m| m.cell).collect(),
        });
        let themes = listed(themes, &mut cells);
        let mut skill_names: Vec<String> = goals.iter().map(|g| g.label.clone()).collect();
        skill_names.dedup();
        let mut skills = Vec::new();
        for skill in skill_names {
            let of = |status: &str| {
                goals
                    .iter()
                    .find(|g| g.label == skill && g.detail == status)
                    .map_or_else(Cell::empty, |g| Cell::new(Some(g.value as f64), g.people))
            };
            let start = cells.len();
            for status in GOAL_STATUSES {
                cells.push(of(status));
            }
            let all: f64 = cells[start..start + 4].iter().filter_map(|c| c.value).sum();
            let people: i64 = cells[start..start + 4]
                .iter()
                .map(|c| c.people)
                .max()
                .unwrap_or(0);
            let all_people = goals
                .iter()
                .filter(|g| g.label == skill && g.detail != "achieved_in_period")
                .map(|g| g.people)
                .sum::<i64>()
                .max(people);
            cells.push(Cell::new(Some(all), all_people));
            cells.push(of("achieved_in_period"));
            rules.push(Rule::Sum {
                total: start + 4,
                parts: (start..start + 4).collect(),
            });
            skills.push(SkillRow {
                skill,
                cells: [start, start + 1, start + 2, start + 3, start + 4, start + 5],
            });
        }
        let coachees = index_of[&("coachees".to_owned(), None)];
        let too_small = cells[coachees].people < threshold;
        if too_small {
            for cell in &mut cells {
                cell.hidden = true;
                cell.small = true;
            }
        } else {
            reporting::protect(&mut cells, &rules, threshold);
        }
        Report {
            threshold: program.reporting_threshold,
            groups,
            cells,
            sections,
            months,
            themes,
            skills,
            too_small,
        }
    }

    pub fn text(&self, cell: usize, measure: Measure) -> String {
        self.cells[cell].text(measure, self.threshold)
    }

    pub fn count(&self, cell: usize) -> String {
        self.text(cell, Measure::Count)
    }

    /// For templates, which pass arguments by reference.
    pub fn show(&self, cell: &usize, measure: &Measure) -> String {
        self.text(*cell, *measure)
    }

    pub fn show_count(&self, cell: &usize) -> String {
        self.count(*cell)
    }

    fn bars(&self, listed: &[Listed]) -> Vec<Bar> {
        listed
            .iter()
            .map(|l| Bar {
                label: l.label.clone(),
                text: self.count(l.cell),
                value: self.cells[l.cell].shown(),
            })
            .collect()
    }

    fn line(&self, metric_label: &str) -> Option<&Line> {
        self.sections
            .iter()
            .flat_map(|s| s.lines.iter())
            .find(|l| l.label == metric_label)
    }

    /// The charts of the page, in order.
    pub fn charts(&self) -> Vec<Chart> {
        let mut charts = vec![Chart::new(
            "chart-months",
            "Completed coaching sessions per month",
            self.bars(&self.months),
            None,
        )];
        let funnel: Vec<Bar> = ["Managers invited", "Link opened", "Accepted", "Held"]
            .iter()
            .filter_map(|label| self.line(label))
            .map(|line| Bar {
                label: line.label.to_owned(),
                text: self.count(line.cells[0]),
                value: self.cells[line.cells[0]].shown(),
            })
            .collect();
        charts.push(Chart::new(
            "chart-funnel",
            "Alignment meetings: from invitation to held",
            funnel,
            None,
        ));
        charts.push(Chart::new(
            "chart-themes",
            "Focus areas of completed sessions",
            self.bars(&self.themes),
            None,
        ));
        if let Some(line) = self.line("Completion rate") {
            let bars = self
                .groups
                .iter()
                .zip(&line.cells[1..])
                .map(|(group, &cell)| Bar {
                    label: group.clone(),
                    text: self.text(cell, Measure::Percent),
                    value: self.cells[cell].shown(),
                })
                .collect::<Vec<_>>();
            if !bars.is_empty() {
                charts.push(Chart::new(
                    "chart-departments",
                    "Session completion rate by department",
                    bars,
                    Some(100.0),
                ));
            }
        }
        charts
    }

    /// The same figures as rows of text: section, figure, group, value.
    pub fn rows(&self) -> Vec<[String; 4]> {
        let mut rows = Vec::new();
        let whole = "Whole programme".to_owned();
        for section in &self.sections {
            for line in &section.lines {
                for (i, &cell) in line.cells.iter().enumerate() {
                    let group = if i == 0 {
                        whole.clone()
                    } else {
                        self.groups[i - 1].clone()
                    };
                    rows.push([
                        section.title.to_owned(),
                        line.label.to_owned(),
                        group,
                        self.text(cell, line.measure),
                    ]);
                }
            }
        }
        for month in &self.months {
            rows.push([
                "Sessions per month".into(),
                month.label.clone(),
                whole.clone(),
                self.count(month.cell),
            ]);
        }
        for theme in &self.themes {
            rows.push([
                "Focus areas".into(),
                theme.label.clone(),
                whole.clone(),
                self.count(theme.cell),
            ]);
        }
        let names = [
            "Draft",
            "Working on it",
            "Achieved",
            "Dropped",
            "All",
            "Achieved in the period",
        ];
        for skill in &self.skills {
            for (name, &cell) in names.iter().zip(&skill.cells) {
                rows.push([
                    "Goals by skill".into(),
                    format!("{} — {name}", skill.skill),
                    whole.clone(),
                    self.count(cell),
                ]);
            }
        }
        rows
    }
}

/// A period from the address, or the problem with it.
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
    let from = parse(&query.from, program.starts_on, "first")?;
    let to = parse(
        &query.to,
        today.min(program.ends_on).max(program.starts_on),
        "last",
    )?;
    if to < from {
        return Err("The period ends before it starts: swap the dates.".into());
    }
    if (to - from).num_days() > 3 * 366 {
        return Err("Choose a period of at most three years.".into());
    }
    Ok((from, to))
}

fn cadence_days(program: &Program) -> i32 {
    match Cadence::parse(&program.cadence) {
        Some(Cadence::Fortnightly) => 14,
        Some(Cadence::Quarterly) => 92,
        _ => 31,
    }
}

async fn load(state: &AppState, admin: &Admin, id: Uuid) -> AppResult<(TenantTx, Program)> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let program = programs::program(&mut tx, admin.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, program))
}

/// Computes the report for a period.
async fn compute(
    tx: &mut TenantTx,
    org: TenantId,
    program: &Program,
    from: NaiveDate,
    to: NaiveDate,
    time_zone: &str,
) -> AppResult<Report> {
    let zone = format::zone(time_zone);
    let instant = |date: NaiveDate| {
        zone.from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight"))
            .earliest()
            .map_or_else(
                || date.and_hms_opt(0, 0, 0).expect("midnight").and_utc(),
                |t| t.with_timezone(&Utc),
            )
    };
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
        time_zone: zone.name().to_owned(),
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
    time_zone: &str,
) -> AppResult<Counted> {
    let key = cache::Key {
        org: org.0,
        program: program.id,
        from,
        to,
        time_zone: time_zone.to_owned(),
        threshold: program.reporting_threshold,
        cadence_days: cadence_days(program),
        inactivity_weeks: program.inactivity_weeks,
    };
    if let Some(counted) = state.reports.fresh(&key) {
        return Ok(counted);
    }
    let report = compute(tx, org, program, from, to, time_zone).await?;
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
            let counted = counted(&state, &mut tx, admin.org, &program, from, to, &tz).await?;
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
        return Ok(Redirect::to(&format!("/admin/programmes/{id}/report")).into_response());
    };
    let report = counted(&state, &mut tx, admin.org, &program, from, to, &tz)
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
