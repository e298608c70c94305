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
use rand::RngCore;
use tower_sessions::cookie::{Cookie, SameSite};
use uuid::Uuid;

pub use crate::auth::device::DeviceKey;

/// How long a browser stays known without signing in again.
const LIFETIME_DAYS: i64 = 180;

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
