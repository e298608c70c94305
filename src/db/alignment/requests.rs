//! Requests for an extra meeting beyond those the programme includes, and
//! the programme team's decisions on them.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

pub async fn request_extra(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    reason: &str,
    by: Uuid,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into alignment_requests (org_id, id, engagement_id, reason, requested_by)
         values ($1, $2, $3, $4, $5)
         on conflict (org_id, engagement_id) where status = 'pending' do nothing",
        org.0,
        Uuid::now_v7(),
        engagement,
        reason,
        by
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// A request, as the programme team sees it: names and numbers, no coaching content.
#[derive(Clone, Debug)]
pub struct ExtraRequest {
    pub id: Uuid,
    pub engagement_id: Uuid,
    pub program_name: String,
    pub coachee_name: String,
    pub coachee_email: String,
    pub coach_name: String,
    pub reason: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub included: i32,
    pub held: i64,
}

/// Pending requests first, then the last decided ones.
pub async fn extra_requests(
    conn: &mut PgConnection,
    org: TenantId,
) -> sqlx::Result<Vec<ExtraRequest>> {
    sqlx::query_as!(
        ExtraRequest,
        r#"select r.id, r.engagement_id, p.name as program_name, coachee.name as coachee_name,
                coachee.email as coachee_email,
                coalesce(coach.name, 'not chosen yet') as "coach_name!", r.reason, r.status,
                r.created_at as "created_at: DateTime<Utc>",
                r.decided_at as "decided_at: DateTime<Utc>",
                p.alignment_included as included,
                (select count(*) from alignment_meetings m
                  where m.org_id = r.org_id and m.engagement_id = r.engagement_id
                    and m.status = 'completed') as "held!"
         from alignment_requests r
         join engagements e on e.org_id = r.org_id and e.id = r.engagement_id
         join programs p on p.org_id = e.org_id and p.id = e.program_id
         join users coachee on coachee.id = e.coachee_id
         left join users coach on coach.id = e.coach_id
         where r.org_id = $1 and p.alignment_enabled
         order by r.status <> 'pending', coalesce(r.decided_at, r.created_at) desc
         limit 100"#,
        org.0
    )
    .fetch_all(conn)
    .await
}

/// Decides a pending request; false when it was not pending (decided already).
pub async fn decide_request(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    approve: bool,
    by: Uuid,
) -> sqlx::Result<Option<Uuid>> {
    let status = if approve { "approved" } else { "declined" };
    sqlx::query_scalar!(
        "update alignment_requests set status = $3, decided_by = $4, decided_at = now()
         where org_id = $1 and id = $2 and status = 'pending'
         returning engagement_id",
        org.0,
        id,
        status,
        by
    )
    .fetch_optional(conn)
    .await
}

pub async fn pending_request_count(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from alignment_requests r
         join engagements e on e.org_id = r.org_id and e.id = r.engagement_id
         join programs p on p.org_id = e.org_id and p.id = e.program_id
         where r.org_id = $1 and r.status = 'pending' and p.alignment_enabled"#,
        org.0
    )
    .fetch_one(conn)
    .await
}
