//! Line folding at 75 octets.

/// Folds every content line at 75 octets (RFC 5545 §3.1), never inside a
/// character and, where it can, not beside a space: a first line of at most 75 octets, continuation lines of a space
/// and at most 74. (The `icalendar` crate's own folding lets a continuation
/// line reach 76 octets, so its output is unfolded and folded again here.)
pub(crate) fn refold(text: &str) -> String {
    let unfolded = text.replace("\r\n ", "");
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 20);
    for line in unfolded.split_terminator("\r\n") {
        let mut rest = line;
        let mut limit = 75;
        loop {
            if rest.len() <= limit {
                out.push_str(rest);
                out.push_str("\r\n");
                break;
            }
            // Not inside a character, and not next to a space: some readers
            // trim the ends of folded lines, and a space there would be lost.
            let fits = |cut: usize| {
                rest.is_char_boundary(cut)
                    && !rest[..cut].ends_with(char::is_whitespace)
                    && !rest[cut..].starts_with(char::is_whitespace)
            };
            let mut cut = limit;
            while cut > limit / 2 && !fits(cut) {
                cut -= 1;
            }
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push_str(&rest[..cut]);
            out.push_str("\r\n ");
            rest = &rest[cut..];
            limit = 74;
        }
    }
    out
}
