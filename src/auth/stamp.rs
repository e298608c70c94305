//! The stamp every form carries: who it was rendered for, and in which
//! organisation.
//!
//! A form's `_csrf` value is the login session's random token followed by a
//! stamp, `TOKEN.USER.ORG.MAC`: the person signed in when the page was drawn,
//! their active organisation then (`-` when none was chosen), and an HMAC over
//! all three made with a key derived from the server secret. The token alone
//! protects against forgery, as before; the stamp lets Triad refuse a form
//! rendered in one organisation and sent after the person switched to another,
//! and — once the session has ended — tell whose typing a form holds, so that
//! it is offered back to that person only.
//!
//! The stamp is worked out when the session's person or organisation changes
//! (signing in, choosing an organisation) and kept in the session, so drawing
//! a page needs no key.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::config::SecretKey;

type HmacSha256 = Hmac<Sha256>;

const PURPOSE: &[u8] = b"triad form stamp v1";

/// The key that signs form stamps.
#[derive(Clone)]
pub struct StampKey([u8; 32]);

impl std::fmt::Debug for StampKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StampKey(…)")
    }
}

impl StampKey {
    /// Derived from the server secret, for this purpose only.
    pub fn new(secret: &SecretKey) -> StampKey {
        let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
        mac.update(PURPOSE);
        StampKey(mac.finalize().into_bytes().into())
    }

    fn mac(&self, token: &str, user: &str, org: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key");
        for part in [token, user, org] {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        mac
    }

    /// The stamp for the session token `token`: `USER.ORG.MAC`.
    pub fn stamp(&self, token: &str, user: Uuid, org: Option<Uuid>) -> String {
        let user = user.simple().to_string();
        let org = org.map_or_else(|| "-".to_owned(), |org| org.simple().to_string());
        let mac = hex::encode(self.mac(token, &user, &org).finalize().into_bytes());
        format!("{user}.{org}.{mac}")
    }

    /// Whether a sent stamp is one this server made.
    pub fn verify(&self, sent: &Sent) -> bool {
        // One spelling only, as for guest links: lower-case hex.
        if sent.mac.len() != 64
            || !sent
                .mac
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return false;
        }
        let Ok(tag) = hex::decode(&sent.mac) else {
            return false;
        };
        let user = sent
            .user
            .map_or_else(|| "-".to_owned(), |u| u.simple().to_string());
        let org = sent
            .org
            .map_or_else(|| "-".to_owned(), |o| o.simple().to_string());
        self.mac(&sent.token, &user, &org)
            .verify_slice(&tag)
            .is_ok()
    }
}

/// A form's `_csrf` value taken apart, not yet checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub token: String,
    pub user: Option<Uuid>,
    pub org: Option<Uuid>,
    mac: String,
}

impl Sent {
    /// Parts of `value`; a bare token (a visitor's form) has no person.
    pub fn parse(value: &str) -> Sent {
        let mut parts = value.split('.');
        let token = parts.next().unwrap_or_default().to_owned();
        let user = parts.next().and_then(|u| Uuid::try_parse(u).ok());
        let org = parts.next().and_then(|o| Uuid::try_parse(o).ok());
        let mac = parts.next().unwrap_or_default().to_owned();
        Sent {
            token,
            user,
            org,
            mac,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: char) -> StampKey {
        StampKey::new(&SecretKey::from_configured(&byte.to_string().repeat(40)).unwrap())
    }

    #[test]
    fn a_stamp_names_its_person_and_organisation_and_cannot_be_altered() {
        let (user, org, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let stamp = key('a').stamp("cafe", user, Some(org));
        let sent = Sent::parse(&format!("cafe.{stamp}"));
        assert_eq!((sent.user, sent.org), (Some(user), Some(org)));
        assert!(key('a').verify(&sent));
        assert!(!key('b').verify(&sent), "another server's key");
        let moved =
            format!("cafe.{stamp}").replace(&org.simple().to_string(), &other.simple().to_string());
        assert!(
            !key('a').verify(&Sent::parse(&moved)),
            "another organisation"
        );
        let none = Sent::parse(&format!("cafe.{}", key('a').stamp("cafe", user, None)));
        assert_eq!(none.org, None);
        assert!(key('a').verify(&none));
        assert!(!key('a').verify(&Sent::parse("cafe")), "a bare token");
    }
}
