//! Row-level security: the database keeps organisations apart even where the
//! code would forget to.

use sqlx::{Connection, Executor, PgConnection, Row};
use triad::db::{self, TenantId};
use uuid::Uuid;

use crate::support::TestApp;

/// Two organisations with audit events, written as the owner.
async fn two_organisations(owner: &mut PgConnection) -> (TenantId, TenantId) {
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    for (id, name, slug, events) in [(a, "Acme", "acme", 3), (b, "Globex", "globex", 2)] {
        sqlx::query("insert into organizations (id, name, slug) values ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(slug)
            .execute(&mut *owner)
            .await
            .unwrap();
        for _ in 0..events {
            sqlx::query("insert into audit_events (org_id, id, actor, action) values ($1, $2, 'operator', 'test.seeded')")
                .bind(id)
                .bind(Uuid::new_v4())
                .execute(&mut *owner)
                .await
                .unwrap();
        }
    }
    (TenantId(a), TenantId(b))
}

#[tokio::test]
async fn tenant_tables_show_nothing_when_no_organisation_is_set() {
    let app = TestApp::spawn().await;
    let mut owner = app.owner_connection().await;
    two_organisations(&mut owner).await;

    let events: i64 = sqlx::query_scalar("select count(*) from audit_events")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let organisations: i64 = sqlx::query_scalar("select count(*) from organizations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((events, organisations), (0, 0));

    // Nor can anything be written without a scope.
    let insert = sqlx::query("insert into audit_events (org_id, id, actor, action) select id, gen_random_uuid(), 'x', 'y' from organizations")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(insert.rows_affected(), 0);
}

#[tokio::test]
async fn tenant_transaction_sees_only_its_own_organisation() {
    let app = TestApp::spawn().await;
    let mut owner = app.owner_connection().await;
    let (acme, globex) = two_organisations(&mut owner).await;

    let mut tx = db::begin_tenant(&app.pool, acme).await.unwrap();
    let events: i64 = sqlx::query_scalar("select count(*) from audit_events")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let names: Vec<String> = sqlx::query_scalar("select name from organizations")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(events, 3);
    assert_eq!(names, vec!["Acme".to_string()]);

    // Writing into the other organisation is refused by the policy.
    let foreign = sqlx::query(
        "insert into audit_events (org_id, id, actor, action) values ($1, $2, 'x', 'y')",
    )
    .bind(globex.0)
    .bind(Uuid::new_v4())
    .execute(&mut *tx)
    .await;
    let err = foreign.expect_err("a row for another organisation");
    assert!(err.to_string().contains("row-level security"), "{err}");
    drop(tx);

    // The scope ends with the transaction: the pooled connection keeps nothing.
    let mut tx = db::begin_tenant(&app.pool, acme).await.unwrap();
    tx.execute("select 1").await.unwrap();
    tx.commit().await.unwrap();
    for _ in 0..4 {
        let events: i64 = sqlx::query_scalar("select count(*) from audit_events")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(events, 0);
    }
}

#[tokio::test]
async fn application_role_cannot_bypass_row_level_security() {
    let app = TestApp::spawn().await;
    let mut owner = app.owner_connection().await;
    two_organisations(&mut owner).await;
    let mut conn = app.pool.acquire().await.unwrap();

    let row = sqlx::query(
        "select current_user::text as name, rolsuper, rolbypassrls
         from pg_roles where rolname = current_user",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("name"), db::APP_ROLE);
    assert!(!row.get::<bool, _>("rolsuper"));
    assert!(!row.get::<bool, _>("rolbypassrls"));

    let owns_a_table: bool = sqlx::query_scalar(
        "select exists (select 1 from pg_tables where schemaname = 'public' and tableowner = current_user)",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert!(!owns_a_table);

    // Turning row security off makes queries on protected tables fail, not leak.
    conn.execute("set row_security = off").await.unwrap();
    let err = sqlx::query("select count(*) from audit_events")
        .fetch_one(&mut *conn)
        .await
        .expect_err("row security cannot be switched off");
    assert!(err.to_string().contains("row-level security"), "{err}");
    conn.execute("set row_security = on").await.unwrap();

    for statement in [
        "alter table audit_events disable row level security",
        "alter table audit_events no force row level security",
        "drop policy tenant_isolation on audit_events",
        "create policy open_door on audit_events using (true)",
    ] {
        let err = conn.execute(statement).await.expect_err(statement);
        assert!(
            err.to_string().contains("must be owner"),
            "{statement}: {err}"
        );
    }
    // Nor can it become a more powerful role.
    let owner_name: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    let err = conn
        .execute(format!("set role \"{owner_name}\"").as_str())
        .await
        .expect_err("switching to the owner");
    assert!(err.to_string().contains("permission denied"), "{err}");
    owner.close().await.ok();
}

#[tokio::test]
async fn every_table_with_an_org_id_is_under_forced_row_level_security() {
    let app = TestApp::spawn().await;
    let mut owner = app.owner_connection().await;
    let unprotected: Vec<String> = sqlx::query_scalar(
        "select c.relname::text
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped
         where n.nspname = 'public' and c.relkind in ('r', 'p')
           and not (c.relrowsecurity and c.relforcerowsecurity
                    and exists (select 1 from pg_policy p where p.polrelid = c.oid))",
    )
    .fetch_all(&mut owner)
    .await
    .unwrap();
    assert!(
        unprotected.is_empty(),
        "tenant tables without RLS: {unprotected:?}"
    );
    // The check above must have something to look at.
    let tenant_tables: i64 = sqlx::query_scalar(
        "select count(*) from information_schema.columns
         where table_schema = 'public' and column_name = 'org_id'",
    )
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert!(tenant_tables >= 1);
    owner.close().await.ok();
}
