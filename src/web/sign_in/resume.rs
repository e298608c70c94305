//! Getting back a form whose login session ran out: the person who typed it
//! checks it, in the organisation it was typed in, and sends it again.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::TenantId;
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::flash::Flashes;
use crate::web::forms::kept;
use crate::web::layout::Layout;
use crate::web::session;
use crate::web::session::SignedIn;

/// One field of the kept form, as the page shows it.
struct Field {
    name: String,
    value: String,
    /// What the form's own label said; None for a field the person never saw
    /// (an id), which is sent again unseen.
    label: Option<&'static str>,
    /// Long or multi-line text gets a text area.
    long: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "account/resume.html")]
struct ResumePage {
    layout: Layout,
    path: String,
    fields: Vec<Field>,
}

/// What someone was sending when their session ran out, to check and send
/// again — theirs only, and in the organisation they typed it in.
pub(super) async fn resume(
    State(state): State<AppState>,
    signed_in: SignedIn,
    flashes: Flashes,
) -> AppResult<Response> {
    let session = &signed_in.session;
    let Some(form) = kept::take(session, signed_in.user.id).await else {
        return Ok(Redirect::to("/home").into_response());
    };
    if let Some(org) = form.org.map(TenantId) {
        if session::organisation(session).await != Some(org) {
            let orgs = super::memberships::organisations_of(&state, signed_in.user.id).await?;
            if !orgs.iter().any(|m| m.org_id == org.0) {
                // No longer theirs to act in: nothing to send it to.
                return Ok(Redirect::to("/home").into_response());
            }
            let key = &*state.stamp_key;
            session::choose_organisation(session, org, key).await?;
        }
    }
    let fields = form
        .fields
        .into_iter()
        .map(|(name, value)| Field {
            label: label(&form.path, &name, &value),
            long: value.contains('\n') || value.chars().count() > 80,
            name,
            value,
        })
        .collect();
    let page = ResumePage {
        layout: Layout::for_user("Send your form again", &signed_in, flashes).await,
        path: form.path,
        fields,
    };
    Ok(page.into_response())
}

/// The label a field had on its form. Ids (of a goal ticked, a coach chosen)
/// have none to show.
fn label(path: &str, name: &str, value: &str) -> Option<&'static str> {
    if uuid::Uuid::try_parse(value).is_ok() {
        return None;
    }
    let by_path = match (path.rsplit('/').next().unwrap_or_default(), name) {
        ("notes", "notes") if path.starts_with("/sessions/") => Some("Your private notes"),
        ("notes", "notes") => Some("Notes for preparing and facilitating"),
        ("account", "name") => Some("Your name"),
        _ => None,
    };
    by_path
        .or_else(|| LABELS.iter().find(|(n, _)| *n == name).map(|(_, l)| *l))
        .or(Some("Something you typed"))
}

/// Field names of Triad's forms and the labels their pages give them.
const LABELS: &[(&str, &str)] = &[
    ("agenda", "Anything to add to the agenda"),
    ("agreed_actions", "Agreed actions"),
    ("auto_nudge", "Nudge coaches automatically"),
    ("bio", "About the coach"),
    ("cadence", "Coaching sessions happen"),
    ("closes", "Who closes the meeting"),
    ("coach_role", "How your coach takes part"),
    ("coaching_changes", "What changes in the coaching"),
    ("concerns", "Any concerns?"),
    ("confirm", "Yes, go ahead"),
    ("date", "Date"),
    ("date1", "First choice: date"),
    ("date2", "Second choice: date"),
    ("date3", "Third choice: date"),
    ("department", "Department"),
    ("description", "Description"),
    ("direction", "Direction"),
    ("duration", "Length"),
    ("email", "Email address"),
    ("enabled", "Alignment meetings are on"),
    ("ends_on", "Ends on"),
    ("expected", "Expected of every engagement"),
    ("focus_area", "Focus area"),
    ("from", "From"),
    ("from_manager", "What do you want from your manager?"),
    ("headline", "Headline"),
    ("how_it_went", "How it went"),
    ("inactivity_weeks", "Weeks without a completed session"),
    ("included", "Meetings included per engagement"),
    ("invitee_email", "Sponsor's email"),
    ("invitee_name", "Sponsor's name"),
    ("is_admin", "Admin"),
    ("is_coach", "Coach"),
    ("is_coachee", "Coachee"),
    ("key_points", "Key points"),
    ("kind", "Kind"),
    ("link_days", "Days the manager's link stays valid"),
    ("manager_email", "Manager's email"),
    ("manager_name", "Manager's name"),
    ("name", "Name"),
    ("note", "Note"),
    ("notes", "Notes"),
    ("off_limits", "What is off limits?"),
    ("opens", "Who opens the meeting"),
    ("place", "Where"),
    (
        "prep_expected",
        "The coachee prepares with their coach first",
    ),
    ("progress", "Progress (0–100%)"),
    ("reason", "Why another meeting would help"),
    (
        "reminder_hours",
        "Hours before the meeting for the reminder",
    ),
    ("reporting_threshold", "Smallest group shown in reports"),
    (
        "sessions_before",
        "Coaching sessions before the first meeting",
    ),
    (
        "sessions_included",
        "Coaching sessions included per engagement",
    ),
    ("sponsor2_email", "A second sponsor's email"),
    ("sponsor2_name", "A second sponsor's name"),
    ("sponsor_email", "Another sponsor's email"),
    ("sponsor_name", "Another sponsor's name"),
    ("starts_on", "Starts on"),
    ("status", "Status"),
    ("stood_out", "What stood out"),
    ("success", "What would make this meeting a success for you?"),
    ("time", "Time"),
    ("time1", "First choice: time"),
    ("time2", "Second choice: time"),
    ("time3", "Third choice: time"),
    ("time_zone", "Time zone"),
    ("title", "Title"),
    ("to", "To"),
    ("url", "Link"),
];

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn fields_show_their_labels_and_ids_stay_out_of_sight() {
        assert_eq!(
            label("/sessions/x/notes", "notes", "typed"),
            Some("Your private notes")
        );
        assert_eq!(label("/account", "time_zone", "UTC"), Some("Time zone"));
        assert_eq!(
            label(
                "/engagements/x/alignment",
                "goal",
                "0191c6a4-7d1e-7c3a-9c55-0a1b2c3d4e5f"
            ),
            None
        );
        assert_eq!(
            label("/x", "mystery_field", "v"),
            Some("Something you typed")
        );
    }
}
