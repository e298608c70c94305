//! Configuration from the environment.
//!
//! Every setting has a default that suits a newcomer's laptop. A value that is set
//! but wrong stops start-up with one line naming the variable and what is wrong, so
//! nobody runs a server that silently ignored them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::RngCore;
use url::Url;

mod mailbox;
mod proxies;
mod retry;
pub use proxies::TrustedProxies;
pub use retry::RetryPolicy;

/// Where the database is.
#[derive(Clone, Debug)]
pub enum Database {
    /// `DATABASE_URL` was set: use that server.
    External(Url),
    /// No `DATABASE_URL`: run a private cluster under `$TRIAD_DATA_DIR/postgres`.
    Embedded,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    pub database: Database,
    /// `None` means the local mailbox under `$TRIAD_DATA_DIR/mail` (shown at
    /// `/dev/mailbox` only when [`Config::serves_local_mailbox`]).
    pub smtp_url: Option<Url>,
    /// The base of every absolute link Triad writes (emails, calendar files).
    pub public_url: Url,
    /// True when `public_url` was derived from `TRIAD_BIND`, so it follows the
    /// address actually bound (port 0 picks one at start).
    pub public_url_from_bind: bool,
    pub data_dir: PathBuf,
    /// The sender of every email.
    pub mail_from: lettre::message::Mailbox,
    secret_key: Option<SecretKey>,
    /// The key guest links were signed with before the last rotation; links
    /// signed with it keep working while it is set.
    pub previous_secret_key: Option<SecretKey>,
    /// How long in-flight requests get to finish after a shutdown signal.
    pub shutdown_grace: Duration,
    /// A login session ends after this long without a request…
    pub session_idle: Duration,
    /// …and after this long in any case.
    pub session_max_age: Duration,
    /// The password of the demo accounts (`TRIAD_DEMO_PASSWORD`); generated if unset.
    pub demo_password: Option<String>,
    /// Whether `triad serve` runs the mail delivery worker (`TRIAD_MAIL_WORKER`);
    /// off for web processes when `triad worker` runs apart.
    pub run_mail_worker: bool,
    /// How often an idle mail worker looks for due messages.
    pub mail_poll_interval: Duration,
    /// How long an SMTP server may take to answer before a send is given up
    /// (and retried later).
    pub smtp_timeout: Duration,
    /// When failed deliveries are tried again.
    pub mail_retry: RetryPolicy,
    /// The reverse proxies whose `X-Forwarded-For` / `Forwarded` is believed
    /// (`TRIAD_TRUSTED_PROXIES`); empty: none is.
    pub trusted_proxies: TrustedProxies,
}

/// A configuration value that is set but unusable.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn bad(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the real environment.
    /// Empty values count as unset, as they do in most `.env` tooling.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());

        let bind = match get("TRIAD_BIND") {
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            Some(value) => value.trim().parse().map_err(|_| {
                bad(
                    "TRIAD_BIND",
                    format!("{value:?} is not an address and port like 127.0.0.1:3000"),
                )
            })?,
        };

        let database = match get("DATABASE_URL") {
            None => Database::Embedded,
            Some(value) => {
                let url = Url::parse(value.trim()).map_err(|err| {
                    bad(
                        "DATABASE_URL",
                        format!(
                            "not a URL ({err}); expected postgres://user:password@host/database"
                        ),
                    )
                })?;
                if !matches!(url.scheme(), "postgres" | "postgresql") {
                    return Err(bad(
                        "DATABASE_URL",
                        format!(
                            "scheme {:?} is not postgres:// or postgresql://",
                            url.scheme()
                        ),
                    ));
                }
                Database::External(url)
            }
        };

        let smtp_url = match get("SMTP_URL") {
            None => None,
            Some(value) => {
                let url = Url::parse(value.trim()).map_err(|err| {
                    bad(
                        "SMTP_URL",
                        format!("not a URL ({err}); expected smtp://user:password@host:port"),
                    )
                })?;
                if !matches!(url.scheme(), "smtp" | "smtps" | "smtp+starttls") {
                    return Err(bad(
                        "SMTP_URL",
                        format!(
                            "scheme {:?} is not smtp://, smtps:// or smtp+starttls://",
                            url.scheme()
                        ),
                    ));
                }
                if url.host_str().is_none_or(str::is_empty) {
                    return Err(bad("SMTP_URL", "names no host"));
                }
                Some(url)
            }
        };

        let public_url_from_bind = get("TRIAD_PUBLIC_URL").is_none();
        let public_url = match get("TRIAD_PUBLIC_URL") {
            None => default_public_url(bind),
            Some(value) => {
                let url = Url::parse(value.trim()).map_err(|err| {
                    bad(
                        "TRIAD_PUBLIC_URL",
                        format!("not a URL ({err}); expected https://triad.example.com"),
                    )
                })?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    return Err(bad(
                        "TRIAD_PUBLIC_URL",
                        "must be an http:// or https:// address with a host",
                    ));
                }
                if url.query().is_some() || url.fragment().is_some() {
                    return Err(bad(
                        "TRIAD_PUBLIC_URL",
                        "must not carry a query or a fragment",
                    ));
                }
                url
            }
        };

        let data_dir = PathBuf::from(get("TRIAD_DATA_DIR").unwrap_or_else(|| "./data".into()));

        let mail_from = match get("TRIAD_MAIL_FROM") {
            None => format!("Triad <no-reply@{}>", mail_domain_of(&public_url))
                .parse()
                .map_err(|_| {
                    bad(
                        "TRIAD_PUBLIC_URL",
                        "its host cannot make a sender address; set TRIAD_MAIL_FROM",
                    )
                })?,
            Some(value) => value.trim().parse().map_err(|_| {
                bad(
                    "TRIAD_MAIL_FROM",
                    format!("{value:?} is not an address like: Triad <triad@example.com>"),
                )
            })?,
        };

        let secret_key = match lookup("TRIAD_SECRET_KEY") {
            None => None,
            Some(value) => Some(
                SecretKey::from_configured(&value)
                    .map_err(|problem| bad("TRIAD_SECRET_KEY", problem))?,
            ),
        };

        let previous_secret_key = match lookup("TRIAD_PREVIOUS_SECRET_KEY") {
            None => None,
            Some(value) if value.trim().is_empty() => None,
            Some(value) => Some(
                SecretKey::from_configured(&value)
                    .map_err(|problem| bad("TRIAD_PREVIOUS_SECRET_KEY", problem))?,
            ),
        };

        let minutes =
            |variable: &'static str, default: u64, range: std::ops::RangeInclusive<u64>| match get(
                variable,
            ) {
                None => Ok(default),
                Some(value) => match value.trim().parse::<u64>() {
                    Ok(n) if range.contains(&n) => Ok(n),
                    _ => Err(bad(
                        variable,
                        format!(
                            "{value:?} is not a whole number from {} to {}",
                            range.start(),
                            range.end()
                        ),
                    )),
                },
            };
        let session_idle =
            Duration::from_secs(60 * minutes("TRIAD_SESSION_IDLE_MINUTES", 30, 1..=1440)?);
        let session_max_age =
            Duration::from_secs(3600 * minutes("TRIAD_SESSION_MAX_HOURS", 12, 1..=720)?);

        let smtp_timeout = Duration::from_secs(minutes("TRIAD_SMTP_TIMEOUT_SECONDS", 30, 1..=300)?);

        let run_mail_worker = match get("TRIAD_MAIL_WORKER").map(|v| v.trim().to_lowercase()) {
            None => true,
            Some(v) if v == "on" => true,
            Some(v) if v == "off" => false,
            Some(v) => {
                return Err(bad(
                    "TRIAD_MAIL_WORKER",
                    format!("{v:?} is neither on nor off"),
                ));
            }
        };

        let trusted_proxies = match get("TRIAD_TRUSTED_PROXIES") {
            None => TrustedProxies::default(),
            Some(value) => TrustedProxies::parse(&value)
                .map_err(|problem| bad("TRIAD_TRUSTED_PROXIES", problem))?,
        };

        Ok(Config {
            bind,
            database,
            smtp_url,
            public_url,
            public_url_from_bind,
            data_dir,
            mail_from,
            secret_key,
            previous_secret_key,
            shutdown_grace: Duration::from_secs(20),
            session_idle,
            session_max_age,
            demo_password: get("TRIAD_DEMO_PASSWORD"),
            run_mail_worker,
            mail_poll_interval: Duration::from_secs(1),
            smtp_timeout,
            mail_retry: RetryPolicy::default(),
            trusted_proxies,
        })
    }

    /// The configured secret key, or the one kept in the data directory (created
    /// on first use with mode 0600).
    pub fn secret_key(&self) -> anyhow::Result<SecretKey> {
        match &self.secret_key {
            Some(key) => Ok(key.clone()),
            None => SecretKey::load_or_create(&self.data_dir.join("secret_key")),
        }
    }

    /// The domain of the sender address: the right-hand side of Message-IDs.
    pub fn mail_domain(&self) -> &str {
        self.mail_from.email.domain()
    }

    /// Where the local mailbox keeps messages when there is no SMTP server.
    pub fn mailbox_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    /// Whether cookies must be `Secure` (and may take the `__Host-` prefix).
    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

/// A domain for the default sender: the public host when it is a name, else
/// `localhost` (an IP address cannot stand after the `@` unbracketed).
fn mail_domain_of(public_url: &Url) -> String {
    match public_url.host() {
        Some(url::Host::Domain(domain)) => domain.to_string(),
        _ => "localhost".to_string(),
    }
}

/// `http://` and the address Triad listens on.
pub fn default_public_url(bind: SocketAddr) -> Url {
    // A wildcard bind is reachable on loopback; links with 0.0.0.0 work nowhere.
    let host = if bind.ip().is_unspecified() {
        "localhost".to_string()
    } else if bind.is_ipv6() {
        format!("[{}]", bind.ip())
    } else {
        bind.ip().to_string()
    };
    Url::parse(&format!("http://{host}:{}/", bind.port())).expect("a socket address makes a URL")
}

/// The server key behind signed guest links and other tokens.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    const MIN_BYTES: usize = 32;

    pub(crate) fn from_configured(value: &str) -> Result<Self, String> {
        let bytes = value.trim().as_bytes();
        if bytes.len() < Self::MIN_BYTES {
            return Err(format!(
                "is {} bytes long; it must be at least {} (for example: openssl rand -hex 32)",
                bytes.len(),
                Self::MIN_BYTES
            ));
        }
        Ok(SecretKey(bytes.to_vec()))
    }

    fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        use anyhow::Context;
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;

        match std::fs::read_to_string(path) {
            Ok(text) => {
                return Self::from_configured(&text).map_err(|problem| {
                    anyhow::anyhow!("the secret key in {} {problem}", path.display())
                });
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(err).with_context(|| format!("cannot read {}", path.display()));
            }
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let mut raw = [0u8; 32];
        rand::rng().fill_bytes(&mut raw);
        let text = hex::encode(raw);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        tracing::info!(path = %path.display(), "generated a new secret key");
        Ok(SecretKey(text.into_bytes()))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn empty_environment_gives_the_embedded_defaults() {
        let config = config(&[]).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
        assert!(matches!(config.database, Database::Embedded));
        assert!(config.smtp_url.is_none());
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:3000/");
        assert_eq!(config.data_dir, PathBuf::from("./data"));
        assert_eq!(config.mail_from.to_string(), "Triad <no-reply@localhost>");
        assert!(!config.is_https());
    }

    #[test]
    fn wildcard_bind_gives_a_public_url_on_localhost() {
        let config = config(&[("TRIAD_BIND", "0.0.0.0:8080")]).unwrap();
        assert_eq!(config.public_url.as_str(), "http://localhost:8080/");
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        let cases = [
            ("TRIAD_BIND", "localhost"),
            ("DATABASE_URL", "mysql://x@y/z"),
            ("DATABASE_URL", "not a url"),
            ("SMTP_URL", "http://mail.example.com"),
            ("TRIAD_PUBLIC_URL", "ftp://example.com"),
            ("TRIAD_SECRET_KEY", "too-short"),
            ("TRIAD_MAIL_FROM", "Triad\r\nBcc: all@example.com"),
            ("SMTP_URL", "smtp://"),
            ("TRIAD_SESSION_IDLE_MINUTES", "0"),
            ("TRIAD_SESSION_MAX_HOURS", "twelve"),
            ("TRIAD_MAIL_WORKER", "sometimes"),
            ("TRIAD_TRUSTED_PROXIES", "10.0.0.1, proxy.internal"),
        ];
        for (variable, value) in cases {
            let err = config(&[(variable, value)]).unwrap_err();
            assert_eq!(err.variable, variable, "{value}");
            let line = err.to_string();
            assert!(line.starts_with(&format!("{variable}: ")), "{line}");
            assert!(!line.contains('\n'), "{line}");
        }
    }

    #[test]
    fn https_public_url_asks_for_secure_cookies_and_names_the_sender() {
        let config = config(&[("TRIAD_PUBLIC_URL", "https://coaching.example.com")]).unwrap();
        assert!(config.is_https());
        assert_eq!(config.mail_domain(), "coaching.example.com");
    }

    #[test]
    fn generated_secret_key_is_kept_private_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let config = config(&[("TRIAD_DATA_DIR", dir.path().to_str().unwrap())]).unwrap();
        let first = config.secret_key().unwrap();
        let second = config.secret_key().unwrap();
        assert_eq!(first.as_bytes(), second.as_bytes());
        assert!(first.as_bytes().len() >= 32);
        let mode = std::fs::metadata(dir.path().join("secret_key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
