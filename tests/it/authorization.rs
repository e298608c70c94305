//! Who may reach what. The route list is read from the router's own
//! registrations (every `.route(...)` under `src/web/`), so a new route without
//! an entry in the matrix below fails the test until someone decides who may
//! use it.

use crate::support::{Who, World, concrete, registered_routes, world};

/// What each person gets. `SIGN_IN` means a redirect to the sign-in page.
const SIGN_IN: u16 = 1303;

fn expected(method: &str, path: &str, who: Who) -> Option<u16> {
    use Who::*;
    let signed_in = who != Anonymous;
    let member_page = |ok: u16| if signed_in { ok } else { SIGN_IN };
    let admin_page = |ok: u16| match who {
        Anonymous => SIGN_IN,
        Coachee | Coach => 404,
        Admin | OtherAdmin => ok,
    };
    // Pages of one engagement: its coachee and its coach only, never an admin.
    let party = |coachee: u16, coach: u16| match who {
        Anonymous => SIGN_IN,
        Coachee => coachee,
        Coach => coach,
        Admin | OtherAdmin => 404,
    };
    // Pages about one object of the first organisation.
    let admin_object = |ok: u16| match who {
        Anonymous => SIGN_IN,
        Coachee | Coach | OtherAdmin => 404,
        Admin => ok,
    };
    Some(match (method, path) {
        ("GET", "/")
        | ("GET", "/sign-in")
        | ("GET", "/forgot-password")
        | ("POST", "/forgot-password") => 200,
        ("GET", "/healthz")
        | ("GET", "/readyz")
        | ("GET", "/static/{name}")
        | ("GET", "/dev/mailbox") => 200,
        ("GET", "/dev/mailbox/{id}")
        | ("GET", "/dev/mailbox/{id}/html")
        | ("GET", "/dev/mailbox/{id}/raw") => 404,
        ("POST", "/sign-in") => 422,
        ("GET", "/welcome")
        | ("POST", "/welcome")
        | ("GET", "/reset-password")
        | ("POST", "/reset-password") => 410,
        ("GET", "/engagements/{id}") | ("GET", "/sessions/{id}") => party(200, 200),
        ("POST", "/engagements/{id}/sessions") => party(422, 422),
        // The engagement has its coach: the coachee is sent back to it, and
        // a coach never sees a shortlist.
        ("GET", "/engagements/{id}/coach") | ("POST", "/engagements/{id}/coach") => party(303, 404),
        ("POST", "/sessions/{id}") => party(404, 422),
        ("POST", "/sessions/{id}/notes") => party(404, 303),
        // An empty choice: the session prepares no meeting.
        ("POST", "/sessions/{id}/preparation") => party(404, 303),
        ("POST", "/sessions/{id}/activities/{activity_id}") => party(303, 404),
        ("GET", "/engagements/{id}/goals/new") => party(200, 404),
        ("POST", "/engagements/{id}/goals/new") | ("POST", "/goals/{id}") => party(422, 404),
        ("GET", "/engagements/{id}/manager-view") | ("GET", "/goals/{id}") => party(200, 200),
        ("POST", "/goals/{id}/move") | ("POST", "/goals/{id}/share") => party(303, 404),
        ("GET", "/engagements/{id}/alignment")
        | ("GET", "/alignment/{id}")
        | ("GET", "/alignment/{id}/manager-view") => party(200, 200),
        ("POST", "/engagements/{id}/alignment")
        | ("POST", "/engagements/{id}/alignment/request")
        | ("POST", "/alignment/{id}/preparation")
        | ("POST", "/alignment/{id}/manager") => party(422, 404),
        ("POST", "/engagements/{id}/alignment/advice") | ("POST", "/alignment/{id}/notes") => {
            party(404, 303)
        }
        ("POST", "/alignment/{id}/outcome") => party(404, 303),
        ("POST", "/alignment/{id}/debrief") => party(404, 422),
        // An empty agenda is refused on the page, for either of them.
        ("POST", "/alignment/{id}/reschedule") | ("POST", "/alignment/{id}/agenda") => {
            party(422, 422)
        }
        ("POST", "/alignment/{id}/use-time") | ("POST", "/alignment/{id}/cancel") => {
            party(303, 303)
        }
        // An empty sponsor is refused on the page; removing nobody changes
        // nothing and says so.
        ("POST", "/alignment/{id}/invitees") => party(422, 422),
        ("POST", "/alignment/{id}/invitees/remove") => party(303, 303),
        // The manager's pages: a made-up link is refused, and without the
        // guest cookie nobody — signed in or not — gets in.
        ("GET", "/m/{token}") => 404,
        ("GET", "/guest")
        | ("GET", "/guest/{invite}")
        | ("POST", "/guest/{invite}")
        | ("GET", "/guest/{invite}/meeting.ics")
        | ("POST", "/guest/{invite}/accept")
        | ("POST", "/guest/{invite}/decline")
        | ("POST", "/guest/{invite}/propose")
        | ("POST", "/guest/{invite}/answers")
        | ("POST", "/guest/{invite}/time-zone") => 401,
        ("GET", "/admin/alignment-requests") => admin_page(200),
        ("POST", "/admin/alignment-requests/{id}") => admin_object(303),
        ("POST", "/admin/programmes/{id}/alignment") => admin_object(422),
        ("GET", "/admin/programmes/{id}/report") | ("GET", "/admin/programmes/{id}/report.csv") => {
            admin_object(200)
        }
        ("POST", "/admin/programmes/{id}/accountability")
        | ("POST", "/admin/engagements/{id}/nudge") => admin_object(303),
        // The engagement has its coach already: nothing to shortlist.
        ("POST", "/admin/engagements/{id}/shortlist") => admin_object(303),
        // The person in the path does not coach: they have no profile.
        ("POST", "/admin/people/{user_id}/profile") => member_page(404),
        ("GET", "/admin/accountability") => admin_page(200),
        ("POST", "/sign-out") => 303,
        ("GET", "/home") | ("GET", "/account") | ("GET", "/organisations") => member_page(200),
        ("GET", "/resume") => member_page(303),
        // Only the person invited finds their invitation.
        ("POST", "/invitations/{org_id}/accept") | ("POST", "/invitations/{org_id}/decline") => {
            member_page(404)
        }
        ("POST", "/account") | ("POST", "/account/password") => member_page(422),
        ("POST", "/organisations") => match who {
            Anonymous => SIGN_IN,
            OtherAdmin => 404,
            _ => 303,
        },
        ("GET", "/admin/people")
        | ("GET", "/admin/people/invite")
        | ("GET", "/admin/mail")
        | ("GET", "/admin/audit") => admin_page(200),
        ("POST", "/admin/people/invite")
        | ("POST", "/admin/programmes/new")
        | ("POST", "/admin/catalogue/skills")
        | ("POST", "/admin/catalogue/activities") => admin_page(422),
        ("GET", "/admin/programmes")
        | ("GET", "/admin/programmes/new")
        | ("GET", "/admin/catalogue") => admin_page(200),
        ("GET", "/admin/programmes/{id}/engagements/new") | ("GET", "/admin/engagements/{id}") => {
            admin_object(200)
        }
        ("POST", "/admin/programmes/{id}/engagements/new")
        | ("POST", "/admin/engagements/{id}") => admin_object(422),
        ("GET", "/admin/programmes/{id}") | ("GET", "/admin/catalogue/activities/{id}") => {
            admin_object(200)
        }
        ("POST", "/admin/programmes/{id}") | ("POST", "/admin/catalogue/activities/{id}") => {
            admin_object(422)
        }
        ("POST", "/admin/programmes/{id}/archive")
        | ("POST", "/admin/programmes/{id}/restore")
        | ("POST", "/admin/catalogue/activities/{id}/archive")
        | ("POST", "/admin/catalogue/activities/{id}/restore") => admin_object(303),
        ("GET", "/admin/people/{user_id}") => admin_object(200),
        ("POST", "/admin/people/{user_id}/roles")
        | ("POST", "/admin/people/{user_id}/disable")
        | ("POST", "/admin/people/{user_id}/enable")
        | ("POST", "/admin/people/{user_id}/resend")
        | ("POST", "/admin/mail/{id}/retry") => admin_object(303),
        ("POST", "/admin/mail/retry-kind") => admin_page(303),
        ("POST", "/admin/people/resend-invitation") => admin_object(303),
        _ => return None,
    })
}

pub(crate) fn form_for(path: &str, world: &World) -> Vec<(&'static str, String)> {
    match path {
        "/organisations" => vec![("org_id", world.acme.0.to_string())],
        "/admin/people/{user_id}/roles" => vec![("is_coachee", "on".into())],
        // The confirmation's own form: the first press only asks.
        "/alignment/{id}/cancel" | "/admin/people/{user_id}/disable" => {
            vec![("confirm", "yes".into())]
        }
        "/admin/alignment-requests/{id}" => vec![("decision", "decline".into())],
        "/admin/mail/retry-kind" => vec![("kind", "meeting_reminder".into())],
        "/admin/people/resend-invitation" => vec![("email", world.target_email.clone())],
        // A new address each time: asking for one address again and again is
        // limited, and this matrix is about who may ask, not how often.
        "/forgot-password" => {
            static ASKED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = ASKED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            vec![("email", format!("someone{n}@elsewhere.test"))]
        }
        _ => vec![],
    }
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_matrix_says_and_leaks_nothing() {
    let routes = registered_routes();
    assert!(routes.len() > 20, "the route scan found only {routes:?}");
    let missing: Vec<_> = routes
        .iter()
        .filter(|(method, path)| expected(method, path, Who::Anonymous).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in the authorization matrix: {missing:?}"
    );

    let world = world().await;
    let mut failures = Vec::new();
    // Sign-out last: it ends the session the other rows need.
    let mut ordered: Vec<_> = routes.iter().collect();
    // Cancelling a meeting changes what its other routes answer: next to last.
    ordered.sort_by_key(|(_, path)| (path == "/sign-out", path.ends_with("/cancel")));
    for (method, path) in ordered {
        for (who, visitor) in &world.visitors {
            let url = concrete(path, &world);
            let response = if method == "GET" {
                visitor.get(&url).await
            } else {
                let fields = form_for(path, &world);
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                visitor.post(&url, &fields).await
            };
            let status = response.status().as_u16();
            let location = crate::support::location(&response);
            let body = response.text().await.unwrap_or_default();
            let want = expected(method, path, *who).unwrap();
            let got = if status == 303 && location.starts_with("/sign-in") && want == SIGN_IN {
                SIGN_IN
            } else {
                status
            };
            if got != want {
                failures.push(format!(
                    "{method} {path} as {who:?}: expected {want}, got {status} {location}"
                ));
            }
            if status == 404 && (body.contains(&world.target_email) || body.contains("Secret")) {
                failures.push(format!(
                    "{method} {path} as {who:?}: the 404 page leaks the object"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn a_cross_site_post_to_every_state_changing_route_is_refused() {
    let world = world().await;
    let admin = &world
        .visitors
        .iter()
        .find(|(who, _)| *who == Who::Admin)
        .unwrap()
        .1;
    let token = admin.csrf().await;
    for (method, path) in registered_routes() {
        if method != "POST" {
            continue;
        }
        let url = admin.url(&concrete(&path, &world));
        let mut fields: Vec<(&str, String)> = form_for(&path, &world);
        fields.push(("_csrf", token.clone()));
        let forged = admin
            .client
            .post(&url)
            .header("origin", "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 403, "POST {path} from another site");
        assert!(
            forged
                .text()
                .await
                .unwrap()
                .contains("came from another site")
        );
        // Without the session's token, a same-site form is refused too.
        let tokenless = admin
            .client
            .post(&url)
            .form(&form_for(&path, &world))
            .send()
            .await
            .unwrap();
        assert_eq!(tokenless.status(), 403, "POST {path} without the token");
    }
    // Nothing happened to the target.
    let disabled: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select disabled_at from memberships where user_id = $1")
            .bind(world.target_user)
            .fetch_one(&mut world.app.owner_connection().await)
            .await
            .unwrap();
    assert!(disabled.is_none());
    assert_eq!(admin.get("/home").await.status(), 200, "still signed in");
}
