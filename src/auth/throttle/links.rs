//! Wrong guest links per client address, and how client addresses are
//! grouped for counting.

/// IPv6 clients are counted by their /64: one client holds a whole one, and
/// counting single addresses would let it rotate through them.
pub fn bucket(addr: std::net::IpAddr) -> std::net::IpAddr {
    match addr.to_canonical() {
        std::net::IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            std::net::IpAddr::V6(octets.into())
        }
        v4 => v4,
    }
}

/// Wrong guest links per client address. Kept in memory: a forged link is
/// refused before any query, and counting it in the database would undo that.
/// Each process counts on its own, so behind a balancer the limit is per
/// process — guessing a 128-bit secret stays hopeless either way; this stops
/// a client from trying at full speed.
#[derive(Debug)]
pub struct LinkGuesses {
    seen: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (u32, std::time::Instant)>>,
    limit: u32,
    window: std::time::Duration,
}

impl Default for LinkGuesses {
    fn default() -> Self {
        LinkGuesses::new(20, std::time::Duration::from_secs(600))
    }
}

impl LinkGuesses {
    pub fn new(limit: u32, window: std::time::Duration) -> Self {
        LinkGuesses {
            seen: Default::default(),
            limit,
            window,
        }
    }

    /// How long `addr` must wait, if it has guessed wrong too often lately.
    pub fn blocked(&self, addr: std::net::IpAddr) -> Option<std::time::Duration> {
        let addr = bucket(addr);
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (count, since) = seen.get(&addr)?;
        let elapsed = since.elapsed();
        (*count >= self.limit && elapsed < self.window).then(|| self.window - elapsed)
    }

    /// Counts one wrong link from `addr`.
    pub fn failed(&self, addr: std::net::IpAddr) {
        let addr = bucket(addr);
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= 10_000 && !seen.contains_key(&addr) {
            let window = self.window;
            seen.retain(|_, (_, since)| since.elapsed() < window);
            // Still full: a flood of addresses. Memory stays bounded; the
            // counts start over.
            if seen.len() >= 10_000 {
                seen.clear();
            }
        }
        let entry = seen.entry(addr).or_insert((0, std::time::Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, std::time::Instant::now());
        }
        entry.0 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_stopped_after_the_limit_and_others_are_not() {
        let guesses = LinkGuesses::new(3, std::time::Duration::from_secs(60));
        let a: std::net::IpAddr = "192.0.2.1".parse().unwrap();
        let b: std::net::IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..2 {
            guesses.failed(a);
        }
        assert!(guesses.blocked(a).is_none());
        guesses.failed(a);
        assert!(guesses.blocked(a).is_some());
        assert!(guesses.blocked(b).is_none());
        let short = LinkGuesses::new(1, std::time::Duration::from_millis(1));
        short.failed(a);
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(short.blocked(a).is_none(), "the window passes");
    }
}
