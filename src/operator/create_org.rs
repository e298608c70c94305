//! `triad create-org`, and the organisation row the demo seeding makes too.

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use url::Url;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::auth::tokens;
use crate::config::Config;
use crate::db::TenantId;
use crate::db::people::{self, Roles, TokenPurpose};

/// A lower-case, dashed slug from a name: "Northwind Traders" → "northwind-traders".
pub fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "organisation".into()
    } else {
        slug
    }
}

async fn scoped(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<()> {
    sqlx::query!(
        "select set_config('app.org_id', $1, true)",
        org.0.to_string(),
    )
    .fetch_one(conn)
    .await?;
    Ok(())
}

pub(super) async fn insert_org(conn: &mut PgConnection, name: &str) -> anyhow::Result<TenantId> {
    let org = TenantId(Uuid::now_v7());
    scoped(conn, org).await?;
    let base = slug_of(name);
    // A second organisation of the same name gets a numbered slug.
    let taken: i64 = sqlx::query_scalar!(
        r#"select count(*) as "count!" from organizations where slug = $1 or slug like $1 || '-%'"#,
        base,
    )
    .fetch_one(&mut *conn)
    .await?;
    let slug = if taken == 0 {
        base
    } else {
        format!("{base}-{}", taken + 1)
    };
    sqlx::query!(
        "insert into organizations (id, name, slug) values ($1, $2, $3)",
        org.0,
        name.trim(),
        slug,
    )
    .execute(&mut *conn)
    .await
    .context("cannot create the organisation")?;
    Ok(org)
}

/// `triad create-org`: the organisation and its first admin, who gets a
/// one-time link (returned, for the operator to pass on) to set a password.
pub async fn create_org(
    owner: &PgConnectOptions,
    config: &Config,
    name: &str,
    admin_email: &str,
    admin_name: &str,
) -> anyhow::Result<Url> {
    if name.trim().is_empty() {
        anyhow::bail!("--name: give the organisation a name");
    }
    if admin_email.trim().parse::<lettre::Address>().is_err() {
        anyhow::bail!("--admin-email: {admin_email:?} is not an email address");
    }
    let mut conn = PgConnection::connect_with(owner).await?;
    let mut tx = conn.begin().await?;
    let org = insert_org(&mut tx, name).await?;
    let user = people::find_or_create_user(&mut tx, admin_email, admin_name).await?;
    people::add_member(
        &mut tx,
        org,
        user.id,
        Roles {
            is_admin: true,
            ..Roles::default()
        },
        None,
    )
    .await?;
    let link = if user.password_hash.is_none() {
        let token = tokens::generate();
        people::create_token(
            &mut tx,
            user.id,
            TokenPurpose::Invite,
            &tokens::hash(&token),
        )
        .await?;
        let mut link = config.public_url.join("/welcome")?;
        link.query_pairs_mut().append_pair("token", &token);
        link
    } else {
        config.public_url.join("/sign-in")?
    };
    audit::record(
        &mut tx,
        org,
        &Event {
            actor_user: None,
            actor: "operator",
            action: "organisation.created",
            subject: Some(format!("first admin {}", user.email)),
            client: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(link)
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn slugs_are_lower_case_words_joined_by_dashes() {
        assert_eq!(slug_of("Northwind Traders"), "northwind-traders");
        assert_eq!(slug_of("  ACME & Co. (EU) "), "acme-co-eu");
        assert_eq!(slug_of("Ærø Øst"), "r-st");
        assert_eq!(slug_of("!!!"), "organisation");
    }
}
