//! `triad seed-load`: a platform's worth of data for measuring Triad — by
//! default 100 organisations, one of them large (10,000 coachees, 300 coaches,
//! 20 programmes), about a million coaching sessions over three years, goals,
//! alignment meetings with invites and answers, activities, sent email and
//! audit history. PostgreSQL generates the rows itself (`INSERT … SELECT` over
//! `generate_series`), one organisation per transaction, so loading takes
//! minutes; `--scale` shrinks or grows everything.
//!
//! Ids are derived from the organisation and a number (`md5(…)::uuid`), so
//! every statement can refer to the rows of the others without reading them
//! back. Distributions are uneven on purpose: departments of different sizes,
//! cadences kept and missed, some engagements paused or finished.

use std::time::Instant;

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

/// The password of every loaded person, for benchmarks that sign in.
pub const LOAD_PASSWORD: &str = "load test password, not for real use";

/// How one organisation is sized.
#[derive(Clone, Copy, Debug)]
pub struct OrgSize {
    pub coachees: i32,
    pub coaches: i32,
    pub programs: i32,
}

/// The sizes of the organisations to load at `scale` (1.0 is the default
/// platform): the first is the large one.
pub fn plan(scale: f64) -> Vec<OrgSize> {
    let scaled = |n: f64| ((n * scale).round() as i32).max(1);
    let orgs = scaled(100.0).max(2);
    let mut sizes = vec![OrgSize {
        coachees: scaled(10_000.0).max(10),
        coaches: scaled(300.0).max(2),
        programs: 20.min(scaled(20.0).max(2)),
    }];
    for i in 1..orgs {
        // Small organisations of uneven size: 30 to 130 coachees at scale 1.
        let coachees = scaled(30.0 + f64::from((i * 37) % 101)).max(4);
        sizes.push(OrgSize {
            coachees,
            coaches: (coachees / 15).max(1),
            programs: 1 + i % 2,
        });
    }
    sizes
}

/// What was loaded, for the summary line.
#[derive(Debug, Default)]
pub struct Loaded {
    pub organisations: i64,
    pub coachees: i64,
    pub sessions: i64,
    pub goals: i64,
    pub meetings: i64,
}

/// Loads the platform. Refuses when load data is there already.
pub async fn seed_load(owner: &PgConnectOptions, scale: f64) -> anyhow::Result<Loaded> {
    anyhow::ensure!(
        scale > 0.0 && scale <= 10.0,
        "--scale must be above 0 and at most 10"
    );
    let mut conn = PgConnection::connect_with(owner).await?;
    let exists = sqlx::query_scalar!(
        r#"select exists (select 1 from users where email like '%@load-%.example') as "exists!""#
    )
    .fetch_one(&mut conn)
    .await?;
    anyhow::ensure!(
        !exists,
        "load data is already in this database; load into a fresh one (or drop it first)"
    );
    let hash = crate::auth::password::hash(LOAD_PASSWORD.to_owned()).await?;
    let sizes = plan(scale);
    let started = Instant::now();
    let mut loaded = Loaded::default();
    for (index, size) in sizes.iter().enumerate() {
        let org = Uuid::new_v4();
        let mut tx = conn.begin().await?;
        sqlx::query!("select set_config('app.org_id', $1, true)", org.to_string())
            .fetch_one(&mut *tx)
            .await?;
        let name = if index == 0 {
            "Load Large Corp".to_owned()
        } else {
            format!("Load Org {index:03}")
        };
        sqlx::query!(
            "insert into organizations (id, name, slug) values ($1, $2, $3)",
            org,
            name,
            format!("load-{index:03}")
        )
        .execute(&mut *tx)
        .await
        .context("the organisation")?;
        let counts = load_org(&mut tx, org, index, *size, &hash).await?;
        tx.commit().await?;
        loaded.organisations += 1;
        loaded.coachees += i64::from(size.coachees);
        loaded.sessions += counts.0;
        loaded.goals += counts.1;
        loaded.meetings += counts.2;
        if index == 0 || (index + 1) % 10 == 0 || index + 1 == sizes.len() {
            println!(
                "loaded {}/{} organisations · {} coachees · {} sessions · {} goals · {} meetings · {:.0} s",
                index + 1,
                sizes.len(),
                loaded.coachees,
                loaded.sessions,
                loaded.goals,
                loaded.meetings,
                started.elapsed().as_secs_f64()
            );
        }
    }
    sqlx::query!("analyze").execute(&mut conn).await?;
    Ok(loaded)
}

/// One organisation's rows; returns (sessions, goals, meetings) made.
async fn load_org(
    tx: &mut PgConnection,
    org: Uuid,
    index: usize,
    size: OrgSize,
    hash: &str,
) -> anyhow::Result<(i64, i64, i64)> {
    let tag = format!("load-{index:03}");
    // The organisation's id is cast as `$1::uuid`: the checked queries let
    // PostgreSQL infer each parameter's type, and `$1::text` alone would make
    // it a text parameter (`$3::int` below likewise keeps a count an integer).
    // People: an admin, coaches, coachees; everyone can sign in.
    let people = [
        ("admin", 1, "Admin", (true, false, false)),
        ("coach", size.coaches, "Coach", (false, true, false)),
        ("coachee", size.coachees, "Coachee", (false, false, true)),
    ];
    for (kind, count, label, (is_admin, is_coach, is_coachee)) in people {
        sqlx::query!(
            "insert into users (id, email, name, password_hash, time_zone)
             select md5($1::uuid::text || '-' || $2 || '-' || i)::uuid,
                    $2 || i || '@' || $3 || '.example', $4 || ' ' || i, $5,
                    (array['Europe/London', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'])[1 + i % 4]
             from generate_series(1, $6) i",
            org,
            kind,
            tag,
            label,
            hash,
            count
        )
        .execute(&mut *tx)
        .await
        .with_context(|| format!("{kind}s"))?;
        sqlx::query!(
            "insert into memberships (org_id, user_id, is_admin, is_coach, is_coachee)
             select $1::uuid, md5($1::uuid::text || '-' || $2 || '-' || i)::uuid, $4, $5, $6
             from generate_series(1, $3) i",
            org,
            kind,
            count,
            is_admin,
            is_coach,
            is_coachee
        )
        .execute(&mut *tx)
        .await?;
    }
    // Programmes, three in four with alignment meetings; skills and activities.
    sqlx::query!(
        "insert into programs (org_id, id, name, starts_on, ends_on, cadence, sessions_included,
                               alignment_enabled)
         select $1::uuid, md5($1::uuid::text || '-program-' || p)::uuid, 'Programme ' || p,
                current_date - 1095 + (p % 12) * 30, current_date + 200 + (p % 5) * 30,
                (array['fortnightly', 'monthly', 'monthly', 'quarterly'])[1 + p % 4], 12, p % 4 <> 0
         from generate_series(1, $2) p",
        org,
        size.programs
    )
    .execute(&mut *tx)
    .await
    .context("programmes")?;
    sqlx::query!(
        "insert into skills (org_id, id, name)
         select $1::uuid, md5($1::uuid::text || '-skill-' || k)::uuid,
                (array['Giving feedback', 'Delegation', 'Managing conflict', 'Strategic thinking',
                       'Coaching others', 'Influencing', 'Prioritising', 'Presenting',
                       'Hiring', 'Resilience'])[k]
         from generate_series(1, 10) k",
        org
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into development_activities (org_id, id, title, kind, skill_id)
         select $1::uuid, md5($1::uuid::text || '-activity-' || a)::uuid, 'Activity ' || a,
                (array['course', 'reading', 'practice'])[1 + a % 3],
                md5($1::uuid::text || '-skill-' || (1 + a % 10))::uuid
         from generate_series(1, 20) a",
        org
    )
    .execute(&mut *tx)
    .await?;
    // One engagement per coachee; departments of uneven size; caseloads from
    // about a quarter below the average to three times it (few coaches carry
    // the most).
    sqlx::query!(
        "insert into engagements (org_id, id, program_id, coachee_id, coach_id, starts_on, ends_on,
                                  status, manager_name, manager_email, department)
         select $1::uuid, md5($1::uuid::text || '-engagement-' || i)::uuid,
                md5($1::uuid::text || '-program-' || (1 + i % $2))::uuid,
                md5($1::uuid::text || '-coachee-' || i)::uuid,
                md5($1::uuid::text || '-coach-' || (1 + floor($3::int * power(((i * 7919) % 1000) / 1000.0, 1.3))::int))::uuid,
                current_date - 1095 + (i % 900), current_date - 1095 + (i % 900) + 540,
                case when i % 20 = 0 then 'completed' when i % 25 = 0 then 'paused' else 'active' end,
                'Manager ' || (1 + i % 400), 'manager' || (1 + i % 400) || '@' || $4 || '.example',
                case when i % 10 < 4 then 'Sales' when i % 10 < 7 then 'Engineering'
                     when i % 10 < 9 then 'Operations' else 'Legal' end
         from generate_series(1, $5) i",
        org,
        size.programs,
        size.coaches,
        tag,
        size.coachees
    )
    .execute(&mut *tx)
    .await
    .context("engagements")?;
    // Coaching sessions: about one a fortnight since each engagement began;
    // one engagement in seven went quiet after its first months.
    let sessions = sqlx::query!(
        "insert into coaching_sessions (org_id, id, engagement_id, starts_at, duration_minutes, status,
                                        focus_skill_id, key_points, agreed_actions, documented_at)
         select e.org_id, md5(e.id::text || '-session-' || s)::uuid, e.id, at, 60,
                case when at > now() then 'scheduled'
                     when s % 10 = 3 then 'cancelled' when s % 10 = 7 then 'no_show'
                     else 'completed' end,
                case when at < now() and s % 10 not in (3, 7)
                     then md5(e.org_id::text || '-skill-' || (1 + (s + length(e.id::text)) % 10))::uuid end,
                case when at < now() and s % 10 not in (3, 7) then 'Talked through the week''s priorities' else '' end,
                case when at < now() and s % 10 not in (3, 7) then 'Try one new thing before next time' else '' end,
                case when at < now() and s % 10 not in (3, 7) then at + interval '1 hour' end
         from engagements e
         cross join lateral generate_series(1, 34 + abs(hashtext(e.id::text)) % 60) s
         cross join lateral (select e.starts_on + s * 14 + (s % 3) * interval '2 hours' + interval '9 hours' as at) t
         where e.org_id = $1
           and (abs(hashtext(e.id::text)) % 7 <> 0 or s < 8)",
        org
    )
    .execute(&mut *tx)
    .await
    .context("coaching sessions")?
    .rows_affected();
    sqlx::query!(
        "insert into activity_assignments (org_id, session_id, activity_id, engagement_id, assigned_at, completed_at)
         select s.org_id, s.id, md5(s.org_id::text || '-activity-' || (1 + abs(hashtext(s.id::text)) % 20))::uuid,
                s.engagement_id, s.starts_at,
                case when abs(hashtext(s.id::text)) % 3 > 0 then s.starts_at + interval '10 days' end
         from coaching_sessions s
         where s.org_id = $1 and s.status = 'completed' and abs(hashtext(s.id::text)) % 10 = 0",
        org
    )
    .execute(&mut *tx)
    .await
    .context("activities")?;
    let goals = sqlx::query!(
        "insert into goals (org_id, id, engagement_id, title, skill_id, status, progress, position,
                            shared_with_manager)
         select e.org_id, md5(e.id::text || '-goal-' || g)::uuid, e.id, 'Goal ' || g,
                md5(e.org_id::text || '-skill-' || (1 + (g + abs(hashtext(e.id::text))) % 10))::uuid,
                (array['draft', 'active', 'active', 'achieved', 'dropped'])[1 + (g + abs(hashtext(e.id::text))) % 5],
                (g * 13) % 100, g, g % 2 = 0
         from engagements e cross join generate_series(1, 5 + abs(hashtext(e.id::text)) % 8) g
         where e.org_id = $1",
        org
    )
    .execute(&mut *tx)
    .await
    .context("goals")?
    .rows_affected();
    // Alignment meetings in programmes that have them: held ones in the
    // past, one waiting for the manager in some engagements.
    let meetings = sqlx::query!(
        "insert into alignment_meetings (org_id, id, engagement_id, kind, status, starts_at, place,
                                         agenda, sequence, request_key, created_by, created_at, outcome_at)
         select e.org_id, md5(e.id::text || '-meeting-' || m)::uuid, e.id,
                (array['kickoff', 'initial', 'midpoint', 'closing'])[1 + (m - 1) % 4],
                case when e.starts_on + m * 75 < current_date then 'completed' else 'proposed' end,
                case when e.starts_on + m * 75 < current_date
                     then (e.starts_on + m * 75) + interval '14 hours' end,
                'Video call', '', 1, md5(e.id::text || '-request-' || m)::uuid, e.coachee_id,
                (e.starts_on + m * 75 - 14) + interval '10 hours',
                case when e.starts_on + m * 75 < current_date
                     then (e.starts_on + m * 75) + interval '15 hours' end
         from engagements e
         join programs p on p.org_id = e.org_id and p.id = e.program_id and p.alignment_enabled
         cross join generate_series(1, 2 + abs(hashtext(e.id::text)) % 5) m
         where e.org_id = $1
           and (e.starts_on + m * 75 < current_date or m = 2 + abs(hashtext(e.id::text)) % 5)",
        org
    )
    .execute(&mut *tx)
    .await
    .context("alignment meetings")?
    .rows_affected();
    sqlx::query!(
        "insert into guest_invites (org_id, id, meeting_id, email, name, secret_nonce, secret_hash,
                                    time_zone, expires_at, rsvp, rsvp_at, first_opened_at,
                                    last_opened_at, answered_at)
         select m.org_id, md5(m.id::text || '-invite')::uuid, m.id, e.manager_email, e.manager_name,
                decode(md5(m.id::text || '-nonce'), 'hex'), decode(md5(m.id::text || '-hash'), 'hex'),
                'Europe/London', coalesce(m.starts_at, now() + interval '30 days') + interval '7 days',
                case when m.status = 'completed' then 'accepted' else 'pending' end,
                case when m.status = 'completed' then m.created_at + interval '2 days' end,
                case when abs(hashtext(m.id::text)) % 5 > 0 then m.created_at + interval '1 day' end,
                case when abs(hashtext(m.id::text)) % 5 > 0 then m.created_at + interval '1 day' end,
                case when m.status = 'completed' then m.created_at + interval '3 days' end
         from alignment_meetings m join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
         where m.org_id = $1",
        org
    )
    .execute(&mut *tx)
    .await
    .context("invites")?;
    // The held meetings' invitees answered the questions of their meeting's kind.
    sqlx::query!(
        "insert into guest_answers (org_id, invite_id, question, answer, updated_at)
         select i.org_id, i.id, a.question, a.answer, i.answered_at
         from guest_invites i
         join alignment_meetings m on m.org_id = i.org_id and m.id = i.meeting_id
         join (values ('kickoff', 'expectations', 'Sharper priorities for the team'),
                      ('kickoff', 'outcomes', 'Delegating more, and earlier'),
                      ('initial', 'success', 'Steady under pressure, and the team sees it'),
                      ('initial', 'noticed', 'Calmer planning meetings'),
                      ('midpoint', 'changed', 'Asks for help sooner'),
                      ('closing', 'keep_going', 'A monthly check-in'))
              as a (kind, question, answer) on a.kind = m.kind
         where i.org_id = $1 and m.status = 'completed'",
        org
    )
    .execute(&mut *tx)
    .await
    .context("answers")?;
    sqlx::query!(
        "insert into alignment_candidate_times (org_id, id, meeting_id, starts_at, proposed_by)
         select m.org_id, md5(m.id::text || '-candidate-' || c)::uuid, m.id,
                now() + (c * 2 + 5) * interval '1 day', 'coachee'
         from alignment_meetings m cross join generate_series(1, 2) c
         where m.org_id = $1 and m.status = 'proposed'",
        org
    )
    .execute(&mut *tx)
    .await?;
    // History: the managers' invitations, sent; and sign-ins in the audit log.
    sqlx::query!(
        "insert into outbox_messages (id, org_id, message_id, recipient_email, recipient_name, subject,
                                      body_text, body_html, status, attempts, created_at, queued_at,
                                      next_attempt_at, sent_at)
         select md5(m.id::text || '-mail')::uuid, m.org_id, '<' || md5(m.id::text) || '@load.example>',
                e.manager_email, e.manager_name, 'An alignment meeting invitation', 'Text', '<p>HTML</p>',
                'sent', 1, m.created_at, m.created_at, m.created_at, m.created_at + interval '5 seconds'
         from alignment_meetings m join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
         where m.org_id = $1",
        org
    )
    .execute(&mut *tx)
    .await
    .context("outbox history")?;
    sqlx::query!(
        "insert into audit_events (org_id, id, occurred_at, actor, action, subject)
         select $1::uuid, md5($1::uuid::text || '-audit-' || n)::uuid, now() - n * interval '37 minutes',
                'Coachee ' || (1 + n % $2), 'sign_in.succeeded', null
         from generate_series(1, $2 * 3) n",
        org,
        size.coachees
    )
    .execute(&mut *tx)
    .await
    .context("audit history")?;
    Ok((sessions as i64, goals as i64, meetings as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_plan_is_a_platform_with_one_large_organisation() {
        let sizes = plan(1.0);
        assert_eq!(sizes.len(), 100);
        assert_eq!(sizes[0].coachees, 10_000);
        assert_eq!(sizes[0].coaches, 300);
        assert_eq!(sizes[0].programs, 20);
        let small: i32 = sizes[1..].iter().map(|s| s.coachees).sum();
        assert!((5_000..10_000).contains(&small), "{small}");
        let tiny = plan(0.01);
        assert_eq!(tiny.len(), 2);
        assert_eq!(tiny[0].coachees, 100);
    }
}
