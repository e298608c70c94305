//! "Preview what your manager sees": the manager's own page, from the same
//! code and template, for the person actually invited — so the preview
//! cannot drift from what the manager is shown.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use uuid::Uuid;

use crate::alignment::Status;
use crate::db::alignment::{self as meetings, Invite, Meeting};
use crate::db::engagements::Engagement;
use crate::db::goals::{self, Goal};
use crate::db::{TenantId, TenantTx};
use crate::web::error::AppResult;
use crate::web::layout::Layout;

use super::page::{GuestEdits, guest_page, manager_view};
use super::refusal::refused_preview;
use super::visit::refusal_of;

/// The manager's page for `invite` as the coachee or coach previews it:
/// the same page, its buttons disabled.
pub async fn preview(
    tx: &mut TenantTx,
    org: TenantId,
    layout: Layout,
    meeting: Meeting,
    invite: Invite,
) -> AppResult<Response> {
    // A link that no longer opens the meeting is previewed as the page the
    // manager would get instead.
    if let Some(refusal) = refusal_of(&meeting, &invite) {
        return Ok(refused_preview(refusal, layout, &invite.name, meeting.id));
    }
    let view = manager_view(tx, org, meeting, invite).await?;
    Ok(guest_page(layout, view, true, GuestEdits::default()).into_response())
}

/// The meeting and invite of the engagement whose page a manager can open
/// right now: the newest meeting not called off, if its invite is live.
pub async fn invited_now(
    tx: &mut TenantTx,
    org: TenantId,
    engagement: Uuid,
) -> AppResult<Option<(Meeting, Invite)>> {
    let newest = meetings::of_engagement(tx, org, engagement)
        .await?
        .into_iter()
        .find(|m| m.status() != Status::Cancelled && m.alignment_enabled);
    let Some(meeting) = newest else {
        return Ok(None);
    };
    let invite = meetings::current_invite(tx, org, meeting.id)
        .await?
        .filter(|i| i.revoked_at.is_none() && i.expires_at > Utc::now());
    Ok(invite.map(|invite| (meeting, invite)))
}

/// Who "Preview what … sees" is about: the person invited now, else the
/// manager the scheduling form will offer.
pub async fn previewed_name(
    tx: &mut TenantTx,
    org: TenantId,
    engagement: &Engagement,
) -> AppResult<String> {
    Ok(invited_now(tx, org, engagement.id)
        .await?
        .map_or_else(|| engagement.manager_name.clone(), |(_, i)| i.name))
}

#[derive(Template, WebTemplate)]
#[template(path = "guest/goals_preview.html")]
struct GoalsPreview {
    layout: Layout,
    engagement_id: Uuid,
    invitee: String,
    coachee_name: String,
    goals: Vec<Goal>,
}

/// The preview from an engagement: the invitee's page when someone is
/// invited; before that, the goals as that page will show them, for the
/// manager the scheduling form offers.
pub async fn engagement_preview(
    tx: &mut TenantTx,
    org: TenantId,
    layout: Layout,
    engagement: &Engagement,
) -> AppResult<Response> {
    if let Some((meeting, invite)) = invited_now(tx, org, engagement.id).await? {
        return preview(tx, org, layout, meeting, invite).await;
    }
    let goals = goals::shared_of_engagement(tx, org, engagement.id).await?;
    Ok(GoalsPreview {
        layout,
        engagement_id: engagement.id,
        invitee: engagement.manager_name.clone(),
        coachee_name: engagement.coachee_name.clone(),
        goals,
    }
    .into_response())
}
