//! The key behind the device cookie of a browser its person has signed in on
//! before (see `web::sign_in::device` for the cookie and how it is counted):
//! a value names the person, their session epoch and a random device id, and
//! is signed with a key derived from the server secret.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::config::SecretKey;

type HmacSha256 = Hmac<Sha256>;

const PURPOSE: &[u8] = b"triad device cookie v1";

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
    pub fn value(&self, user: Uuid, epoch: i32, device: &str) -> String {
        let user = user.simple().to_string();
        let tag = hex::encode(self.mac(&user, epoch, device).finalize().into_bytes());
        format!("{user}.{device}.{tag}")
    }

    /// The device id in `value`, if this server signed it for `user` in
    /// their current epoch.
    pub fn device_in(&self, value: &str, user: Uuid, epoch: i32) -> Option<String> {
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
