//! `TRIAD_TRUSTED_PROXIES`: the reverse proxies whose word on the client's
//! address is believed. Only a request whose peer is one of these may name
//! another client (in `X-Forwarded-For` or `Forwarded`); from anyone else
//! those headers are ignored, so nobody can pick the address their throttles
//! and audit lines are counted under.

use std::net::IpAddr;

use ipnet::IpNet;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Addresses (`10.0.0.5`, `::1`) or CIDR ranges (`10.0.0.0/8`), separated by
    /// commas or spaces.
    pub fn parse(value: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for part in value
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
        {
            let net = match part.parse::<IpNet>() {
                Ok(net) => net.trunc(),
                Err(_) => match part.parse::<IpAddr>() {
                    Ok(addr) => IpNet::from(addr),
                    Err(_) => {
                        return Err(format!(
                            "{part:?} is neither an address nor a range like 10.0.0.0/8"
                        ));
                    }
                },
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    /// Whether any proxy is trusted at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `addr` is one of the trusted proxies. An IPv4 address seen as
    /// IPv6 (`::ffff:10.0.0.5`, from a dual-stack listener) counts as itself.
    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        self.0.iter().any(|net| net.contains(&addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_ranges_are_trusted_and_nothing_else() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7 ::1").unwrap();
        assert!(proxies.contains("10.1.2.3".parse().unwrap()));
        assert!(proxies.contains("192.0.2.7".parse().unwrap()));
        assert!(proxies.contains("::ffff:10.9.9.9".parse().unwrap()));
        assert!(proxies.contains("::1".parse().unwrap()));
        assert!(!proxies.contains("192.0.2.8".parse().unwrap()));
        assert!(!proxies.contains("127.0.0.1".parse().unwrap()));
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.internal").is_err());
    }
}
