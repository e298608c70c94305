//! Hostile values in every field of every form a page offers any role, and
//! bytes that are not UTF-8 to every POST route.

use std::collections::BTreeSet;

use crate::support::{Who, World, concrete, registered_routes, world};

use super::{FoundForm, PAYLOADS, assert_emails_read_well, forms_in, pages, raw_markup};

fn long_payload() -> String {
    "x".repeat(20_000)
}

/// The forms the pages offer now that are not in `tried`, each with the
/// person and the page that showed it; adds them to `tried`.
async fn forms_not_yet_tried(
    world: &World,
    tried: &mut BTreeSet<(String, String, String)>,
) -> Vec<(Who, String, FoundForm)> {
    let mut forms = Vec::new();
    for (who, page, html) in &pages(world).await {
        for form in forms_in(html) {
            if form.action == "/sign-out" {
                continue;
            }
            let names: Vec<&str> = form.fields.iter().map(|(n, _)| n.as_str()).collect();
            if tried.insert((format!("{who:?}"), form.action.clone(), names.join(","))) {
                forms.push((*who, page.clone(), form));
            }
        }
    }
    forms
}

/// Each field of `form` in turn gets each hostile value.
async fn send_hostile_values(world: &World, who: Who, page: &str, form: &FoundForm) {
    let visitor = world.visitor_as(who);
    let long = long_payload();
    for (index, (name, _)) in form.fields.iter().enumerate() {
        if name == "_csrf" {
            continue;
        }
        let mut values: Vec<&str> = PAYLOADS.iter().map(|(p, _)| *p).collect();
        values.push(&long);
        for value in values {
            let mut fields = form.fields.clone();
            fields[index].1 = value.to_owned();
            // Each value is a new fill of the form, with a key of its own
            // (unless the key itself is the field under attack).
            for (field, key) in fields.iter_mut() {
                if field == "_once" && field != name {
                    *key = uuid::Uuid::new_v4().to_string();
                }
            }
            let response = visitor
                .client
                .post(visitor.url(&form.action))
                .form(&fields)
                .send()
                .await
                .expect("POST");
            let status = response.status().as_u16();
            let html = response.text().await.unwrap_or_default();
            assert!(
                status < 500,
                "POST {} field {name} as {who:?} (from {page}): {status}",
                form.action
            );
            if let Some(raw) = raw_markup(&html) {
                panic!(
                    "POST {} field {name} as {who:?}: {raw:?} came back raw",
                    form.action
                );
            }
        }
    }
}

#[tokio::test]
async fn hostile_values_in_every_field_of_every_form_cause_no_500_and_show_nowhere_raw() {
    let world = world().await;
    let mut tried = BTreeSet::new();
    // Some forms show only once others were sent: scheduling a meeting once
    // the one waiting is cancelled, moving a goal once there are two,
    // restoring what was archived. A second look at the pages finds those.
    for _ in 0..2 {
        for (who, page, form) in forms_not_yet_tried(&world, &mut tried).await {
            send_hostile_values(&world, who, &page, &form).await;
        }
    }
    assert!(!tried.is_empty(), "the pages offered no form to attack");

    // Afterwards, everything that shows what was written: pages, emails,
    // calendar files, the CSV.
    for (who, url, html) in &pages(&world).await {
        if let Some(raw) = raw_markup(html) {
            panic!("GET {url} as {who:?} shows {raw:?} raw");
        }
    }
    assert_emails_read_well(&world).await;
    let csv = world
        .visitor_as(Who::Admin)
        .text(&format!(
            "/admin/programmes/{}/report.csv",
            world.target_programme
        ))
        .await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records().flatten() {
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "CSV cell {cell:?} starts like a formula"
            );
        }
    }
    // SQL text went in as text: the tables are all still there.
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&mut world.app.owner_connection().await)
        .await
        .unwrap();
    assert!(users > 0, "the users table is gone");
}

#[tokio::test]
async fn bytes_that_are_not_utf8_and_broken_percent_encoding_cause_no_500_on_any_form_route() {
    let world = world().await;
    let admin = world.visitor_as(Who::Admin);
    for (method, path) in registered_routes() {
        if method != "POST" || path == "/sign-out" {
            continue;
        }
        let url = admin.url(&concrete(&path, &world));
        let token = admin.csrf().await;
        for body in [
            format!("_csrf={token}&name=%FF%FE%80&title=%C3%28"),
            format!("_csrf={token}&name=%ZZ%&title=%"),
        ] {
            let response = admin
                .client
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            assert!(status < 500, "POST {path} with bad bytes: {status}");
        }
    }
}
