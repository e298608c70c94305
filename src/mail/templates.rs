//! The emails Triad writes. Each has a subject, a plain-text body from a `.txt`
//! template (not HTML-escaped) and an HTML body from an `.html` template
//! (escaped); both take the same data. Links are absolute, on `TRIAD_PUBLIC_URL`.
//! What people typed (names, above all) goes in through [`isolate`], here for
//! the fields of these emails and by the callers for the sentences they write.

use askama::Template;
use url::Url;

use crate::mail::MailKind;
use crate::mail::outbox::{OutgoingEmail, Recipient};
use crate::mail::typed::isolate;

/// Renders the two bodies of one email.
fn bodies(text: &impl Template, html: &impl Template) -> askama::Result<(String, String)> {
    Ok((text.render()?, html.render()?))
}

/// What the operator's test message says.
pub struct TestMessage<'a> {
    pub recipient_name: &'a str,
    pub public_url: &'a Url,
}

#[derive(Template)]
#[template(path = "emails/test_message.txt")]
struct TestMessageText<'a> {
    m: &'a TestMessage<'a>,
}

#[derive(Template)]
#[template(path = "emails/test_message.html")]
struct TestMessageHtml<'a> {
    m: &'a TestMessage<'a>,
}

impl TestMessage<'_> {
    /// Sent by `triad send-test-email` to show that mail settings work.
    pub fn email(&self, to: Recipient) -> askama::Result<OutgoingEmail> {
        let name = isolate(self.recipient_name);
        let m = &TestMessage {
            recipient_name: &name,
            ..*self
        };
        let (text, html) = bodies(&TestMessageText { m }, &TestMessageHtml { m })?;
        Ok(OutgoingEmail {
            to,
            subject: "Triad can send you email".into(),
            text,
            html,
            calendar: None,
            dedupe_key: None,
            caused_by: None,
            send_at: None,
            kind: MailKind::Test,
        })
    }
}

/// An invitation to join an organisation: a link to set a first password.
pub struct Invitation<'a> {
    pub invitee_name: &'a str,
    pub inviter_name: &'a str,
    pub org_name: &'a str,
    pub roles: &'a str,
    pub link: &'a Url,
    pub expires: &'a str,
    /// The person already has a Triad password: they sign in and accept,
    /// rather than choose a password.
    pub to_sign_in: bool,
}

#[derive(Template)]
#[template(path = "emails/invitation.txt")]
struct InvitationText<'a> {
    m: &'a Invitation<'a>,
}

#[derive(Template)]
#[template(path = "emails/invitation.html")]
struct InvitationHtml<'a> {
    m: &'a Invitation<'a>,
}

impl Invitation<'_> {
    pub fn email(&self, to: Recipient, caused_by: uuid::Uuid) -> askama::Result<OutgoingEmail> {
        let (invitee, inviter, org) = (
            isolate(self.invitee_name),
            isolate(self.inviter_name),
            isolate(self.org_name),
        );
        let m = &Invitation {
            invitee_name: &invitee,
            inviter_name: &inviter,
            org_name: &org,
            ..*self
        };
        let (text, html) = bodies(&InvitationText { m }, &InvitationHtml { m })?;
        Ok(OutgoingEmail {
            to,
            subject: format!("{inviter} invited you to {org} on Triad"),
            text,
            html,
            calendar: None,
            dedupe_key: None,
            caused_by: Some(caused_by),
            send_at: None,
            kind: MailKind::Invitation,
        })
    }
}

/// A link to choose a new password, for someone who forgot theirs.
pub struct PasswordReset<'a> {
    pub name: &'a str,
    pub link: &'a Url,
}

#[derive(Template)]
#[template(path = "emails/password_reset.txt")]
struct PasswordResetText<'a> {
    m: &'a PasswordReset<'a>,
}

#[derive(Template)]
#[template(path = "emails/password_reset.html")]
struct PasswordResetHtml<'a> {
    m: &'a PasswordReset<'a>,
}

impl PasswordReset<'_> {
    pub fn email(&self, to: Recipient) -> askama::Result<OutgoingEmail> {
        let name = isolate(self.name);
        let m = &PasswordReset {
            name: &name,
            ..*self
        };
        let (text, html) = bodies(&PasswordResetText { m }, &PasswordResetHtml { m })?;
        Ok(OutgoingEmail {
            to,
            subject: "Choose a new Triad password".into(),
            text,
            html,
            calendar: None,
            dedupe_key: None,
            caused_by: None,
            send_at: None,
            kind: MailKind::PasswordReset,
        })
    }
}

/// A notice: the one shape of most of Triad's emails — every message of an
/// alignment meeting (the manager's invitation, calendar invites and updates,
/// cancellation, reminders, news of the manager's answer), decisions on
/// requests, nudges to coaches: a lead sentence, details, a list of times, a
/// few paragraphs and one button.
#[derive(Clone, Debug, Default)]
pub struct NoticeEmail {
    /// What the message is about, for the delivery page.
    pub kind: MailKind,
    /// Sentences built by the caller: each piece of typed text in them has
    /// been through [`isolate`] already.
    pub subject: String,
    /// The recipient's name, for the greeting (isolated here).
    pub name: String,
    pub lead: String,
    /// Label and value rows: when, length, place, who.
    pub details: Vec<(String, String)>,
    pub times_intro: String,
    /// Candidate times, already in the recipient's zone.
    pub times: Vec<String>,
    pub paragraphs: Vec<String>,
    /// The button: its words and its absolute link.
    pub link: Option<(String, String)>,
    pub footnote: String,
}

#[derive(Template)]
#[template(path = "emails/notice.txt")]
struct NoticeText<'a> {
    m: &'a NoticeEmail,
}

#[derive(Template)]
#[template(path = "emails/notice.html")]
struct NoticeHtml<'a> {
    m: &'a NoticeEmail,
}

impl NoticeEmail {
    pub fn email(&self, to: Recipient) -> askama::Result<OutgoingEmail> {
        let m = &NoticeEmail {
            name: isolate(&self.name),
            ..self.clone()
        };
        let (text, html) = bodies(&NoticeText { m }, &NoticeHtml { m })?;
        Ok(OutgoingEmail {
            to,
            subject: self.subject.clone(),
            text,
            html,
            calendar: None,
            dedupe_key: None,
            caused_by: None,
            send_at: None,
            kind: self.kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_body_is_not_escaped_and_html_body_is() {
        let url = Url::parse("https://coaching.example.com/").unwrap();
        let message = TestMessage {
            recipient_name: "Ana <Ops> & Co",
            public_url: &url,
        };
        let email = message
            .email(Recipient {
                email: "ana@example.com".into(),
                name: "Ana".into(),
            })
            .unwrap();
        assert!(
            email.text.contains("Hello \u{2068}Ana <Ops> & Co\u{2069},"),
            "{}",
            email.text
        );
        assert!(email.text.contains("https://coaching.example.com/"));
        assert!(
            email
                .html
                .contains("\u{2068}Ana &#60;Ops&#62; &#38; Co\u{2069}")
                || email
                    .html
                    .contains("\u{2068}Ana &lt;Ops&gt; &amp; Co\u{2069}"),
            "{}",
            email.html
        );
        assert!(
            email
                .html
                .contains(r#"href="https://coaching.example.com/""#),
            "{}",
            email.html
        );
    }
}
