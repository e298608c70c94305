//! The manager's guest link, and the short guest session it is exchanged for.
//!
//! A link token names its invite (organisation and invite ids), carries a
//! secret, and ends in an HMAC over all three made with a key derived from the
//! server's secret key. So a forged or altered token is refused before any
//! query.
//!
//! The secret is derived from the server key and a random nonce kept with the
//! invite; the database keeps the nonce and the secret's SHA-256, never the
//! secret. A database leak therefore gives no working link (no key to derive
//! secrets or sign tokens), and neither does a key leak alone (no nonces). The
//! derivation is what lets Triad send the manager the same link again when the
//! meeting changes. During a key rotation, tokens signed with the previous key
//! are still accepted and can still be sent again.
//!
//! The guest session cookie is the same idea, with its own derived key and an
//! expiry: organisation, invite, secret, expiry and a MAC over all four.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::config::SecretKey;

type HmacSha256 = Hmac<Sha256>;

const LINK_PURPOSE: &[u8] = b"triad guest link v1";
const SESSION_PURPOSE: &[u8] = b"triad guest session v1";
const SECRET_PURPOSE: &[u8] = b"triad guest secret v1";

/// The keys guest links and guest sessions are signed with.
#[derive(Clone)]
pub struct GuestKeys {
    current: Keys,
    previous: Option<Keys>,
}

#[derive(Clone)]
struct Keys {
    link: [u8; 32],
    session: [u8; 32],
    secret: [u8; 32],
}

impl std::fmt::Debug for GuestKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GuestKeys(…)")
    }
}

fn derive(secret: &SecretKey, purpose: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

impl Keys {
    fn from(secret: &SecretKey) -> Keys {
        Keys {
            link: derive(secret, LINK_PURPOSE),
            session: derive(secret, SESSION_PURPOSE),
            secret: derive(secret, SECRET_PURPOSE),
        }
    }
}

fn mac(key: &[u8; 32], parts: &[&str]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key");
    for part in parts {
        mac.update(part.as_bytes());
        mac.update(b"|");
    }
    mac
}

fn tag(key: &[u8; 32], parts: &[&str]) -> String {
    hex::encode(mac(key, parts).finalize().into_bytes())
}

/// Lower-case hex of exactly `len` characters: a link or cookie has one
/// spelling only, so a re-cased copy of a signed value is a different value
/// and is refused before any key or query is consulted.
fn is_lower_hex(value: &str, len: usize) -> bool {
    value.len() == len
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn verifies(key: &[u8; 32], parts: &[&str], tag: &str) -> bool {
    if !is_lower_hex(tag, 64) {
        return false;
    }
    let Ok(tag) = hex::decode(tag) else {
        return false;
    };
    mac(key, parts).verify_slice(&tag).is_ok()
}

/// What a verified link or guest session names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuestClaim {
    pub org: Uuid,
    pub invite: Uuid,
    /// Hex; compare its hash with the stored one.
    pub secret: String,
}

impl GuestClaim {
    /// What the database keeps of the secret.
    pub fn secret_hash(&self) -> Vec<u8> {
        hash_secret(&self.secret)
    }
}

/// The SHA-256 of a link secret.
pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// A new invite's link: what to store, and the token to send.
#[derive(Clone, Debug)]
pub struct Issued {
    pub nonce: Vec<u8>,
    pub secret_hash: Vec<u8>,
    pub token: String,
}

fn secret_of(keys: &Keys, invite: Uuid, nonce: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(&keys.secret).expect("HMAC takes any key");
    mac.update(invite.as_bytes());
    mac.update(nonce);
    hex::encode(&mac.finalize().into_bytes()[..16])
}

fn uuid_part(value: &str) -> Option<Uuid> {
    if !is_lower_hex(value, 32) {
        return None;
    }
    Uuid::try_parse(value).ok()
}

/// How an invite is written in a guest URL or cookie name: lower-case hex,
/// one spelling only, like every part of a link.
pub fn invite_key(invite: Uuid) -> String {
    invite.simple().to_string()
}

/// The invite a guest URL names, if it is written as [`invite_key`] writes it.
pub fn invite_of_key(key: &str) -> Option<Uuid> {
    uuid_part(key)
}

fn secret_part(value: &str) -> Option<&str> {
    is_lower_hex(value, 32).then_some(value)
}

/// `org.invite.secret.mac`, all hex.
fn token(keys: &Keys, org: Uuid, invite: Uuid, secret: &str) -> String {
    let org = org.simple().to_string();
    let invite = invite.simple().to_string();
    let tag = tag(&keys.link, &[&org, &invite, secret]);
    format!("{org}.{invite}.{secret}.{tag}")
}

impl GuestKeys {
    pub fn new(current: &SecretKey, previous: Option<&SecretKey>) -> GuestKeys {
        GuestKeys {
            current: Keys::from(current),
            previous: previous.map(Keys::from),
        }
    }

    fn each(&self) -> impl Iterator<Item = &Keys> {
        std::iter::once(&self.current).chain(self.previous.as_ref())
    }

    /// A link for a new invite, with a fresh nonce.
    pub fn issue(&self, org: Uuid, invite: Uuid) -> Issued {
        let mut nonce = vec![0u8; 16];
        rand::rng().fill_bytes(&mut nonce);
        let secret = secret_of(&self.current, invite, &nonce);
        Issued {
            secret_hash: hash_secret(&secret),
            token: token(&self.current, org, invite, &secret),
            nonce,
        }
    }

    /// The same link again, from what the invite stored; None when it was
    /// made with a key Triad no longer has.
    pub fn reissue(
        &self,
        org: Uuid,
        invite: Uuid,
        nonce: &[u8],
        secret_hash: &[u8],
    ) -> Option<String> {
        self.each().find_map(|keys| {
            let secret = secret_of(keys, invite, nonce);
            (hash_secret(&secret) == secret_hash).then(|| token(keys, org, invite, &secret))
        })
    }

    /// The claim of a link token, if it is well formed and signed by our
    /// current or previous key. No database is involved.
    pub fn verify_link(&self, token: &str) -> Option<GuestClaim> {
        if token.len() > 200 {
            return None;
        }
        let mut parts = token.split('.');
        let (Some(org), Some(invite), Some(secret), Some(tag), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let org_id = uuid_part(org)?;
        let invite_id = uuid_part(invite)?;
        let secret = secret_part(secret)?;
        self.each()
            .any(|keys| verifies(&keys.link, &[org, invite, secret], tag))
            .then(|| GuestClaim {
                org: org_id,
                invite: invite_id,
                secret: secret.to_owned(),
            })
    }

    /// The guest session cookie's value for a verified claim, good until `until`.
    pub fn session_value(&self, claim: &GuestClaim, until: DateTime<Utc>) -> String {
        let org = claim.org.simple().to_string();
        let invite = claim.invite.simple().to_string();
        let until = until.timestamp().to_string();
        let tag = tag(
            &self.current.session,
            &[&org, &invite, &claim.secret, &until],
        );
        format!("{org}.{invite}.{}.{until}.{tag}", claim.secret)
    }

    /// The claim of a guest session cookie, if it is ours and not past its
    /// expiry at `now`.
    pub fn verify_session(&self, value: &str, now: DateTime<Utc>) -> Option<GuestClaim> {
        if value.len() > 240 {
            return None;
        }
        let parts: Vec<&str> = value.split('.').collect();
        let [org, invite, secret, until, tag] = parts[..] else {
            return None;
        };
        let org_id = uuid_part(org)?;
        let invite_id = uuid_part(invite)?;
        let secret = secret_part(secret)?;
        // Seconds since the epoch, written as `session_value` writes them.
        if until.is_empty() || until.starts_with('0') || !until.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let expires = until.parse::<i64>().ok()?;
        if expires <= now.timestamp() {
            return None;
        }
        self.each()
            .any(|keys| verifies(&keys.session, &[org, invite, secret, until], tag))
            .then(|| GuestClaim {
                org: org_id,
                invite: invite_id,
                secret: secret.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: char) -> SecretKey {
        SecretKey::from_configured(&byte.to_string().repeat(40)).unwrap()
    }

    fn keys() -> GuestKeys {
        GuestKeys::new(&key('a'), None)
    }

    #[test]
    fn a_token_verifies_and_names_its_invite() {
        let (org, invite) = (Uuid::now_v7(), Uuid::now_v7());
        let issued = keys().issue(org, invite);
        let claim = keys().verify_link(&issued.token).unwrap();
        assert_eq!(claim.org, org);
        assert_eq!(claim.invite, invite);
        assert_eq!(claim.secret_hash(), issued.secret_hash);
        assert!(
            issued
                .token
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b'.')
        );
        // The same link can be sent again; another nonce gives another link.
        assert_eq!(
            keys().reissue(org, invite, &issued.nonce, &issued.secret_hash),
            Some(issued.token.clone())
        );
        assert!(
            keys()
                .reissue(org, invite, &[0u8; 16], &issued.secret_hash)
                .is_none()
        );
        // A database leak (nonce and hash) without the key makes no link.
        let other = GuestKeys::new(&key('z'), None);
        assert!(
            other
                .reissue(org, invite, &issued.nonce, &issued.secret_hash)
                .is_none()
        );
    }

    #[test]
    fn every_single_character_change_and_every_truncation_is_refused() {
        let token = keys().issue(Uuid::now_v7(), Uuid::now_v7()).token;
        for (i, c) in token.char_indices() {
            for replacement in ['0', 'f', '.', 'x'] {
                if replacement == c {
                    continue;
                }
                let mut forged = token.clone();
                forged.replace_range(i..i + 1, &replacement.to_string());
                assert!(keys().verify_link(&forged).is_none(), "{forged}");
            }
        }
        for end in 0..token.len() {
            assert!(keys().verify_link(&token[..end]).is_none());
        }
        assert!(keys().verify_link(&format!("{token}0")).is_none());
    }

    #[test]
    fn a_link_or_session_has_one_spelling_and_a_re_cased_one_is_refused() {
        let claim = keys().verify_link(&keys().issue(Uuid::now_v7(), Uuid::now_v7()).token);
        let claim = claim.unwrap();
        let token = keys().issue(claim.org, claim.invite).token;
        let session = keys().session_value(&claim, Utc::now() + chrono::Duration::hours(1));
        for value in [&token, &session] {
            let parts: Vec<&str> = value.split('.').collect();
            for (i, part) in parts.iter().enumerate() {
                if !part.bytes().any(|b| b.is_ascii_lowercase()) {
                    continue;
                }
                let mut recased = parts.clone();
                let upper = part.to_ascii_uppercase();
                recased[i] = &upper;
                let recased = recased.join(".");
                assert!(keys().verify_link(&recased).is_none(), "{recased}");
                assert!(
                    keys().verify_session(&recased, Utc::now()).is_none(),
                    "{recased}"
                );
            }
        }
    }

    #[test]
    fn an_invite_key_has_one_spelling() {
        let invite = Uuid::now_v7();
        let key = invite_key(invite);
        assert_eq!(invite_of_key(&key), Some(invite));
        assert_eq!(invite_of_key(&key.to_ascii_uppercase()), None);
        assert_eq!(invite_of_key(&invite.to_string()), None);
        assert_eq!(invite_of_key("meeting.ics"), None);
    }

    #[test]
    fn another_invite_id_with_the_same_signature_is_refused() {
        let org = Uuid::now_v7();
        let token = keys().issue(org, Uuid::now_v7()).token;
        let secret = token.split('.').nth(2).unwrap();
        let tag = token.rsplit('.').next().unwrap();
        let other = format!(
            "{}.{}.{secret}.{tag}",
            org.simple(),
            Uuid::now_v7().simple()
        );
        assert!(keys().verify_link(&other).is_none());
    }

    #[test]
    fn the_previous_key_is_accepted_during_rotation_and_not_after() {
        let old = GuestKeys::new(&key('a'), None);
        let (org, invite) = (Uuid::now_v7(), Uuid::now_v7());
        let issued = old.issue(org, invite);
        let token = issued.token.clone();
        let rotating = GuestKeys::new(&key('b'), Some(&key('a')));
        assert!(rotating.verify_link(&token).is_some());
        assert_eq!(
            rotating.reissue(org, invite, &issued.nonce, &issued.secret_hash),
            Some(token.clone())
        );
        let rotated = GuestKeys::new(&key('b'), None);
        assert!(rotated.verify_link(&token).is_none());
        // New tokens are signed with the new key.
        let fresh = rotating.issue(Uuid::now_v7(), Uuid::now_v7()).token;
        assert!(rotated.verify_link(&fresh).is_some());
    }

    #[test]
    fn guest_sessions_expire_and_cannot_be_altered_or_taken_for_links() {
        let claim = GuestClaim {
            org: Uuid::now_v7(),
            invite: Uuid::now_v7(),
            secret: "0123456789abcdef0123456789abcdef".into(),
        };
        let now = Utc::now();
        let value = keys().session_value(&claim, now + chrono::Duration::hours(2));
        assert_eq!(keys().verify_session(&value, now), Some(claim.clone()));
        assert!(
            keys()
                .verify_session(&value, now + chrono::Duration::hours(3))
                .is_none()
        );
        // A later expiry written in by hand breaks the MAC.
        let later = (now + chrono::Duration::days(30)).timestamp().to_string();
        let parts: Vec<&str> = value.split('.').collect();
        let stretched = format!(
            "{}.{}.{}.{later}.{}",
            parts[0], parts[1], parts[2], parts[4]
        );
        assert!(keys().verify_session(&stretched, now).is_none());
        // The two kinds of token are signed with different keys.
        let link = keys().issue(claim.org, claim.invite).token;
        assert!(keys().verify_session(&link, now).is_none());
        assert!(keys().verify_link(&value).is_none());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(crate::testing::cases(300))]

            #[test]
            fn issued_links_verify_and_any_change_to_one_does_not(
                org in any::<u128>(),
                invite in any::<u128>(),
                position in any::<prop::sample::Index>(),
                replacement in any::<char>(),
            ) {
                let (org, invite) = (Uuid::from_u128(org), Uuid::from_u128(invite));
                let token = keys().issue(org, invite).token;
                let claim = keys().verify_link(&token).unwrap();
                prop_assert_eq!((claim.org, claim.invite), (org, invite));
                let mut chars: Vec<char> = token.chars().collect();
                let at = position.index(chars.len());
                prop_assume!(chars[at] != replacement);
                chars[at] = replacement;
                let changed: String = chars.into_iter().collect();
                prop_assert!(keys().verify_link(&changed).is_none());
            }

            #[test]
            fn arbitrary_text_is_never_a_link_or_a_session_and_never_panics(text in "\\PC{0,400}") {
                prop_assert!(keys().verify_link(&text).is_none());
                prop_assert!(keys().verify_session(&text, Utc::now()).is_none());
            }
        }
    }
}
