//! The question before disabling someone: what it does to them (signed out
//! at their next request) and to the engagements they coach or are coached
//! in (nothing: they stay, with someone who cannot sign in).

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::db::engagements::{self, Engagement};
use crate::db::people::Member;
use crate::db::{self};
use crate::web::error::AppResult;
use crate::web::flash::Flashes;
use crate::web::layout::Layout;
use crate::web::session::Admin;

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct DisableForm {
    /// `yes` from the confirmation page; anything else only asks.
    #[serde(default)]
    pub(super) confirm: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/disable.html")]
struct DisablePage {
    layout: Layout,
    person: Member,
    /// Active engagements they coach, and those they are coached in.
    coaching: Vec<Engagement>,
    coached: Vec<Engagement>,
}

pub(super) async fn confirm_page(
    tx: &mut db::TenantTx,
    admin: &Admin,
    person: Member,
) -> AppResult<Response> {
    let active = |list: Vec<Engagement>| -> Vec<Engagement> {
        list.into_iter().filter(|e| e.status == "active").collect()
    };
    let coaching = active(engagements::of_coach(tx, admin.org, person.user_id).await?);
    let coached = active(engagements::of_coachee(tx, admin.org, person.user_id).await?);
    let title = format!("Disable {}?", person.name);
    Ok(DisablePage {
        layout: Layout::for_member(title, admin, Flashes::default()).await,
        person,
        coaching,
        coached,
    }
    .into_response())
}
