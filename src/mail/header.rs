//! Header lines: what text must lose before it stands in one — a subject, a
//! display name, a calendar file's one-line value.

/// Removes what could break a header line: control characters (line breaks
/// above all) become spaces, runs of spaces shrink to one.
pub fn header_safe(value: &str) -> String {
    let spaced: String = value
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}
