//! What a member's change to a meeting leaves behind: the audit entry that
//! names them, and the mailer that tells the others.

use crate::alignment::notify::Mailer;
use crate::audit;
use crate::db::TenantTx;
use crate::db::alignment::Meeting;
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::session::Member;

pub(super) fn actor(member: &Member) -> String {
    format!("{} <{}>", member.user.name, member.user.email)
}

pub(super) async fn record(
    tx: &mut TenantTx,
    member: &Member,
    action: &str,
    meeting: &Meeting,
) -> AppResult<()> {
    let actor = actor(member);
    audit::record(
        tx,
        member.org,
        &audit::Event {
            actor_user: Some(member.user.id),
            actor: &actor,
            action,
            subject: Some(format!(
                "{} alignment meeting of {}",
                meeting.kind().label(),
                meeting.coachee_name
            )),
            client: None,
        },
    )
    .await?;
    Ok(())
}

pub(super) fn mailer<'a>(state: &'a AppState, member: &Member) -> Mailer<'a> {
    Mailer::of(
        &state.config,
        &state.guest_keys,
        member.org,
        Some(member.user.id),
    )
}
