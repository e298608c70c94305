//! The abuse suite: hostile input through every form of every role, the
//! limits on what a request may be, races on the same form and on one
//! meeting, guest-link guessing, confidential words and secrets that must
//! never leak, and PostgreSQL, the pool and Triad itself failing under
//! traffic. The forms are found by reading the pages the router serves, not
//! from a list kept by hand. Each attack is a test of its own, on a world of
//! its own.

mod faults;
mod hostile_input;
mod limits;
mod privacy;
mod races;

use crate::support::{Who, World, concrete, registered_routes};

/// Hostile values, each with the text that must never come back raw in HTML.
const PAYLOADS: &[(&str, Option<&str>)] = &[
    ("<script>alert(\"x1\")</script>", Some("<script>alert(")),
    (
        "\"><img src=x onerror=alert(2)>",
        Some("<img src=x onerror"),
    ),
    ("' onmouseover='alert(3)", Some("' onmouseover='")),
    ("javascript:alert(4)", Some("href=\"javascript:")),
    ("{{ 7*7 }}{% if true %}T{% endif %}", None),
    ("'; DROP TABLE users; --", None),
    ("Subject line\r\nBcc: victim@evil.example", None),
    ("\u{202E}gnp.exe\u{200B}\u{2066}", None),
    ("🧭🙂👩🏽‍💻 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", None),
    ("=HYPERLINK(\"http://evil.example\",\"x\")", None),
    ("a\u{0}b", None),
];

fn raw_markup(html: &str) -> Option<&'static str> {
    PAYLOADS
        .iter()
        .filter_map(|(_, raw)| *raw)
        .find(|raw| html.contains(raw))
}

/// A form as a page offers it.
#[derive(Clone, Debug)]
struct FoundForm {
    action: String,
    fields: Vec<(String, String)>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + end]))
}

fn unescape(text: &str) -> String {
    text.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#60;", "<")
        .replace("&lt;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The POST forms of a page, with the values they would send.
fn forms_in(html: &str) -> Vec<FoundForm> {
    let mut forms = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let after = &rest[start..];
        let Some(end) = after.find("</form>") else {
            break;
        };
        let body = &after[..end];
        let open = &body[..body.find('>').unwrap_or(body.len())];
        rest = &after[end..];
        if attr(open, "method").as_deref() != Some("post") {
            continue;
        }
        let Some(action) = attr(open, "action") else {
            continue;
        };
        let mut fields = Vec::new();
        let mut inner = body;
        while let Some(i) = inner.find('<') {
            let tag_end = inner[i..].find('>').map_or(inner.len(), |e| i + e + 1);
            let tag = &inner[i..tag_end];
            if let Some(name) = attr(tag, "name") {
                if tag.starts_with("<input") {
                    let kind = attr(tag, "type").unwrap_or_default();
                    let checked = tag.contains(" checked");
                    if (kind != "checkbox" && kind != "radio") || checked {
                        fields.push((name, attr(tag, "value").unwrap_or_default()));
                    }
                } else if tag.starts_with("<textarea") {
                    let text_end = inner[tag_end..].find("</textarea>").unwrap_or(0);
                    fields.push((name, unescape(&inner[tag_end..tag_end + text_end])));
                } else if tag.starts_with("<select") {
                    let select_end = inner[tag_end..].find("</select>").unwrap_or(0);
                    let options = &inner[tag_end..tag_end + select_end];
                    let chosen = options
                        .split("<option")
                        .skip(1)
                        .find(|o| o.contains(" selected"))
                        .or_else(|| options.split("<option").nth(1))
                        .and_then(|o| attr(&format!(" {o}"), "value"))
                        .unwrap_or_default();
                    fields.push((name, chosen));
                }
            }
            inner = &inner[tag_end.min(inner.len())..];
            if tag_end == 0 {
                break;
            }
        }
        forms.push(FoundForm { action, fields });
    }
    forms
}

/// Every GET page each person can open, with its HTML; none may fail with a
/// server error.
async fn pages(world: &World) -> Vec<(Who, String, String)> {
    let mut found = Vec::new();
    for (method, path) in registered_routes() {
        if method != "GET"
            || path.contains("{token}")
            || path.ends_with(".csv")
            || path.contains("/raw")
        {
            continue;
        }
        for (who, visitor) in &world.visitors {
            let url = concrete(&path, world);
            let response = visitor.get(&url).await;
            let status = response.status().as_u16();
            let html = response.text().await.unwrap_or_default();
            assert!(status < 500, "GET {url} as {who:?}: {status}");
            if status == 200 {
                found.push((*who, url, html));
            }
        }
    }
    found
}

/// Every email queued so far reads as it should: no line break in a subject,
/// nothing sent to an address a form smuggled in, no markup raw in its HTML,
/// and a calendar file that parses.
async fn assert_emails_read_well(world: &World) {
    let mut conn = world.app.owner_connection().await;
    let emails: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "select recipient_email, subject, body_html, calendar_ics from outbox_messages",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (to, subject, html, ics) in &emails {
        assert!(
            !subject.contains(['\r', '\n']),
            "email to {to}: a line break in the subject {subject:?}"
        );
        assert!(!to.contains("evil.example"), "email sent to {to}");
        if let Some(raw) = raw_markup(html) {
            panic!("email to {to} shows {raw:?} raw");
        }
        if let Some(ics) = ics {
            let parsed = ical::IcalParser::new(ics.as_bytes()).next();
            assert!(
                matches!(parsed, Some(Ok(_))),
                "calendar file to {to} does not parse"
            );
        }
    }
}
