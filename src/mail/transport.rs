//! Turning an outbox row into a MIME message and handing it on: to an SMTP
//! server, or — with no `SMTP_URL` — to `.eml` files in the local mailbox.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use url::Url;

use crate::mail::header::header_safe;
use crate::mail::outbox::Claimed;

/// Where messages go.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server, and how long one message may take end to end.
    Smtp(AsyncSmtpTransport<Tokio1Executor>, Duration),
    /// The local mailbox: one `.eml` file per message in this directory.
    Mailbox(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Smtp(..) => f.write_str("Transport::Smtp"),
            Transport::Mailbox(dir) => write!(f, "Transport::Mailbox({})", dir.display()),
        }
    }
}

/// Why a message did not go.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: the server was away, busy, or said "4xx".
    #[error("{0}")]
    Transient(String),
    /// Trying again will not help: the server said "5xx", or the message is unusable.
    #[error("{0}")]
    Permanent(String),
}

impl Transport {
    /// The SMTP server of `smtp_url` (`smtp://`, `smtps://`, `smtp+starttls://`),
    /// or the mailbox under `mailbox_dir` when there is none.
    pub fn new(
        smtp_url: Option<&Url>,
        mailbox_dir: PathBuf,
        timeout: Duration,
    ) -> anyhow::Result<Transport> {
        let Some(url) = smtp_url else {
            return Ok(Transport::Mailbox(mailbox_dir));
        };
        // lettre spells STARTTLS as smtp:// with ?tls=required.
        let mut lettre_url = url.clone();
        if url.scheme() == "smtp+starttls" {
            lettre_url = Url::parse(&url.as_str().replacen("smtp+starttls://", "smtp://", 1))?;
            lettre_url.query_pairs_mut().append_pair("tls", "required");
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(lettre_url.as_str())
            .map_err(|err| anyhow::anyhow!("SMTP_URL: {err}"))?
            .timeout(Some(timeout))
            .build();
        Ok(Transport::Smtp(transport, timeout))
    }

    pub async fn send(&self, message: &Claimed, from: &Mailbox) -> Result<(), SendError> {
        let mime = build(message, from)?;
        match self {
            // lettre's own timeout does not cover a server that goes quiet in
            // the middle of a message; this does, and the message is tried again.
            Transport::Smtp(smtp, timeout) => {
                match tokio::time::timeout(*timeout, smtp.send(mime)).await {
                    Err(_) => Err(SendError::Transient(format!(
                        "the SMTP server did not answer within {} seconds",
                        timeout.as_secs()
                    ))),
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(err)) if err.is_permanent() => Err(SendError::Permanent(describe(&err))),
                    Ok(Err(err)) => Err(SendError::Transient(describe(&err))),
                }
            }
            Transport::Mailbox(dir) => write_eml(dir, message, &mime.formatted())
                .await
                .map_err(|err| SendError::Transient(format!("cannot write to the mailbox: {err}"))),
        }
    }
}

/// The server's words where there are some; lettre's description otherwise.
fn describe(err: &lettre::transport::smtp::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The MIME message: plain text and HTML as alternatives and, for a meeting,
/// the calendar both inline (so mail programs show accept/decline) and as an
/// `invite.ics` attachment (for those that only offer a file).
pub fn build(message: &Claimed, from: &Mailbox) -> Result<Message, SendError> {
    let address = message.recipient_email.parse().map_err(|_| {
        SendError::Permanent(format!(
            "{:?} is not a valid address",
            message.recipient_email
        ))
    })?;
    // No direction controls in the display name: they could reorder how the
    // address beside it is shown.
    let name = header_safe(&crate::mail::typed::visible(&message.recipient_name));
    let to = Mailbox::new((!name.is_empty()).then_some(name), address);

    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(header_safe(&message.subject))
        .message_id(Some(message.message_id.clone()))
        .date(message.created_at.into());

    let text = SinglePart::plain(message.body_text.clone());
    let html = SinglePart::html(message.body_html.clone());
    let body = match (&message.calendar_ics, &message.calendar_method) {
        (Some(ics), Some(method)) => {
            let calendar_type =
                ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                    .map_err(|err| {
                        SendError::Permanent(format!("bad calendar method {method:?}: {err}"))
                    })?;
            let alternatives = MultiPart::alternative()
                .singlepart(text)
                .singlepart(html)
                .singlepart(
                    SinglePart::builder()
                        .header(calendar_type.clone())
                        .body(ics.clone()),
                );
            MultiPart::mixed()
                .multipart(alternatives)
                .singlepart(Attachment::new("invite.ics".into()).body(ics.clone(), calendar_type))
        }
        _ => MultiPart::alternative().singlepart(text).singlepart(html),
    };
    builder
        .multipart(body)
        .map_err(|err| SendError::Permanent(format!("cannot build the message: {err}")))
}

/// One file per message, named so that a listing sorts oldest first and a
/// repeated delivery overwrites instead of duplicating. Written to a temporary
/// name first, so a reader never sees half a message.
async fn write_eml(dir: &std::path::Path, message: &Claimed, bytes: &[u8]) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let name = format!(
        "{}-{}.eml",
        message.created_at.format("%Y%m%dT%H%M%S"),
        message.id.simple()
    );
    let partial = dir.join(format!(".{name}.partial"));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, dir.join(name)).await
}
