//! One organisation's objects for every id a route can take, and a person of
//! each kind signed in: the world the authorization matrix and the abuse suite
//! walk every route in.

use super::{TestApp, Visitor, roles};

/// The people who visit the world: nobody signed in, each role of Acme, and
/// an admin of another organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    Coachee,
    Coach,
    Admin,
    /// An admin of another organisation, using the first organisation's ids.
    OtherAdmin,
}

pub struct World {
    pub app: TestApp,
    pub visitors: Vec<(Who, Visitor)>,
    pub target_user: uuid::Uuid,
    pub target_email: String,
    pub target_message: uuid::Uuid,
    pub target_programme: uuid::Uuid,
    pub target_activity: uuid::Uuid,
    pub target_engagement: uuid::Uuid,
    pub target_session: uuid::Uuid,
    pub target_goal: uuid::Uuid,
    pub target_meeting: uuid::Uuid,
    pub target_request: uuid::Uuid,
    pub acme: triad::db::TenantId,
}

impl World {
    /// The one of the world's visitors who is `who`.
    pub fn visitor_as(&self, who: Who) -> &Visitor {
        &self.visitors.iter().find(|(w, _)| *w == who).unwrap().1
    }
}

pub async fn world() -> World {
    let app = TestApp::spawn().await;
    let acme = app.create_org("Acme").await;
    let globex = app.create_org("Globex").await;
    let mut visitors = vec![(Who::Anonymous, app.visitor())];
    let (coachee, coachee_id) = app
        .signed_in(acme, "coachee@acme.test", roles(false, false, true))
        .await;
    visitors.push((Who::Coachee, coachee));
    let (coach, coach_id) = app
        .signed_in(acme, "coach@acme.test", roles(false, true, false))
        .await;
    visitors.push((Who::Coach, coach));
    visitors.push((
        Who::Admin,
        app.signed_in(acme, "admin@acme.test", roles(true, false, false))
            .await
            .0,
    ));
    visitors.push((
        Who::OtherAdmin,
        app.signed_in(globex, "admin@globex.test", roles(true, false, false))
            .await
            .0,
    ));
    // The object every id in a path points at: a member of Acme, not yet
    // signed up, and a failed email of Acme's.
    let target_email = "secret.person@acme.test".to_owned();
    let target_user = {
        let mut conn = app.owner_connection().await;
        let user =
            triad::db::people::find_or_create_user(&mut conn, &target_email, "Secret Person")
                .await
                .unwrap();
        sqlx::query("select set_config('app.org_id', $1, false)")
            .bind(acme.0.to_string())
            .execute(&mut conn)
            .await
            .unwrap();
        triad::db::people::add_member(&mut conn, acme, user.id, roles(false, false, true), None)
            .await
            .unwrap();
        user.id
    };
    let target_message = {
        let mut tx = triad::db::begin_tenant(&app.pool, acme).await.unwrap();
        let email = triad::mail::OutgoingEmail {
            to: triad::mail::Recipient {
                email: target_email.clone(),
                name: "Secret Person".into(),
            },
            subject: "Secret subject".into(),
            text: "x".into(),
            html: "x".into(),
            calendar: None,
            dedupe_key: None,
            caused_by: None,
            send_at: None,
            kind: triad::mail::MailKind::Invitation,
        };
        let id = triad::mail::enqueue(&mut tx, Some(acme), "triad.test", email)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        sqlx::query(
            "update outbox_messages set status = 'failed', last_error = '550 no' where id = $1",
        )
        .bind(id)
        .execute(&mut app.owner_connection().await)
        .await
        .unwrap();
        id
    };
    let (target_programme, target_activity, target_engagement, target_session, target_goal) = {
        let mut tx = triad::db::begin_tenant(&app.pool, acme).await.unwrap();
        let (programme, engagement) =
            crate::support::programme_and_engagement(&mut tx, acme, "Secret", coachee_id, coach_id)
                .await;
        let activity = triad::db::programs::create_activity(
            &mut tx,
            acme,
            &triad::db::programs::ActivityFields {
                title: "Secret activity".into(),
                kind: triad::db::programs::ActivityKind::Reading,
                url: None,
                skill_id: None,
            },
        )
        .await
        .unwrap();
        let session = triad::db::coaching::schedule(
            &mut tx,
            acme,
            engagement,
            chrono::Utc::now(),
            60,
            coach_id,
        )
        .await
        .unwrap();
        triad::db::coaching::set_assignments(&mut tx, acme, engagement, session, &[activity])
            .await
            .unwrap();
        let goal = triad::db::goals::create(
            &mut tx,
            acme,
            engagement,
            &triad::db::goals::GoalFields {
                title: "Secret goal".into(),
                description: String::new(),
                skill_id: None,
                status: triad::db::goals::GoalStatus::Active,
                progress: 10,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (programme, activity, engagement, session, goal)
    };
    let (target_meeting, target_request) = crate::support::alignment_meeting(
        &app,
        acme,
        target_programme,
        target_engagement,
        coachee_id,
    )
    .await;
    World {
        app,
        visitors,
        target_user,
        target_email,
        target_message,
        target_programme,
        target_activity,
        target_engagement,
        target_session,
        target_goal,
        target_meeting,
        target_request,
        acme,
    }
}

pub fn concrete(path: &str, world: &World) -> String {
    let id = if path.starts_with("/admin/programmes") {
        world.target_programme
    } else if path.starts_with("/admin/engagements") || path.starts_with("/engagements") {
        world.target_engagement
    } else if path.starts_with("/sessions") {
        world.target_session
    } else if path.starts_with("/alignment") {
        world.target_meeting
    } else if path.starts_with("/admin/alignment-requests") {
        world.target_request
    } else if path.starts_with("/goals") {
        world.target_goal
    } else if path.starts_with("/admin/catalogue/activities") {
        world.target_activity
    } else {
        world.target_message
    };
    path.replace("{user_id}", &world.target_user.to_string())
        .replace("{id}", &id.to_string())
        .replace("{org_id}", &id.to_string())
        .replace("{activity_id}", &world.target_activity.to_string())
        .replace("{name}", "triad.css")
        // Written as an invite is, but with no guest visit behind it.
        .replace("{invite}", &id.simple().to_string())
        .replace(
            "{token}",
            &format!("{}.{}.00.00", world.acme.0.simple(), id.simple()),
        )
}
