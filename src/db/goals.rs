//! Goals of an engagement, in the coachee's order.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoalStatus {
    Draft,
    Active,
    Achieved,
    Dropped,
}

impl GoalStatus {
    pub const ALL: [GoalStatus; 4] = [
        GoalStatus::Draft,
        GoalStatus::Active,
        GoalStatus::Achieved,
        GoalStatus::Dropped,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            GoalStatus::Draft => "draft",
            GoalStatus::Active => "active",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Dropped => "dropped",
        }
    }

    pub fn parse(value: &str) -> Option<GoalStatus> {
        GoalStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            GoalStatus::Draft => "Draft",
            GoalStatus::Active => "Working on it",
            GoalStatus::Achieved => "Achieved",
            GoalStatus::Dropped => "Dropped",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Goal {
    pub id: Uuid,
    pub engagement_id: Uuid,
    pub title: String,
    pub description: String,
    pub skill_id: Option<Uuid>,
    pub skill_name: Option<String>,
    pub status: String,
    pub progress: i32,
    pub position: i32,
    pub shared_with_manager: bool,
}

impl Goal {
    pub fn status_label(&self) -> &'static str {
        GoalStatus::parse(&self.status).map_or("", |s| s.label())
    }
}

#[derive(Clone, Debug)]
pub struct GoalFields {
    pub title: String,
    pub description: String,
    pub skill_id: Option<Uuid>,
    pub status: GoalStatus,
    pub progress: i32,
}

pub async fn of_engagement(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
) -> sqlx::Result<Vec<Goal>> {
    sqlx::query_as!(
        Goal,
        r#"select g.id, g.engagement_id, g.title, g.description, g.skill_id,
             k.name as "skill_name?", g.status, g.progress, g.position, g.shared_with_manager
         from goals g left join skills k on k.org_id = g.org_id and k.id = g.skill_id
         where g.org_id = $1 and g.engagement_id = $2 order by g.position, g.created_at"#,
        org.0,
        engagement,
    )
    .fetch_all(conn)
    .await
}

/// Exactly what the manager of record may see: the shared goals.
pub async fn shared_of_engagement(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
) -> sqlx::Result<Vec<Goal>> {
    sqlx::query_as!(
        Goal,
        r#"select g.id, g.engagement_id, g.title, g.description, g.skill_id,
             k.name as "skill_name?", g.status, g.progress, g.position, g.shared_with_manager
         from goals g left join skills k on k.org_id = g.org_id and k.id = g.skill_id
         where g.org_id = $1 and g.engagement_id = $2 and g.shared_with_manager
         order by g.position, g.created_at"#,
        org.0,
        engagement,
    )
    .fetch_all(conn)
    .await
}

pub async fn goal(conn: &mut PgConnection, org: TenantId, id: Uuid) -> sqlx::Result<Option<Goal>> {
    sqlx::query_as!(
        Goal,
        r#"select g.id, g.engagement_id, g.title, g.description, g.skill_id,
             k.name as "skill_name?", g.status, g.progress, g.position, g.shared_with_manager
         from goals g left join skills k on k.org_id = g.org_id and k.id = g.skill_id
         where g.org_id = $1 and g.id = $2"#,
        org.0,
        id,
    )
    .fetch_optional(conn)
    .await
}

pub async fn create(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    fields: &GoalFields,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into goals (org_id, id, engagement_id, title, description, skill_id, status, progress, position)
         values ($1, $2, $3, $4, $5, $6, $7, $8,
                 (select coalesce(max(position), 0) + 1 from goals where org_id = $1 and engagement_id = $3))",
        org.0,
        id,
        engagement,
        &fields.title,
        &fields.description,
        fields.skill_id,
        fields.status.as_str(),
        fields.progress,
    )
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn update(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    fields: &GoalFields,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update goals set title = $3, description = $4, skill_id = $5, status = $6, progress = $7,
             updated_at = now()
         where org_id = $1 and id = $2",
        org.0,
        id,
        &fields.title,
        &fields.description,
        fields.skill_id,
        fields.status.as_str(),
        fields.progress,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_shared(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    shared: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update goals set shared_with_manager = $3, updated_at = now() where org_id = $1 and id = $2",
        org.0,
        id,
        shared,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Swaps the goal with its neighbour above (`up`) or below.
pub async fn move_goal(
    conn: &mut PgConnection,
    org: TenantId,
    goal: &Goal,
    up: bool,
) -> sqlx::Result<()> {
    let neighbour = if up {
        sqlx::query!(
            "select id, position from goals
             where org_id = $1 and engagement_id = $2 and position < $3
             order by position desc limit 1",
            org.0,
            goal.engagement_id,
            goal.position,
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| (row.id, row.position))
    } else {
        sqlx::query!(
            "select id, position from goals
             where org_id = $1 and engagement_id = $2 and position > $3
             order by position limit 1",
            org.0,
            goal.engagement_id,
            goal.position,
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| (row.id, row.position))
    };
    if let Some((other, position)) = neighbour {
        sqlx::query!(
            "update goals set position = case id when $2 then $4::int4 when $3 then $5::int4 end
             where org_id = $1 and id in ($2, $3)",
            org.0,
            goal.id,
            other,
            position,
            goal.position,
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// The goals of several engagements in one query, for a dashboard.
pub async fn of_engagements(
    conn: &mut PgConnection,
    org: TenantId,
    engagements: &[Uuid],
) -> sqlx::Result<Vec<Goal>> {
    sqlx::query_as!(
        Goal,
        r#"select g.id, g.engagement_id, g.title, g.description, g.skill_id,
             k.name as "skill_name?", g.status, g.progress, g.position, g.shared_with_manager
         from goals g left join skills k on k.org_id = g.org_id and k.id = g.skill_id
         where g.org_id = $1 and g.engagement_id in (select unnest($2::uuid[]))
         order by g.engagement_id, g.position, g.created_at"#,
        org.0,
        engagements,
    )
    .fetch_all(conn)
    .await
}
