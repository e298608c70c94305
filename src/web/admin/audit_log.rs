//! The organisation's audit log, newest first, in the viewer's time zone.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::audit;
use crate::db;
use crate::format;
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::flash::Flashes;
use crate::web::layout::Layout;
use crate::web::session::Admin;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/audit", get(show))
}

struct Row {
    when: String,
    actor: String,
    action: String,
    subject: String,
    client: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<Row>,
    time_zone: String,
}

async fn show(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
) -> AppResult<AuditPage> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let entries = audit::recent(&mut tx, admin.org, 500).await?;
    let tz = admin.user.time_zone.clone();
    let rows = entries
        .into_iter()
        .map(|entry| Row {
            when: format::local_time(entry.occurred_at, &tz),
            actor: entry.actor,
            action: entry.action,
            subject: entry.subject.unwrap_or_default(),
            client: entry.client_addr.unwrap_or_default(),
        })
        .collect();
    Ok(AuditPage {
        layout: Layout::for_member("Audit log", &admin, flashes).await,
        rows,
        time_zone: tz,
    })
}
