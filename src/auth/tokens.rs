//! Random one-time tokens for account links. The token travels in one email;
//! only its SHA-256 is stored, so a database leak opens no account.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh token, URL-safe: 32 random bytes as hex.
pub fn generate() -> String {
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    hex::encode(raw)
}

/// What is stored and looked up.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

/// Whether `token` could be one of ours, checked before any query.
pub fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}
