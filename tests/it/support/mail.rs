//! The outbox as a person reads it: the link in their newest email.

use super::{TestApp, eventually};

/// The link in the newest email to `to`, as written in its plain-text body.
/// (Some emails are queued just after the page that asked for them is
/// answered, so this waits a little for one to arrive.)
pub async fn link_in_mail(app: &TestApp, to: &str, path: &str) -> String {
    let body: String = eventually(10, "an email to them", || async {
        sqlx::query_scalar(
            "select body_text from outbox_messages where recipient_email = $1 order by created_at desc limit 1",
        )
        .bind(to)
        .fetch_optional(&mut app.owner_connection().await)
        .await
        .unwrap()
    })
    .await;
    let start = body.find(path).expect("a link in the email");
    body[start..].split_whitespace().next().unwrap().to_owned()
}
