//! The yardsticks Triad's pages are measured against, in the same run and on
//! the same database: `/plain` answers a fixed text (the cost of HTTP alone),
//! and `/three` runs three indexed queries on one pooled connection and renders
//! a small template (the cost of a minimal real page). Each `/three` request
//! takes the next of a few hundred members of the organisation named on the
//! command line, so the queries do not hit one row.
//!
//! Usage: `triad-bench-reference ADDRESS DATABASE_URL ORG_SLUG`

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use uuid::Uuid;

#[derive(Clone)]
struct Yardstick {
    pool: PgPool,
    members: Arc<Vec<(Uuid, Uuid)>>,
    next: Arc<AtomicUsize>,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ name }}</title></head>
<body>
<main>
<h1>{{ name }}</h1>
<p>{{ email }} at {{ organisation }}</p>
<ul>
{% if is_coach %}<li>Coach</li>{% endif %}
{% if is_coachee %}<li>Coachee</li>{% endif %}
</ul>
</main>
</body>
</html>"#
)]
struct MemberPage {
    name: String,
    email: String,
    organisation: String,
    is_coach: bool,
    is_coachee: bool,
}

async fn plain() -> &'static str {
    "ok\n"
}

async fn three(State(yard): State<Yardstick>) -> Response {
    let at = yard.next.fetch_add(1, Ordering::Relaxed) % yard.members.len();
    let (org_id, user_id) = yard.members[at];
    match member_page(&yard.pool, org_id, user_id).await {
        Ok(page) => match page.render() {
            Ok(html) => Html(html).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

async fn member_page(pool: &PgPool, org_id: Uuid, user_id: Uuid) -> sqlx::Result<MemberPage> {
    let mut conn = pool.acquire().await?;
    let (name, email): (String, String) =
        sqlx::query_as("select name, email from users where id = $1")
            .bind(user_id)
            .fetch_one(&mut *conn)
            .await?;
    let (organisation,): (String,) = sqlx::query_as("select name from organizations where id = $1")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
    let (is_coach, is_coachee): (bool, bool) = sqlx::query_as(
        "select is_coach, is_coachee from memberships where org_id = $1 and user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(MemberPage {
        name,
        email,
        organisation,
        is_coach,
        is_coachee,
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [address, database_url, org_slug] = args.as_slice() else {
        return Err("usage: triad-bench-reference ADDRESS DATABASE_URL ORG_SLUG".into());
    };
    // The same pool size as Triad's default.
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .connect(database_url)
        .await?;
    let members: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "select m.org_id, m.user_id from memberships m
         join organizations o on o.id = m.org_id
         where o.slug = $1 order by m.user_id limit 500",
    )
    .bind(org_slug)
    .fetch_all(&pool)
    .await?;
    if members.is_empty() {
        return Err(format!("no members in organisation {org_slug}").into());
    }
    let yard = Yardstick {
        pool,
        members: Arc::new(members),
        next: Arc::new(AtomicUsize::new(0)),
    };
    let app = axum::Router::new()
        .route("/plain", get(plain))
        .route("/three", get(three))
        .with_state(yard);
    let listener = tokio::net::TcpListener::bind(address.as_str()).await?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
