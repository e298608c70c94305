//! The admin's own levers as a source of fresh noise. An admin controls which
//! engagements are active: were a figure's noise drawn from anything but the
//! records it counts, pausing and activating engagements that have nothing to
//! do with it would draw it again and again, and enough draws average out to
//! the truth. Nor may asking again, with the kept copy of the report passed
//! by, draw anything new.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use uuid::Uuid;

use super::*;

/// The organisation of the world's programme.
pub(super) async fn org_of(w: &World) -> triad::db::TenantId {
    let mut conn = w.app.owner_connection().await;
    let org: Uuid = sqlx::query_scalar("select org_id from programs where id = $1")
        .bind(w.programme)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    triad::db::TenantId(org)
}

/// Figures whose truth follows the dummies: active and paused engagements,
/// and the cadence-kept share (whose denominator is the active ones).
fn follows_the_dummies(section: &str, figure: &str, group: &str) -> bool {
    matches!(group, "Whole programme" | "Engineering")
        && matches!(
            (section, figure),
            ("Engagements", "Active" | "Paused") | ("Coaching sessions", "Cadence kept")
        )
}

#[tokio::test]
async fn toggling_unrelated_engagements_never_redraws_a_figure_whose_records_did_not_change() {
    use triad::db::engagements::{self, EngagementFields, Status};
    let w = world().await;
    let org = org_of(&w).await;
    // Five dummy engagements in Engineering, each of a coachee of its own,
    // with no session: active, they count as active but do not keep the
    // cadence, so the number of engagements that keep it never changes.
    let mut dummies = Vec::new();
    for i in 0..5 {
        let coachee = w
            .app
            .seed_member(
                org,
                &format!("dummy{i}@acme.test"),
                &format!("Dummy {i}"),
                roles(false, false, true),
            )
            .await;
        let mut tx = triad::db::begin_tenant(&w.app.pool, org).await.unwrap();
        let fields = EngagementFields {
            coachee_id: coachee,
            coach_id: Some(w.coach),
            starts_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            status: Status::Paused,
            manager_name: "A Manager".into(),
            manager_email: "manager@example.com".into(),
            department: "Engineering".into(),
        };
        dummies.push(
            engagements::create(&mut tx, org, w.programme, &fields)
                .await
                .unwrap(),
        );
        tx.commit().await.unwrap();
    }
    let mut owner = w.app.owner_connection().await;
    // (section, figure, group) → every number printed for it.
    let mut printed: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
    // Group → the cadence-kept counts the printed share and active count allow.
    let mut kept: BTreeMap<&str, BTreeSet<Vec<i64>>> = BTreeMap::new();
    let mut first: Option<Vec<[String; 4]>> = None;
    let rounds = 24;
    for round in 0..rounds {
        // Every round another set of dummies is active; the last repeats the first.
        let pattern = if round == rounds - 1 { 0 } else { round };
        let active: Vec<Uuid> = (0..dummies.len())
            .filter(|i| pattern >> i & 1 == 1)
            .map(|i| dummies[i])
            .collect();
        sqlx::query(
            "update engagements set status = case when id = any($1) then 'active' else 'paused' end
             where id = any($2)",
        )
        .bind(&active)
        .bind(&dummies)
        .execute(&mut owner)
        .await
        .unwrap();
        // A setting changed each round, so the report is counted afresh
        // rather than read from the kept copy.
        let weeks = (2 + round).to_string();
        let response = w
            .admin
            .post(
                &format!("/admin/programmes/{}/accountability", w.programme),
                &[("inactivity_weeks", weeks.as_str())],
            )
            .await;
        assert_eq!(response.status(), 303);
        let r = w.report("2026-01-01", "2026-03-31").await;
        for row in &r.rows {
            if row[3].parse::<f64>().is_ok() || row[3].ends_with('%') {
                printed
                    .entry((row[0].clone(), row[1].clone(), row[2].clone()))
                    .or_default()
                    .insert(row[3].clone());
            }
        }
        for group in ["Whole programme", "Engineering"] {
            let (Some(percent), Some(active)) = (
                r.rate("Coaching sessions", "Cadence kept", group),
                r.count("Engagements", "Active", group),
            ) else {
                continue;
            };
            // A share capped at 100% says only that the count is at least the denominator.
            if percent < 100 {
                kept.entry(group)
                    .or_default()
                    .insert(numerators(percent, active));
            }
        }
        match &first {
            None => first = Some(r.rows.clone()),
            Some(rows) if round == rounds - 1 => assert_eq!(
                rows, &r.rows,
                "the same records, counted afresh, must print the same report"
            ),
            Some(_) => {}
        }
    }
    for ((section, figure, group), values) in &printed {
        if !follows_the_dummies(section, figure, group) {
            assert_eq!(
                values.len(),
                1,
                "{section} / {figure} / {group}: its records never changed, yet it printed {values:?}"
            );
        }
    }
    for (group, counts) in &kept {
        assert!(
            counts.len() <= 1,
            "{group}: the engagements keeping the cadence never changed, yet the share over the \
             active ones was drawn afresh: {counts:?} — enough draws average out to the truth"
        );
    }
}
