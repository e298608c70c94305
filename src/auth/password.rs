//! Passwords: the rules for choosing one, and argon2id hashing.
//!
//! Hashing is deliberately slow and memory-hungry, so it runs on a few threads
//! of its own — half the machine's cores, at least one — and a burst of
//! sign-ins queues for them instead of starving the web server of CPU. Being
//! always the same threads also bounds memory: each hash takes 19 MiB, which
//! the allocator keeps for the thread that used it, so hashing on whichever
//! blocking thread was free once grew the process past 800 MiB under a storm
//! of sign-ins.

use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, LazyLock, Mutex};

use anyhow::anyhow;
use std::cell::RefCell;

use argon2::password_hash::{self, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

type Job = Box<dyn FnOnce() + Send>;

/// The queue of the hashing threads, started on first use.
static HASHERS: LazyLock<Sender<Job>> = LazyLock::new(|| {
    let threads = std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1));
    let (queue, jobs) = std::sync::mpsc::channel::<Job>();
    let jobs = Arc::new(Mutex::new(jobs));
    for n in 0..threads {
        let jobs = Arc::clone(&jobs);
        std::thread::Builder::new()
            .name(format!("password-hashing-{n}"))
            .spawn(move || hash_jobs(&jobs))
            .expect("cannot start a password hashing thread");
    }
    queue
});

fn hash_jobs(jobs: &Mutex<Receiver<Job>>) {
    loop {
        let next = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        let Ok(job) = next else { return };
        // A job that panics loses its answer (the caller sees an error), not
        // the thread.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

/// Runs `work` on a hashing thread and waits for it without blocking this one.
async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let (done, answer) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    HASHERS
        .send(job)
        .map_err(|_| anyhow!("the password hashing threads have stopped"))?;
    answer.await.map_err(|_| anyhow!("password hashing failed"))
}

/// OWASP's argon2id parameters: m = 19 MiB, t = 2, p = 1.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters")
}

/// A hash to verify against when the email is unknown, so that answer takes as
/// long as a wrong password for a real account.
static DECOY: LazyLock<String> = LazyLock::new(|| hash_blocking("decoy password, never matches"));

thread_local! {
    /// The argon2 working memory of this hashing thread, kept between hashes
    /// so that every hash does not ask the allocator for 19 MiB again.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs argon2 into `out` in this thread's kept memory.
fn compute(
    argon: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> password_hash::Result<()> {
    let blocks = argon.params().block_count();
    MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
    })?;
    Ok(())
}

fn hash_blocking(password: &str) -> String {
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .expect("a generated salt decodes");
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        compute(&argon, password.as_bytes(), raw_salt, out)
    })
    .expect("argon2 hashing does not fail on valid parameters");
    PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params()).expect("our parameters encode"),
        salt: Some(salt.as_salt()),
        hash: Some(output),
    }
    .to_string()
}

/// Checks `password` against a PHC string with the parameters it names (so a
/// hash made with other parameters still verifies).
fn verify_blocking(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params);
    // `Output` compares in constant time.
    Output::init_with(expected.len(), |out| {
        compute(&argon, password.as_bytes(), raw_salt, out)
    })
    .is_ok_and(|computed| computed == expected)
}

/// Hashes a new password.
pub async fn hash(password: String) -> anyhow::Result<String> {
    on_hashing_thread(move || hash_blocking(&password)).await
}

/// Checks `password` against `hash`; with no hash (unknown email, or no
/// password set yet) it does the same work and answers false.
pub async fn verify(password: String, hash: Option<String>) -> anyhow::Result<bool> {
    on_hashing_thread(move || match hash {
        Some(hash) => verify_blocking(&password, &hash),
        None => {
            verify_blocking(&password, &DECOY);
            false
        }
    })
    .await
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
    fn hashes_verify_both_ways_with_the_argon2_crates_own() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash_blocking("violet tractor inside the moon");
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking("violet tractor inside the moon", &ours));
        assert!(!verify_blocking("violet tractor inside the moon!", &ours));
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"violet tractor inside the moon", &parsed)
                .is_ok()
        );
        // Made by the crate with other parameters: still verifies here.
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let theirs = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 3, 1, None).unwrap(),
        )
        .hash_password(b"a different passphrase", &salt)
        .unwrap()
        .to_string();
        assert!(verify_blocking("a different passphrase", &theirs));
        assert!(!verify_blocking("a different passphrase.", &theirs));
        assert!(!verify_blocking("anything", "not a hash"));
    }

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
