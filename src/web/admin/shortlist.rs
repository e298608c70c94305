//! Matching a coach, as the admin does it on an engagement that began without
//! one: two or three coaches of the organisation offered to the coachee (who
//! is emailed), or a coach assigned directly through the engagement form,
//! which empties the shortlist. Once the coach is settled the engagement page
//! says who settled it, and when.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use uuid::Uuid;

use crate::db::coach_choice::{self, ChosenBy, Offer};
use crate::db::engagements::{self, Engagement};
use crate::db::people::{self, Member};
use crate::db::{self, TenantTx};
use crate::format;
use crate::mail::outbox::Recipient;
use crate::matching::{SHORTLIST_MAX, SHORTLIST_MIN};
use crate::state::AppState;
use crate::web::admin::trail::record;
use crate::web::client::ClientAddr;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;
use crate::web::session::{Admin, FormFields};

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/engagements/{id}/shortlist", post(offer))
}

/// Where the engagement stands with its coach, for the admin.
pub(super) struct Matching {
    /// Coaches who may be offered: the organisation's active coaches, the
    /// coachee left out.
    pub coaches: Vec<Member>,
    /// The shortlist as it stands.
    pub offers: Vec<Offer>,
    /// The coaches ticked: those offered, or those sent back with a problem.
    pub picked: Vec<String>,
    pub problems: FieldErrors,
    /// "Chosen by the coachee on …" once the coach is settled.
    pub settled: Option<String>,
}

impl Matching {
    pub fn is_picked(&self, coach: &Uuid) -> bool {
        let coach = coach.to_string();
        self.picked.contains(&coach)
    }
}

pub(super) async fn matching(
    tx: &mut TenantTx,
    admin: &Admin,
    engagement: &Engagement,
) -> AppResult<Matching> {
    let settled = engagement.coach_chosen_at.map(|at| {
        let when = format::local_time(at, &admin.user.time_zone);
        match engagement.coach_chosen_by.as_deref() {
            Some("coachee") => format!("Chosen by the coachee from the shortlist on {when}."),
            _ => format!("Assigned by the programme team on {when}."),
        }
    });
    let offers = if engagement.coach_id.is_none() {
        coach_choice::offers(tx, admin.org, engagement.id).await?
    } else {
        Vec::new()
    };
    let coaches = people::members(tx, admin.org)
        .await?
        .into_iter()
        .filter(|m| {
            m.roles.is_coach && m.disabled_at.is_none() && m.user_id != engagement.coachee_id
        })
        .collect();
    Ok(Matching {
        coaches,
        picked: offers.iter().map(|o| o.coach_id.to_string()).collect(),
        offers,
        problems: FieldErrors::default(),
        settled,
    })
}

/// The coach was assigned through the engagement form: the shortlist goes,
/// and a coach new to the engagement is told.
pub(super) async fn coach_assigned(
    tx: &mut TenantTx,
    state: &AppState,
    admin: &Admin,
    saved: &Engagement,
    coach: Uuid,
) -> AppResult<()> {
    coach_choice::clear_offers(tx, admin.org, saved.id).await?;
    let Some(member) = people::member(tx, admin.org, coach).await? else {
        return Ok(());
    };
    crate::matching::tell_coach_chosen(
        tx,
        &state.config,
        saved,
        Recipient {
            email: member.email,
            name: member.name,
        },
        ChosenBy::Admin,
        admin.user.id,
    )
    .await?;
    Ok(())
}

/// The shortlist sent back with a problem, ticks kept.
#[derive(Template, WebTemplate)]
#[template(path = "admin/shortlist.html")]
struct ShortlistPage {
    layout: Layout,
    engagement: Engagement,
    matching: Matching,
}

async fn offer(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
    Extension(FormFields(fields)): Extension<FormFields>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    // The coachee may be choosing at this moment: take turns.
    let coach = coach_choice::lock_coach(&mut tx, admin.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let engagement = engagements::engagement(&mut tx, admin.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let back = format!("/admin/engagements/{id}");
    if coach.is_some() {
        tx.commit().await?;
        flash::push(
            &admin.session,
            FlashKind::Info,
            "This engagement has its coach already; no shortlist was sent.",
        )
        .await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let mut matching = matching(&mut tx, &admin, &engagement).await?;
    matching.picked = fields
        .into_iter()
        .filter(|(name, _)| name == "coach")
        .map(|(_, value)| value)
        .collect();
    let mut chosen: Vec<Uuid> = Vec::new();
    for value in &matching.picked {
        match value.parse::<Uuid>() {
            Ok(coach) if matching.coaches.iter().any(|m| m.user_id == coach) => {
                if !chosen.contains(&coach) {
                    chosen.push(coach);
                }
            }
            _ => matching
                .problems
                .set("coaches", "Pick coaches from the list only."),
        }
    }
    if !(SHORTLIST_MIN..=SHORTLIST_MAX).contains(&chosen.len()) {
        matching.problems.set(
            "coaches",
            format!(
                "Pick two or three coaches: {} {} ticked. One is no choice, and more than three is hard to weigh.",
                chosen.len(),
                if chosen.len() == 1 { "is" } else { "are" }
            ),
        );
    }
    if matching.problems.any() {
        let page = ShortlistPage {
            layout: Layout::for_member("Shortlist", &admin, Flashes::default()).await,
            engagement,
            matching,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    coach_choice::set_offers(&mut tx, admin.org, id, &chosen).await?;
    let coachee = people::member(&mut tx, admin.org, engagement.coachee_id)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::matching::tell_coachee_shortlist(
        &mut tx,
        &state.config,
        &engagement,
        Recipient {
            email: coachee.email,
            name: coachee.name,
        },
        chosen.len(),
        admin.user.id,
    )
    .await?;
    record(
        &mut tx,
        &admin,
        "engagement.shortlisted",
        Some(format!(
            "{} coaches offered to {} in {}",
            chosen.len(),
            engagement.coachee_name,
            engagement.program_name
        )),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        format!(
            "The shortlist is saved and {} has been emailed to choose a coach.",
            engagement.coachee_name
        ),
    )
    .await?;
    Ok(Redirect::to(&back).into_response())
}
