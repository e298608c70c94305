//! Passwords: the rules for choosing one, and argon2id hashing.
//!
//! Hashing is deliberately slow and memory-hungry, so it runs on the blocking
//! thread pool, a few at a time: a burst of sign-ins queues instead of starving
//! the web server of threads or memory.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// At most this many hashes are computed at once (each takes 19 MiB).
static HASHING: Semaphore = Semaphore::const_new(4);

/// OWASP's argon2id parameters: m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash to verify against when the email is unknown, so that answer takes as
/// long as a wrong password for a real account.
static DECOY: LazyLock<String> = LazyLock::new(|| hash_blocking("decoy password, never matches"));

fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing does not fail on valid parameters")
        .to_string()
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes a new password.
pub async fn hash(password: String) -> anyhow::Result<String> {
    let _permit = HASHING.acquire().await?;
    Ok(tokio::task::spawn_blocking(move || hash_blocking(&password)).await?)
}

/// Checks `password` against `hash`; with no hash (unknown email, or no
/// password set yet) it does the same work and answers false.
pub async fn verify(password: String, hash: Option<String>) -> anyhow::Result<bool> {
    let _permit = HASHING.acquire().await?;
    Ok(tokio::task::spawn_blocking(move || match hash {
        Some(hash) => verify_blocking(&password, &hash),
        None => {
            verify_blocking(&password, &DECOY);
            false
        }
    })
    .await?)
}

/// Why a new password is refused, in words for the person choosing it.
pub fn problem_with(password: &str, user_inputs: &[&str]) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!(
            "Use at least {MIN_LENGTH} characters (this one has {length}). A few words in a row work well."
        ));
    }
    if length > MAX_LENGTH {
        return Some(format!("Use at most {MAX_LENGTH} characters."));
    }
    // Scores 0 and 1 mean the password is among the common, guessable ones
    // (dictionary words, keyboard runs, the person's own name or email).
    let estimate = zxcvbn::zxcvbn(password, user_inputs);
    if (estimate.score() as u8) < 2 {
        return Some(
            "That password is too common or too easy to guess. Try a few unrelated words together."
                .into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_long_and_common_passwords_are_refused_with_a_reason() {
        assert!(problem_with("short", &[]).unwrap().contains("at least 12"));
        assert!(
            problem_with(&"x".repeat(129), &[])
                .unwrap()
                .contains("at most 128")
        );
        assert!(
            problem_with("password1234", &[])
                .unwrap()
                .contains("too common")
        );
        assert!(
            problem_with("qwertyuiop12", &[])
                .unwrap()
                .contains("too common")
        );
        assert!(problem_with("dana.smith@example.com", &["dana.smith@example.com"]).is_some());
    }

    #[test]
    fn long_passphrases_of_any_characters_are_accepted_whole() {
        assert_eq!(problem_with("violet tractor inside the moon", &[]), None);
        assert_eq!(problem_with("Grüße aus Köln, 🌧️ und Wind!", &[]), None);
        // 128 characters exactly: no truncation, no refusal.
        let long: String = "correct horse battery staple "
            .repeat(5)
            .chars()
            .take(128)
            .collect();
        assert_eq!(problem_with(&long, &[]), None);
    }

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password_and_no_hash_verifies_nothing() {
        let hashed = hash("violet tractor inside the moon".into()).await.unwrap();
        assert!(
            hashed.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hashed}"
        );
        assert!(
            verify(
                "violet tractor inside the moon".into(),
                Some(hashed.clone())
            )
            .await
            .unwrap()
        );
        assert!(
            !verify("violet tractor inside the moo".into(), Some(hashed))
                .await
                .unwrap()
        );
        assert!(!verify("anything".into(), None).await.unwrap());
    }
}
