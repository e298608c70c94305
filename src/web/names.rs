//! What a person's name may hold. Names travel into email headers, calendar
//! files and other people's pages, so a name is one line of visible text:
//! a form refuses one with a line break or another control character, and
//! says so, rather than quietly changing what was typed.

/// The words a form shows for such a name.
pub const ONE_LINE: &str =
    "Write the name on one line, without line breaks or other control characters.";

/// Whether `name` holds a line break (CR, LF, or a Unicode line or paragraph
/// separator) or any other control character.
pub fn breaks_lines(name: &str) -> bool {
    name.chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
}

/// Whether `email` could be an address at all: not longer than an address
/// may be (254 characters), one line, an `@` in it. Anything else is answered
/// without a lookup or a count.
pub fn is_plausible_email(email: &str) -> bool {
    email.len() <= 254 && email.contains('@') && !breaks_lines(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_short_one_line_and_has_an_at() {
        assert!(is_plausible_email("dana@acme.test"));
        assert!(!is_plausible_email("dana"));
        assert!(!is_plausible_email(&format!(
            "{}@acme.test",
            "d".repeat(250)
        )));
        assert!(!is_plausible_email("dana@acme.test\r\nBcc: x"));
        assert!(!is_plausible_email("da\u{0}na@acme.test"));
    }

    #[test]
    fn a_name_is_one_line_of_visible_text() {
        assert!(!breaks_lines("Élodie Ünal-O'Brien (she/her) 李"));
        for bad in [
            "Eve\r",
            "Eve\nMallory",
            "Eve\u{0}",
            "Eve\u{2028}x",
            "Eve\tx",
            "\u{85}",
        ] {
            assert!(breaks_lines(bad), "{bad:?}");
        }
    }
}
