//! A browser its person has signed in on before: the device cookie of OWASP's
//! authentication guidance. After a successful sign-in the browser gets a
//! long-lived cookie naming that person and a random device id, signed with a
//! key derived from the server secret. Signing in as that person from that
//! browser is then counted under the device alone — so failures anyone else
//! causes, against the account or from a shared address, do not slow its
//! owner down, while guesses made from the device still do. The cookie also
//! names the person's session epoch, so a password change or reset — which
//! ends every login session — makes every browser prove itself again.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use tower_sessions::cookie::{Cookie, SameSite};
use uuid::Uuid;

use crate::config::SecretKey;

type HmacSha256 = Hmac<Sha256>;

const PURPOSE: &[u8] = b"triad device cookie v1";
/// How long a browser stays known without signing in again.
const LIFETIME_DAYS: i64 = 180;

/// The key that signs device cookies.
#[derive(Clone)]
pub struct DeviceKey([u8; 32]);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKey(…)")
    }
}

impl DeviceKey {
    pub fn new(secret: &SecretKey) -> DeviceKey {
        let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
        mac.update(PURPOSE);
        DeviceKey(mac.finalize().into_bytes().into())
    }

    fn mac(&self, user: &str, epoch: i32, device: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key");
        for part in [user, &epoch.to_string(), device] {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        mac
    }

    /// A cookie value for `user` in session epoch `epoch` on the device
    /// `device`: `USER.DEVICE.MAC`, all lower-case hex.
    fn value(&self, user: Uuid, epoch: i32, device: &str) -> String {
        let user = user.simple().to_string();
        let tag = hex::encode(self.mac(&user, epoch, device).finalize().into_bytes());
        format!("{user}.{device}.{tag}")
    }

    /// The device id in `value`, if this server signed it for `user` in
    /// their current epoch.
    fn device_in(&self, value: &str, user: Uuid, epoch: i32) -> Option<String> {
        let mut parts = value.split('.');
        let (Some(sent_user), Some(device), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let user = user.simple().to_string();
        let lower_hex = |s: &str| s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if sent_user != user || device.len() != 32 || tag.len() != 64 {
            return None;
        }
        if !lower_hex(device) || !lower_hex(tag) {
            return None;
        }
        let tag = hex::decode(tag).ok()?;
        self.mac(&user, epoch, device).verify_slice(&tag).ok()?;
        Some(device.to_owned())
    }
}

fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-triad_device"
    } else {
        "triad_device"
    }
}

/// The device id this browser holds for `user`, if it has signed in as them
/// here since their password last changed.
pub fn recognised(
    headers: &HeaderMap,
    key: &DeviceKey,
    https: bool,
    user: Uuid,
    epoch: i32,
) -> Option<String> {
    let name = cookie_name(https);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| Cookie::split_parse(value.to_owned()))
        .filter_map(Result::ok)
        .filter(|cookie| cookie.name() == name)
        .find_map(|cookie| key.device_in(cookie.value(), user, epoch))
}

/// Marks this browser as one `user` signs in on: keeps its device id if it
/// had one for them, else gives it a new one.
pub fn remember(
    response: &mut Response,
    key: &DeviceKey,
    https: bool,
    (user, epoch): (Uuid, i32),
    device: Option<String>,
) {
    let device = device.unwrap_or_else(|| {
        let mut raw = [0u8; 16];
        rand::rng().fill_bytes(&mut raw);
        hex::encode(raw)
    });
    let mut cookie = Cookie::new(cookie_name(https), key.value(user, epoch, &device));
    cookie.set_path("/");
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(https);
    cookie.set_max_age(tower_sessions::cookie::time::Duration::days(LIFETIME_DAYS));
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> DeviceKey {
        DeviceKey::new(&SecretKey::from_configured(&String::from(byte as char).repeat(40)).unwrap())
    }

    #[test]
    fn a_device_cookie_counts_only_for_its_person_and_this_server() {
        let key_a = key(b'a');
        let user = Uuid::new_v4();
        let other = Uuid::new_v4();
        let value = key_a.value(user, 3, "0123456789abcdef0123456789abcdef");
        assert_eq!(
            key_a.device_in(&value, user, 3).as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(key_a.device_in(&value, other, 3), None);
        assert_eq!(key_a.device_in(&value, user, 4), None, "a new password");
        assert_eq!(key(b'b').device_in(&value, user, 3), None);
        assert_eq!(key_a.device_in(&value.to_uppercase(), user, 3), None);
        let forged = value.replace("0123456789abcdef0123456789abcdef", "f".repeat(32).as_str());
        assert_eq!(key_a.device_in(&forged, user, 3), None);
    }
}
