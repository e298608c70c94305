//! The meetings a programme expects that engagements have not scheduled yet:
//! for each expected kind, the active engagements that have used no meeting
//! of it. Admins see engagements by name already; what a meeting said, its
//! time and its answers stay out of this.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::alignment::Kind;
use crate::db::TenantId;

/// An expected kind of meeting and the engagements yet to schedule one.
#[derive(Clone, Debug)]
pub struct Unscheduled {
    pub kind: Kind,
    /// Engagement and coachee name, by name.
    pub engagements: Vec<(Uuid, String)>,
}

/// Each kind the programme expects, in journey order, with the active
/// engagements that have not scheduled it (none proposed, set or held; a
/// cancelled or missed one does not count). Empty when alignment meetings
/// are off.
pub async fn unscheduled(
    conn: &mut PgConnection,
    org: TenantId,
    program: Uuid,
) -> sqlx::Result<Vec<Unscheduled>> {
    let rows = sqlx::query!(
        r#"select k.kind as "kind!", e.id as "engagement_id?", coachee.name as "coachee_name?"
         from programs p
         cross join lateral unnest(p.alignment_expected) as k (kind)
         left join engagements e
           on e.org_id = p.org_id and e.program_id = p.id and e.status = 'active'
          and not exists (
              select 1 from engagement_progress g
              where g.org_id = e.org_id and g.engagement_id = e.id
                and k.kind = any (g.kinds_used))
         left join users coachee on coachee.id = e.coachee_id
         where p.org_id = $1 and p.id = $2 and p.alignment_enabled
         order by k.kind, lower(coachee.name), e.id"#,
        org.0,
        program
    )
    .fetch_all(conn)
    .await?;
    let mut shown: Vec<Unscheduled> =
        Kind::all_of(&rows.iter().map(|r| r.kind.clone()).collect::<Vec<_>>())
            .into_iter()
            .map(|kind| Unscheduled {
                kind,
                engagements: Vec::new(),
            })
            .collect();
    for row in rows {
        let (Some(id), Some(name)) = (row.engagement_id, row.coachee_name) else {
            continue;
        };
        if let Some(entry) = shown.iter_mut().find(|u| u.kind.as_str() == row.kind) {
            entry.engagements.push((id, name));
        }
    }
    Ok(shown)
}
