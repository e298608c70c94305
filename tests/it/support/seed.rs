//! What tests write behind the app's back: organisations, people who can sign
//! in, programmes with an engagement, and alignment meetings with the
//! manager's link.

use super::{TestApp, Visitor, test_config};

/// The password every seeded test person has.
pub const PASSWORD: &str = "violet tractor inside the moon";

impl TestApp {
    /// A new organisation, made behind the app's back; returns its tenant id.
    pub async fn create_org(&self, name: &str) -> triad::db::TenantId {
        let id = uuid::Uuid::new_v4();
        let slug = format!(
            "{}-{}",
            name.to_lowercase().replace(' ', "-"),
            &id.simple().to_string()[..6]
        );
        sqlx::query("insert into organizations (id, name, slug) values ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(slug)
            .execute(&mut self.owner_connection().await)
            .await
            .expect("create an organisation");
        triad::db::TenantId(id)
    }

    /// A person with a password and `roles` in `org`; returns their user id.
    pub async fn seed_member(
        &self,
        org: triad::db::TenantId,
        email: &str,
        name: &str,
        roles: triad::db::people::Roles,
    ) -> uuid::Uuid {
        let hash = triad::auth::password::hash(PASSWORD.into()).await.unwrap();
        let mut conn = self.owner_connection().await;
        let user = triad::db::people::find_or_create_user(&mut conn, email, name)
            .await
            .unwrap();
        triad::db::people::set_password(&mut conn, user.id, &hash, false)
            .await
            .unwrap();
        sqlx::query("select set_config('app.org_id', $1, false)")
            .bind(org.0.to_string())
            .execute(&mut conn)
            .await
            .unwrap();
        triad::db::people::add_member(&mut conn, org, user.id, roles, None)
            .await
            .unwrap();
        user.id
    }

    /// A visitor already signed in as a new member with `roles` in `org`.
    pub async fn signed_in(
        &self,
        org: triad::db::TenantId,
        email: &str,
        roles: triad::db::people::Roles,
    ) -> (Visitor, uuid::Uuid) {
        let user = self
            .seed_member(org, email, email.split('@').next().unwrap(), roles)
            .await;
        let visitor = self.visitor();
        let response = visitor.sign_in(email, PASSWORD).await;
        assert_eq!(response.status(), 303, "sign-in of {email}");
        (visitor, user)
    }
}

pub fn roles(admin: bool, coach: bool, coachee: bool) -> triad::db::people::Roles {
    triad::db::people::Roles {
        is_admin: admin,
        is_coach: coach,
        is_coachee: coachee,
    }
}

/// A programme and an engagement in it (started eleven months ago, a month
/// to go), written in `tx`; names and the
/// manager's details start with `label`, so a test can look for them.
pub async fn programme_and_engagement(
    tx: &mut triad::db::TenantTx,
    org: triad::db::TenantId,
    label: &str,
    coachee_id: uuid::Uuid,
    coach_id: uuid::Uuid,
) -> (uuid::Uuid, uuid::Uuid) {
    use triad::db::{engagements, programs};
    // Eleven months in and a month to go, whatever today is: where the
    // engagements these tests were written against stood on 1 December 2026.
    let today = chrono::Utc::now().date_naive();
    let (starts_on, ends_on) = (
        today - chrono::Days::new(334),
        today + chrono::Days::new(30),
    );
    let programme = programs::create_program(
        tx,
        org,
        &programs::ProgramFields {
            name: format!("{label} programme"),
            description: String::new(),
            starts_on,
            ends_on,
            cadence: programs::Cadence::Monthly,
            sessions_included: 6,
            reporting_threshold: 5,
        },
    )
    .await
    .unwrap();
    let engagement = engagements::create(
        tx,
        org,
        programme,
        &engagements::EngagementFields {
            coachee_id,
            coach_id: Some(coach_id),
            starts_on,
            ends_on,
            status: engagements::Status::Active,
            manager_name: format!("{label} Manager"),
            manager_email: format!("{}.manager@example.com", label.to_lowercase()),
            department: format!("{label} department"),
        },
    )
    .await
    .unwrap();
    (programme, engagement)
}

/// The guest-link keys the test app signs with.
pub fn guest_keys() -> triad::alignment::link::GuestKeys {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path());
    triad::alignment::link::GuestKeys::new(&config.secret_key().unwrap(), None)
}

/// Switches alignment meetings on for `programme` and makes, behind the app's
/// back, a meeting waiting for the manager (one time offered, a week ahead)
/// with its invite, and a pending request for one more meeting. Returns the
/// meeting, the request, and the manager's link token.
pub async fn alignment_meeting(
    app: &TestApp,
    org: triad::db::TenantId,
    programme: uuid::Uuid,
    engagement: uuid::Uuid,
    coachee: uuid::Uuid,
) -> (uuid::Uuid, uuid::Uuid) {
    let (meeting, request, _) =
        alignment_meeting_with_link(app, org, programme, engagement, coachee).await;
    (meeting, request)
}

pub async fn alignment_meeting_with_link(
    app: &TestApp,
    org: triad::db::TenantId,
    programme: uuid::Uuid,
    engagement: uuid::Uuid,
    coachee: uuid::Uuid,
) -> (uuid::Uuid, uuid::Uuid, String) {
    use triad::db::alignment as meetings;
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    triad::db::programs::set_alignment_rules(
        &mut tx,
        org,
        programme,
        &triad::db::programs::AlignmentRules {
            enabled: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (meeting, _) = meetings::create(
        &mut tx,
        org,
        &meetings::NewMeeting {
            engagement_id: engagement,
            kind: triad::alignment::Kind::Initial,
            duration_minutes: 30,
            place: "Secret room".into(),
            agenda: String::new(),
            request_key: uuid::Uuid::new_v4(),
            created_by: coachee,
        },
    )
    .await
    .unwrap();
    let at = chrono::Utc::now() + chrono::Duration::days(7);
    meetings::add_candidate(&mut tx, org, meeting, at, "coachee", "", None)
        .await
        .unwrap();
    let invite = uuid::Uuid::now_v7();
    let link = guest_keys().issue(org.0, invite);
    meetings::create_invite(
        &mut tx,
        org,
        invite,
        meeting,
        "manager",
        "Secret Manager",
        "secret.manager@example.com",
        &link,
        "Europe/London",
        at + chrono::Duration::days(8),
    )
    .await
    .unwrap();
    meetings::request_extra(&mut tx, org, engagement, "Secret reason", coachee)
        .await
        .unwrap();
    let request: uuid::Uuid = sqlx::query_scalar(
        "select id from alignment_requests where org_id = $1 and engagement_id = $2",
    )
    .bind(org.0)
    .bind(engagement)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (meeting, request, link.token)
}

/// Casey Coach (casey@acme.test) coaching Robin Rivera (robin@acme.test) in
/// `org`, both able to sign in with [`PASSWORD`].
pub struct CoachingPair {
    pub coach: uuid::Uuid,
    pub programme: uuid::Uuid,
    pub engagement: uuid::Uuid,
}

pub async fn casey_coaches_robin(app: &TestApp, org: triad::db::TenantId) -> CoachingPair {
    let coach = app
        .seed_member(
            org,
            "casey@acme.test",
            "Casey Coach",
            roles(false, true, false),
        )
        .await;
    let coachee = app
        .seed_member(
            org,
            "robin@acme.test",
            "Robin Rivera",
            roles(false, false, true),
        )
        .await;
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let (programme, engagement) =
        programme_and_engagement(&mut tx, org, "Leading Teams", coachee, coach).await;
    tx.commit().await.unwrap();
    CoachingPair {
        coach,
        programme,
        engagement,
    }
}
