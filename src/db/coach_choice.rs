//! Matching a coach to an engagement that began without one: coaches'
//! short profiles, the shortlist the admin offers the coachee, and the choice
//! that settles the engagement's coach. Who may see a shortlist is decided by
//! the callers (the coachee and admins); coaches on it never read it.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

/// A coach's short profile in one organisation.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub headline: String,
    pub bio: String,
}

pub async fn profile(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
) -> sqlx::Result<Option<Profile>> {
    sqlx::query_as!(
        Profile,
        "select headline, bio from coach_profiles where org_id = $1 and user_id = $2",
        org.0,
        user
    )
    .fetch_optional(conn)
    .await
}

pub async fn save_profile(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
    profile: &Profile,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into coach_profiles (org_id, user_id, headline, bio) values ($1, $2, $3, $4)
         on conflict (org_id, user_id)
         do update set headline = excluded.headline, bio = excluded.bio, updated_at = now()",
        org.0,
        user,
        &profile.headline,
        &profile.bio,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A coach on an engagement's shortlist, with their profile.
#[derive(Clone, Debug)]
pub struct Offer {
    pub coach_id: Uuid,
    pub name: String,
    pub email: String,
    pub headline: String,
    pub bio: String,
    pub offered_at: DateTime<Utc>,
}

/// The engagement's shortlist, by name: the coaches still coaching here (one
/// disabled or no longer a coach since drops out).
pub async fn offers(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
) -> sqlx::Result<Vec<Offer>> {
    sqlx::query_as!(
        Offer,
        r#"select o.coach_id, u.name, u.email,
                coalesce(p.headline, '') as "headline!", coalesce(p.bio, '') as "bio!",
                o.offered_at as "offered_at: DateTime<Utc>"
           from coach_offers o
           join users u on u.id = o.coach_id
           join memberships m on m.org_id = o.org_id and m.user_id = o.coach_id
                              and m.disabled_at is null and m.is_coach
           left join coach_profiles p on p.org_id = o.org_id and p.user_id = o.coach_id
           where o.org_id = $1 and o.engagement_id = $2
           order by lower(u.name)"#,
        org.0,
        engagement
    )
    .fetch_all(conn)
    .await
}

/// Replaces the engagement's shortlist with `coaches`.
pub async fn set_offers(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    coaches: &[Uuid],
) -> sqlx::Result<()> {
    clear_offers(&mut *conn, org, engagement).await?;
    sqlx::query!(
        "insert into coach_offers (org_id, engagement_id, coach_id)
         select $1, $2, coach from unnest($3::uuid[]) as coach",
        org.0,
        engagement,
        coaches
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Empties the shortlist: the coach is settled, and the coaches not chosen
/// keep no link to the coachee.
pub async fn clear_offers(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from coach_offers where org_id = $1 and engagement_id = $2",
        org.0,
        engagement
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Locks the engagement's row until the transaction ends and returns its
/// coach: two choices made at once take turns, and the second finds the
/// coach already set.
pub async fn lock_coach(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
) -> sqlx::Result<Option<Option<Uuid>>> {
    let row = sqlx::query_scalar!(
        r#"select coach_id as "coach_id?" from engagements
           where org_id = $1 and id = $2 for update"#,
        org.0,
        engagement
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// How the coach was settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChosenBy {
    Coachee,
    Admin,
}

impl ChosenBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ChosenBy::Coachee => "coachee",
            ChosenBy::Admin => "admin",
        }
    }
}

/// Sets the coach of an engagement that has none, from its shortlist, and
/// empties the shortlist. False when the engagement has a coach already or
/// `coach` is not on the shortlist: nothing changes then.
pub async fn choose(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    coach: Uuid,
    by: ChosenBy,
) -> sqlx::Result<bool> {
    let chosen = sqlx::query!(
        "update engagements set coach_id = $3, coach_chosen_at = now(), coach_chosen_by = $4
         where org_id = $1 and id = $2 and coach_id is null
           and exists (select 1 from coach_offers o
                       where o.org_id = $1 and o.engagement_id = $2 and o.coach_id = $3)",
        org.0,
        engagement,
        coach,
        by.as_str()
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if chosen {
        clear_offers(conn, org, engagement).await?;
    }
    Ok(chosen)
}

/// How many coaches wait on each engagement's shortlist, for the dashboard;
/// engagements with none are left out.
pub async fn shortlist_sizes(
    conn: &mut PgConnection,
    org: TenantId,
    engagements: &[Uuid],
) -> sqlx::Result<Vec<(Uuid, i64)>> {
    let rows = sqlx::query!(
        r#"select engagement_id, count(*) as "coaches!" from coach_offers
           where org_id = $1 and engagement_id = any($2::uuid[])
           group by engagement_id"#,
        org.0,
        engagements
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.engagement_id, row.coaches))
        .collect())
}
