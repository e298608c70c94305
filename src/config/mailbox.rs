//! When `/dev/mailbox` is served. The local mailbox shows every email Triad
//! wrote — password resets and managers' links among them — to whoever asks,
//! so it exists only where whoever asks can be no one but the person at this
//! machine: the embedded default run, listening on loopback, with no sign of
//! being published (an `https://` address, an address elsewhere, or a reverse
//! proxy in front, whose requests all come from loopback whoever sent them).

use std::net::IpAddr;

use super::{Config, Database};

impl Config {
    /// Whether the local mailbox pages exist. Everything must hold: no
    /// `SMTP_URL`, the embedded database, a loopback bind (`127.0.0.0/8` or
    /// `::1`; not `0.0.0.0`), a public URL that is `http://` and names this
    /// machine, and no trusted proxies.
    pub fn serves_local_mailbox(&self) -> bool {
        self.smtp_url.is_none()
            && matches!(self.database, Database::Embedded)
            && self.bind.ip().to_canonical().is_loopback()
            && !self.is_https()
            && names_this_machine(&self.public_url)
            && self.trusted_proxies.is_empty()
    }
}

/// `localhost` or a loopback address: what a link to this machine only looks like.
fn names_this_machine(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).to_canonical().is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, ConfigError};

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    fn serves(vars: &[(&str, &str)]) -> bool {
        config(vars).unwrap().serves_local_mailbox()
    }

    #[test]
    fn the_embedded_default_on_loopback_serves_the_mailbox() {
        assert!(serves(&[]));
        assert!(serves(&[("TRIAD_BIND", "127.0.0.2:8080")]));
        assert!(serves(&[("TRIAD_BIND", "[::1]:3000")]));
        assert!(serves(&[("TRIAD_PUBLIC_URL", "http://localhost:3000")]));
    }

    #[test]
    fn any_sign_of_a_published_or_real_deployment_turns_it_off() {
        let cases: &[&[(&str, &str)]] = &[
            &[("TRIAD_BIND", "0.0.0.0:3000")],
            &[("TRIAD_BIND", "[::]:3000")],
            &[("TRIAD_BIND", "192.0.2.10:3000")],
            &[("DATABASE_URL", "postgres://triad@db.example.com/triad")],
            &[("SMTP_URL", "smtp://mail.example.com:25")],
            &[("TRIAD_PUBLIC_URL", "https://localhost:3000")],
            &[("TRIAD_PUBLIC_URL", "http://coaching.example.com")],
            &[("TRIAD_PUBLIC_URL", "http://192.0.2.10:3000")],
            &[("TRIAD_TRUSTED_PROXIES", "127.0.0.1")],
        ];
        for vars in cases {
            assert!(!serves(vars), "{vars:?}");
        }
    }
}
