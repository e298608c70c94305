//! The organisation's catalogue: the skills goals and activities are tagged
//! with, and the development activities coaches assign.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

#[derive(Clone, Debug)]
pub struct Skill {
    pub id: Uuid,
    pub name: String,
}

pub async fn skills(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<Vec<Skill>> {
    sqlx::query_as!(
        Skill,
        "select id, name from skills where org_id = $1 order by lower(name)",
        org.0,
    )
    .fetch_all(conn)
    .await
}

/// Adds a skill; `None` when one of that name (in any case) exists already.
pub async fn add_skill(
    conn: &mut PgConnection,
    org: TenantId,
    name: &str,
) -> sqlx::Result<Option<Uuid>> {
    let id = Uuid::now_v7();
    let inserted = sqlx::query!(
        "insert into skills (org_id, id, name) values ($1, $2, $3)
         on conflict (org_id, lower(name)) do nothing",
        org.0,
        id,
        name,
    )
    .execute(conn)
    .await?;
    Ok((inserted.rows_affected() == 1).then_some(id))
}

/// The kind of a development activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivityKind {
    Course,
    Reading,
    Practice,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 3] = [
        ActivityKind::Course,
        ActivityKind::Reading,
        ActivityKind::Practice,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ActivityKind::Course => "course",
            ActivityKind::Reading => "reading",
            ActivityKind::Practice => "practice",
        }
    }

    pub fn parse(value: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            ActivityKind::Course => "Course",
            ActivityKind::Reading => "Reading",
            ActivityKind::Practice => "Practice",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Activity {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub url: Option<String>,
    pub skill_id: Option<Uuid>,
    pub skill_name: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
}

impl Activity {
    pub fn kind_label(&self) -> &'static str {
        ActivityKind::parse(&self.kind).map_or("", |k| k.label())
    }
}

/// What an activity form saves.
#[derive(Clone, Debug)]
pub struct ActivityFields {
    pub title: String,
    pub kind: ActivityKind,
    pub url: Option<String>,
    pub skill_id: Option<Uuid>,
}

pub async fn activities(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<Vec<Activity>> {
    sqlx::query_as!(
        Activity,
        r#"select a.id, a.title, a.kind, a.url, a.skill_id, s.name as "skill_name?",
             a.archived_at as "archived_at: DateTime<Utc>"
         from development_activities a
         left join skills s on s.org_id = a.org_id and s.id = a.skill_id
         where a.org_id = $1 order by a.archived_at is not null, lower(a.title)"#,
        org.0,
    )
    .fetch_all(conn)
    .await
}

pub async fn activity(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Activity>> {
    sqlx::query_as!(
        Activity,
        r#"select a.id, a.title, a.kind, a.url, a.skill_id, s.name as "skill_name?",
             a.archived_at as "archived_at: DateTime<Utc>"
         from development_activities a
         left join skills s on s.org_id = a.org_id and s.id = a.skill_id
         where a.org_id = $1 and a.id = $2"#,
        org.0,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// A skill id must be one of the organisation's, which the foreign key checks.
pub async fn create_activity(
    conn: &mut PgConnection,
    org: TenantId,
    fields: &ActivityFields,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into development_activities (org_id, id, title, kind, url, skill_id)
         values ($1, $2, $3, $4, $5, $6)",
        org.0,
        id,
        &fields.title,
        fields.kind.as_str(),
        fields.url.as_deref(),
        fields.skill_id,
    )
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn update_activity(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    fields: &ActivityFields,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update development_activities set title = $3, kind = $4, url = $5, skill_id = $6
         where org_id = $1 and id = $2",
        org.0,
        id,
        &fields.title,
        fields.kind.as_str(),
        fields.url.as_deref(),
        fields.skill_id,
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn set_activity_archived(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    archived: bool,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update development_activities set archived_at = case when $3 then now() else null end
         where org_id = $1 and id = $2",
        org.0,
        id,
        archived,
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}
