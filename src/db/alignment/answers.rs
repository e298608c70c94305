//! What invitees answer before a meeting: one row per invite and question,
//! under the question's key (see `alignment::questions`). Read by the
//! invitee's own page and by the meeting's coachee and coach; no query for
//! the programme team touches this table.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

/// One invitee's answer to one question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub invite_id: Uuid,
    /// The invitee's name, as invited.
    pub invitee: String,
    /// Their invite went to someone else since (the coachee replaced them).
    pub replaced: bool,
    pub question: String,
    pub answer: String,
}

/// One invite's answers, for the invitee's own page.
pub async fn answers_of_invite(
    conn: &mut PgConnection,
    org: TenantId,
    invite: Uuid,
) -> sqlx::Result<Vec<Answer>> {
    sqlx::query_as!(
        Answer,
        r#"select a.invite_id, i.name as invitee,
                coalesce(i.revoked_reason = 'replaced', false) as "replaced!",
                a.question, a.answer
         from guest_answers a
         join guest_invites i on i.org_id = a.org_id and i.id = a.invite_id
         where a.org_id = $1 and a.invite_id = $2"#,
        org.0,
        invite
    )
    .fetch_all(conn)
    .await
}

/// Every invitee's answers to a meeting, in the order they were invited,
/// for its coachee and coach.
pub async fn answers_of_meeting(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Vec<Answer>> {
    sqlx::query_as!(
        Answer,
        r#"select a.invite_id, i.name as invitee,
                coalesce(i.revoked_reason = 'replaced', false) as "replaced!",
                a.question, a.answer
         from guest_answers a
         join guest_invites i on i.org_id = a.org_id and i.id = a.invite_id
         where a.org_id = $1 and i.meeting_id = $2 and a.answer <> ''
         order by i.created_at, a.invite_id"#,
        org.0,
        meeting
    )
    .fetch_all(conn)
    .await
}

/// Saves an invitee's answers (question key, text); a blank answer to a
/// question never answered writes nothing. Returns whether anything changed,
/// and marks the invite answered when it did.
pub async fn save_answers(
    conn: &mut PgConnection,
    org: TenantId,
    invite: Uuid,
    answers: &[(&str, &str)],
) -> sqlx::Result<bool> {
    let questions: Vec<String> = answers.iter().map(|(q, _)| (*q).to_owned()).collect();
    let texts: Vec<String> = answers.iter().map(|(_, a)| (*a).to_owned()).collect();
    let changed = sqlx::query_scalar!(
        r#"with given as (
             select * from unnest($3::text[], $4::text[]) as g (question, answer)
         ), written as (
             insert into guest_answers as a (org_id, invite_id, question, answer)
             select $1, $2, g.question, g.answer from given g
             where g.answer <> '' or exists (
                 select 1 from guest_answers old
                 where old.org_id = $1 and old.invite_id = $2 and old.question = g.question)
             on conflict (org_id, invite_id, question) do update
                 set answer = excluded.answer, updated_at = now()
                 where a.answer is distinct from excluded.answer
             returning 1
         )
         select count(*) as "changed!" from written"#,
        org.0,
        invite,
        &questions,
        &texts
    )
    .fetch_one(&mut *conn)
    .await?;
    if changed == 0 {
        return Ok(false);
    }
    sqlx::query!(
        "update guest_invites set answered_at = now() where org_id = $1 and id = $2",
        org.0,
        invite
    )
    .execute(conn)
    .await?;
    Ok(true)
}
