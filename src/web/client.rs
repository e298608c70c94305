//! Who is asking: the client's address. It is the connection's peer — unless
//! that peer is one of `TRIAD_TRUSTED_PROXIES`, whose `X-Forwarded-For` (or,
//! without it, `Forwarded`) names the client. The chain is read from the
//! right, skipping our own proxies, and the first address not theirs is the
//! client: entries to its left were written by the client and prove nothing.
//! Throttles and the audit log take their address from here.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::config::TrustedProxies;
use crate::state::AppState;

/// The client's address, as far as it can be believed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        Ok(ClientAddr(client_of(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

/// The client behind `peer`, per the forwarding headers if `peer` is trusted.
pub fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let hops = if headers.contains_key("x-forwarded-for") {
        forwarded_for(headers)
    } else {
        forwarded(headers)
    };
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        // An entry we cannot read ("unknown", an obfuscated name, rubbish):
        // the last address we could trust is all we know.
        let Some(addr) = hop else { break };
        client = addr.to_canonical();
        if !trusted.contains(client) {
            break;
        }
    }
    client
}

/// Every `X-Forwarded-For` entry, in order, across repeated headers. Each
/// entry is read on its own, so bytes the client put in its own entries
/// cannot spoil the one our proxy appended.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| {
            value
                .as_bytes()
                .split(|b| *b == b',')
                .map(|entry| std::str::from_utf8(entry).ok().and_then(address))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The `for=` of every `Forwarded` element (RFC 7239), in order.
fn forwarded(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("forwarded")
        .iter()
        .flat_map(|value| {
            let text = value.to_str().unwrap_or("?");
            text.split(',')
                .map(|element| {
                    element
                        .split(';')
                        .filter_map(|pair| pair.split_once('='))
                        .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                        .and_then(|(_, value)| address(value))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// One node: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:4711`,
/// quoted or not.
fn address(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Ok(addr) = node.parse::<IpAddr>() {
        return Some(addr);
    }
    if let Ok(socket) = node.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    node.strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_no_header_is_believed() {
        let none = TrustedProxies::default();
        let sent = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=203.0.113.9"),
        ]);
        assert_eq!(client_of(ip("127.0.0.1"), &sent, &none), ip("127.0.0.1"));
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_what_the_client_wrote_is_skipped() {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        // The client wrote 198.51.100.1 itself; nginx appended the real peer.
        let sent = headers(&[("x-forwarded-for", "198.51.100.1, 203.0.113.9")]);
        assert_eq!(
            client_of(ip("127.0.0.1"), &sent, &proxies),
            ip("203.0.113.9")
        );
        // Two of our proxies in a row, and the header split over two lines.
        let sent = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            ("x-forwarded-for", "203.0.113.9, 10.0.0.2"),
        ]);
        assert_eq!(
            client_of(ip("10.0.0.3"), &sent, &proxies),
            ip("203.0.113.9")
        );
        // The same headers from a peer that is not a proxy are its own word.
        assert_eq!(
            client_of(ip("192.0.2.50"), &sent, &proxies),
            ip("192.0.2.50")
        );
    }

    #[test]
    fn forwarded_is_read_when_x_forwarded_for_is_absent() {
        let proxies = TrustedProxies::parse("::1").unwrap();
        let sent = headers(&[(
            "forwarded",
            r#"for=198.51.100.1;proto=https, for="[2001:db8::7]:4711";by=_proxy"#,
        )]);
        assert_eq!(client_of(ip("::1"), &sent, &proxies), ip("2001:db8::7"));
        let sent = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(client_of(ip("::1"), &sent, &proxies), ip("::1"));
        let sent = headers(&[("forwarded", r#"for="192.0.2.43:47011""#)]);
        assert_eq!(client_of(ip("::1"), &sent, &proxies), ip("192.0.2.43"));
    }

    #[test]
    fn an_unreadable_hop_stops_the_walk_at_the_last_trusted_address() {
        let proxies = TrustedProxies::parse("127.0.0.1").unwrap();
        let sent = headers(&[("x-forwarded-for", "203.0.113.9, garbage")]);
        assert_eq!(client_of(ip("127.0.0.1"), &sent, &proxies), ip("127.0.0.1"));
        // Bytes that are not text in the client's own entry spoil only that entry.
        let mut sent = HeaderMap::new();
        sent.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"\xff\xfe, 203.0.113.9").unwrap(),
        );
        assert_eq!(
            client_of(ip("127.0.0.1"), &sent, &proxies),
            ip("203.0.113.9")
        );
    }
}
