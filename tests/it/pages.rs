//! The web skeleton as a visitor meets it: the landing page, error pages, static
//! files, probes and the headers every response carries.

use crate::support::TestApp;

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("response has no {name} header"))
}

fn assert_security_headers(response: &reqwest::Response) {
    let csp = header(response, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(header(response, "referrer-policy"), "no-referrer");
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(response, "cross-origin-opener-policy"),
        "same-origin"
    );
    assert!(!header(response, "x-request-id").is_empty());
}

#[tokio::test]
async fn landing_page_says_what_triad_is() {
    let app = TestApp::spawn().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-type").starts_with("text/html"));
    assert_security_headers(&response);
    let body = response.text().await.unwrap();
    assert!(body.contains("<h1"), "{body}");
    assert!(
        body.contains("Triad runs workplace coaching programmes"),
        "{body}"
    );
    assert!(body.contains(r#"<html lang="en">"#));
    assert!(body.contains(r#"name="viewport""#));
    // No inline script anywhere, as the CSP demands.
    assert!(!body.contains("<script"), "{body}");
}

#[tokio::test]
async fn stylesheet_is_served_with_long_cache_headers_for_its_versioned_link() {
    let app = TestApp::spawn().await;
    let body = app.get("/").await.text().await.unwrap();
    let start = body
        .find("/static/triad.css?v=")
        .expect("a versioned stylesheet link");
    let link = &body[start..body[start..].find('"').map(|end| start + end).unwrap()];

    let response = app.get(link).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "text/css; charset=utf-8");
    assert!(header(&response, "cache-control").contains("immutable"));
    assert_security_headers(&response);
    let etag = header(&response, "etag").to_owned();
    assert!(response.text().await.unwrap().contains("--brand"));

    // An outdated version link is still served, but only cached briefly.
    let stale = app.get("/static/triad.css?v=000000").await;
    assert_eq!(stale.status(), 200);
    assert!(!header(&stale, "cache-control").contains("immutable"));

    let revalidated = app
        .client
        .get(app.url(link))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
}

#[tokio::test]
async fn unknown_page_gets_the_html_not_found_page_with_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(header(&response, "content-type").starts_with("text/html"));
    assert_security_headers(&response);
    let request_id = header(&response, "x-request-id").to_owned();
    let body = response.text().await.unwrap();
    assert!(
        body.contains("We couldn&#39;t find that page")
            || body.contains("We couldn't find that page"),
        "{body}"
    );
    assert!(body.contains(&request_id), "the page shows the request id");

    let missing_asset = app.get("/static/nothing.css").await;
    assert_eq!(missing_asset.status(), 404);
    assert_security_headers(&missing_asset);
}

#[tokio::test]
async fn client_supplied_request_id_is_not_trusted() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/"))
        .header("x-request-id", "forged-request-id")
        .send()
        .await
        .unwrap();
    assert_ne!(header(&response, "x-request-id"), "forged-request-id");
    assert_eq!(header(&response, "x-request-id").len(), 32);
}

#[tokio::test]
async fn oversized_body_is_refused_with_a_page_that_says_so() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; triad::web::BODY_LIMIT_BYTES + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_security_headers(&response);
    let body = response.text().await.unwrap();
    assert!(body.contains("too much to send"), "{body}");
}

#[tokio::test]
async fn wrong_method_gets_a_page_not_a_bare_status() {
    let app = TestApp::spawn().await;
    let response = app.client.delete(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert!(header(&response, "content-type").starts_with("text/html"));
}

#[tokio::test]
async fn health_and_readiness_probes_answer() {
    let app = TestApp::spawn().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_security_headers(&health);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready\n");
}

#[tokio::test]
async fn readiness_reports_a_database_it_cannot_reach() {
    // A port where nothing listens: the process is up, the database is not.
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = sqlx::postgres::PgConnectOptions::new()
        .host("127.0.0.1")
        .port(port)
        .username("nobody")
        .database("nothing");
    let app = TestApp::spawn_on(nowhere).await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.text().await.unwrap(), "database unreachable\n");
    // Pages that need no database keep working.
    assert_eq!(app.get("/").await.status(), 200);
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish() {
    let app = TestApp::spawn().await;
    let client = app.client.clone();
    let url = app.url("/");
    // Open a connection and keep it busy while the stop signal arrives.
    let in_flight = tokio::spawn(async move { client.get(url).send().await });
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let base = app.base.clone();
    app.shutdown().await.expect("a clean shutdown");
    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request completed");
    assert_eq!(response.status(), 200);
    // And nothing is accepted afterwards.
    assert!(reqwest::get(format!("{base}/healthz")).await.is_err());
}
