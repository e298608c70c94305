//! The landing page for visitors, and the home page of a signed-in member.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::get;

use crate::db::dashboards::{self, Summary};
use crate::db::goals::{self, Goal};
use crate::db::{alignment, people};
use crate::format;
use crate::mail::outbox;
use crate::state::AppState;
use crate::web::admin::mail::Shown;
use crate::web::alignment::shown::{ReadinessShown, readiness_shown};
use crate::web::engagement::Side;
use crate::web::error::AppResult;
use crate::web::flash::Flashes;
use crate::web::layout::Layout;
use crate::web::session::{Member, MemberTx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(show))
        .route("/home", get(dashboard))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
}

async fn show(flashes: Flashes) -> HomePage {
    HomePage {
        layout: Layout::new("Coaching programmes that keep their promise").with_flashes(flashes),
    }
}

/// An engagement on a dashboard, its times in the viewer's zone.
struct EngagementShown {
    summary: Summary,
    next: Option<String>,
    last: Option<String>,
    cadence_kept: bool,
    /// No completed session for the programme's inactivity weeks.
    quiet: bool,
    /// For the coachee's own dashboard.
    goals: Vec<Goal>,
    /// Where the coachee stands with alignment meetings, when the programme has them.
    alignment: Option<ReadinessShown>,
    /// Coaches waiting on the coachee's shortlist (none: no coach needed, or
    /// the programme team is still matching).
    shortlisted: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct Dashboard {
    layout: Layout,
    member: Member,
    /// Emails this person caused that could not be delivered.
    failed_mail: Vec<Shown>,
    /// For admins: how many members, and how many have not accepted yet.
    people: Option<(usize, usize)>,
    /// For admins: requests for extra alignment meetings waiting for a decision.
    pending_requests: i64,
    /// The engagements this person coaches, and those they are coached in,
    /// each with where its coaching stands.
    coaching: Vec<EngagementShown>,
    coached: Vec<EngagementShown>,
}

impl Dashboard {
    /// Whether any of the coach's engagements has alignment meetings.
    fn coach_sees_alignment(&self) -> bool {
        self.coaching.iter().any(|item| item.alignment.is_some())
    }
}

async fn dashboard(MemberTx(member, mut tx): MemberTx, flashes: Flashes) -> AppResult<Dashboard> {
    let failed_mail = outbox::failed_caused_by(&mut tx, member.org, member.user.id)
        .await?
        .into_iter()
        .map(|row| Shown::new(row, &member.user.time_zone))
        .collect();
    let people = if member.roles.is_admin {
        let members = people::members(&mut tx, member.org).await?;
        let invited = members
            .iter()
            .filter(|m| !m.has_password && m.disabled_at.is_none())
            .count();
        Some((members.len(), invited))
    } else {
        None
    };
    let tz = member.user.time_zone.clone();
    let today = chrono::Utc::now()
        .with_timezone(&format::zone(&tz))
        .date_naive();
    let coaching = if member.roles.is_coach {
        dashboards::summaries(&mut tx, member.org, member.user.id, true).await?
    } else {
        Vec::new()
    };
    let coached = if member.roles.is_coachee {
        dashboards::summaries(&mut tx, member.org, member.user.id, false).await?
    } else {
        Vec::new()
    };
    // Meetings still waiting for a time: what their invitees said, in one query.
    let waiting: Vec<uuid::Uuid> = coaching
        .iter()
        .chain(&coached)
        .filter(|s| s.alignment.open_starts_at.is_none())
        .filter_map(|s| s.alignment.open_meeting)
        .collect();
    let replies = crate::db::alignment::replies(&mut tx, member.org, &waiting).await?;
    let show = |summary: Summary, side: Side| EngagementShown {
        next: summary.next_session.map(|at| format::local_time(at, &tz)),
        last: summary.last_completed.map(|at| format::local_time(at, &tz)),
        cadence_kept: summary.cadence_kept(today),
        quiet: summary.is_quiet(today),
        alignment: readiness_shown(&summary.alignment, side, &tz, &replies),
        summary,
        goals: Vec::new(),
        shortlisted: 0,
    };
    let coaching: Vec<EngagementShown> = coaching
        .into_iter()
        .map(|summary| show(summary, Side::Coach))
        .collect();
    let mut coached: Vec<EngagementShown> = coached
        .into_iter()
        .map(|summary| show(summary, Side::Coachee))
        .collect();
    let coached_ids: Vec<uuid::Uuid> = coached
        .iter()
        .map(|c: &EngagementShown| c.summary.engagement.id)
        .collect();
    let without_coach: Vec<uuid::Uuid> = coached
        .iter()
        .filter(|c| c.summary.engagement.coach_id.is_none())
        .map(|c| c.summary.engagement.id)
        .collect();
    if !without_coach.is_empty() {
        for (id, size) in
            crate::db::coach_choice::shortlist_sizes(&mut tx, member.org, &without_coach).await?
        {
            if let Some(item) = coached.iter_mut().find(|c| c.summary.engagement.id == id) {
                item.shortlisted = size;
            }
        }
    }
    if !coached_ids.is_empty() {
        // One query for all, then each engagement takes its own.
        for goal in goals::of_engagements(&mut tx, member.org, &coached_ids).await? {
            if let Some(item) = coached
                .iter_mut()
                .find(|c| c.summary.engagement.id == goal.engagement_id)
            {
                item.goals.push(goal);
            }
        }
    }
    let pending_requests = if member.roles.is_admin {
        alignment::pending_request_count(&mut tx, member.org).await?
    } else {
        0
    };
    Ok(Dashboard {
        layout: Layout::for_member("Home", &member, flashes).await,
        member,
        failed_mail,
        people,
        pending_requests,
        coaching,
        coached,
    })
}
