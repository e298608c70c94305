//! `/dev/mailbox`: the local mailbox of the embedded default. With no
//! `SMTP_URL`, the delivery worker writes each email as an `.eml` file under
//! `$TRIAD_DATA_DIR/mail/`; these pages list and show them, so a newcomer can
//! read what Triad sent and click its links. The routes exist only in that
//! default run on a loopback address (see `Config::serves_local_mailbox`):
//! with `SMTP_URL` or `DATABASE_URL` set, an https or non-local public URL, a
//! wider bind or trusted proxies, they are a 404. Even then they answer only
//! to a loopback peer.

use std::net::SocketAddr;
use std::path::PathBuf;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mail_parser::{MessageParser, MimeHeaders};

use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dev/mailbox", get(index))
        .route("/dev/mailbox/{id}", get(show))
        .route("/dev/mailbox/{id}/html", get(show_html))
        .route("/dev/mailbox/{id}/raw", get(raw))
}

/// One line of the listing.
struct Entry {
    id: String,
    date: String,
    to: String,
    subject: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dev/mailbox.html")]
struct MailboxPage {
    layout: Layout,
    dir: String,
    entries: Vec<Entry>,
}

/// A piece of a plain-text body: text, or a link to follow.
struct Segment {
    text: String,
    href: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "dev/message.html")]
struct MessagePage {
    layout: Layout,
    id: String,
    from: String,
    to: String,
    date: String,
    subject: String,
    message_id: String,
    body: Vec<Segment>,
    has_html: bool,
    attachments: Vec<String>,
}

fn local_only(peer: SocketAddr) -> AppResult<()> {
    if peer.ip().is_loopback() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Only names the worker writes: `<timestamp>-<uuid>`, nothing that walks paths.
fn file_for(state: &AppState, id: &str) -> AppResult<PathBuf> {
    let well_formed = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !well_formed {
        return Err(AppError::NotFound);
    }
    Ok(state.config.mailbox_dir().join(format!("{id}.eml")))
}

/// The raw message `id`, for a client on this machine.
async fn local_message(peer: SocketAddr, state: &AppState, id: &str) -> AppResult<Vec<u8>> {
    local_only(peer)?;
    read(state, id).await
}

async fn read(state: &AppState, id: &str) -> AppResult<Vec<u8>> {
    let path = file_for(state, id)?;
    match tokio::fs::read(&path).await {
        Ok(bytes) => Ok(bytes),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(AppError::NotFound),
        Err(err) => Err(AppError::Internal(err.into())),
    }
}

fn address(list: Option<&mail_parser::Address<'_>>) -> String {
    list.and_then(|list| list.first())
        .map(|addr| match (addr.name(), addr.address()) {
            (Some(name), Some(email)) => format!("{name} <{email}>"),
            (None, Some(email)) => email.to_owned(),
            (Some(name), None) => name.to_owned(),
            (None, None) => String::new(),
        })
        .unwrap_or_default()
}

async fn index(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    State(state): State<AppState>,
) -> AppResult<MailboxPage> {
    local_only(peer)?;
    let dir = state.config.mailbox_dir();
    let mut names = Vec::new();
    match tokio::fs::read_dir(&dir).await {
        Ok(mut listing) => {
            while let Some(entry) = listing
                .next_entry()
                .await
                .map_err(|err| AppError::Internal(err.into()))?
            {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(id) = name.strip_suffix(".eml") {
                    if !name.starts_with('.') {
                        names.push(id.to_owned());
                    }
                }
            }
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(AppError::Internal(err.into())),
    }
    // Newest first; the names start with their time.
    names.sort_unstable_by(|a, b| b.cmp(a));
    let mut entries = Vec::with_capacity(names.len());
    for id in names.into_iter().take(200) {
        let Ok(bytes) = read(&state, &id).await else {
            continue;
        };
        let Some(message) = MessageParser::default().parse(&bytes) else {
            continue;
        };
        entries.push(Entry {
            date: message.date().map(|d| d.to_rfc3339()).unwrap_or_default(),
            to: address(message.to()),
            subject: message.subject().unwrap_or("(no subject)").to_owned(),
            id,
        });
    }
    Ok(MailboxPage {
        layout: Layout::new("Local mailbox"),
        dir: dir.display().to_string(),
        entries,
    })
}

async fn show(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<MessagePage> {
    let bytes = local_message(peer, &state, &id).await?;
    let message = MessageParser::default()
        .parse(&bytes)
        .ok_or(AppError::NotFound)?;
    let subject = message.subject().unwrap_or("(no subject)").to_owned();
    Ok(MessagePage {
        layout: Layout::new(format!("Mail: {subject}")),
        from: address(message.from()),
        to: address(message.to()),
        date: message.date().map(|d| d.to_rfc3339()).unwrap_or_default(),
        message_id: message.message_id().unwrap_or_default().to_owned(),
        body: linkify(&message.body_text(0).unwrap_or_default()),
        has_html: message.body_html(0).is_some(),
        attachments: message
            .attachments()
            .map(|part| part.attachment_name().unwrap_or("(unnamed)").to_owned())
            .collect(),
        subject,
        id,
    })
}

/// The HTML body as the recipient's mail program would show it. It is the
/// message's own markup, so it is served sandboxed: no script, no requests.
async fn show_html(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let bytes = local_message(peer, &state, &id).await?;
    let message = MessageParser::default()
        .parse(&bytes)
        .ok_or(AppError::NotFound)?;
    let html = message.body_html(0).ok_or(AppError::NotFound)?.into_owned();
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"),
            ),
        ],
        html,
    )
        .into_response())
}

async fn raw(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let bytes = local_message(peer, &state, &id).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], bytes).into_response())
}

/// Splits plain text into runs of text and `http(s)://` links.
fn linkify(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut rest = text;
    while let Some(start) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        if start > 0 {
            segments.push(Segment {
                text: rest[..start].to_owned(),
                href: None,
            });
        }
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(tail.len());
        // A sentence's closing punctuation is not part of the link.
        let link = tail[..end].trim_end_matches(['.', ',', ')', ';', ':', '!', '?']);
        segments.push(Segment {
            text: link.to_owned(),
            href: Some(link.to_owned()),
        });
        rest = &tail[link.len()..];
    }
    if !rest.is_empty() {
        segments.push(Segment {
            text: rest.to_owned(),
            href: None,
        });
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::linkify;

    #[test]
    fn links_in_text_become_segments_without_trailing_punctuation() {
        let segments =
            linkify("Open https://triad.example.com/g/abc. Or http://x.test/y, then stop");
        let links: Vec<_> = segments.iter().filter_map(|s| s.href.clone()).collect();
        assert_eq!(
            links,
            vec!["https://triad.example.com/g/abc", "http://x.test/y"]
        );
        let text: String = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            text,
            "Open https://triad.example.com/g/abc. Or http://x.test/y, then stop"
        );
    }

    #[test]
    fn script_urls_are_never_links() {
        let segments = linkify("javascript:alert(1) data:text/html,<b>");
        assert!(segments.iter().all(|s| s.href.is_none()));
    }
}
