//! Text that people typed — a name, an organisation or programme, a meeting's
//! place, a note — set inside Triad's own sentences in an email.
//!
//! Unicode's direction controls let such text rearrange what surrounds it: a
//! name holding a RIGHT-TO-LEFT OVERRIDE (U+202E) shows the rest of a subject
//! line backwards, or a harmless name as a file ending in `.exe`. So every
//! piece of typed text that enters a subject, a body or a calendar file goes
//! through [`isolate`]: stray direction controls and invisible characters are
//! taken out, and what is left sits between FIRST STRONG ISOLATE (U+2068) and
//! POP DIRECTIONAL ISOLATE (U+2069). Inside, it runs in its own direction (an
//! Arabic or Hebrew name reads right to left, as it should); outside, the
//! sentence reads as written. HTML bodies carry the same two characters, which
//! browsers and mail programs honour as they do `<bdi>`.

const FIRST_STRONG_ISOLATE: char = '\u{2068}';
const POP_DIRECTIONAL_ISOLATE: char = '\u{2069}';

/// `text` cleaned by [`visible`] and isolated from the sentence around it.
/// Empty text stays empty. Text holding a link (a meeting's place is often
/// one) is cleaned but not wrapped: mail programs make a link of everything up
/// to the next space, and would take the closing isolate into the address.
/// With its controls gone, such text has nothing left that could reorder
/// the line it stands on.
pub fn isolate(text: &str) -> String {
    let clean = visible(text);
    if clean.is_empty() || clean.contains("https://") || clean.contains("http://") {
        return clean;
    }
    format!("{FIRST_STRONG_ISOLATE}{clean}{POP_DIRECTIONAL_ISOLATE}")
}

/// `text` without direction controls and characters that show nothing, for
/// places that take no isolates (an address's display name, a calendar
/// attendee). A zero-width joiner or non-joiner stays where it joins two
/// letters or symbols beyond ASCII — Persian and Indic spelling and emoji
/// sequences need it there — and goes anywhere else, where it could only
/// make two names that look the same differ.
pub fn visible(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let joins = |c: Option<&char>| {
        c.is_some_and(|&c| !c.is_ascii() && !c.is_whitespace() && !hidden(c) && !joiner(c))
    };
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            if joiner(c) {
                joins(i.checked_sub(1).and_then(|p| chars.get(p))) && joins(chars.get(i + 1))
            } else {
                !hidden(c)
            }
        })
        .map(|(_, &c)| c)
        .collect()
}

/// ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER.
fn joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Direction controls, and format characters that show nothing at all.
fn hidden(c: char) -> bool {
    matches!(
        c,
        // Direction marks, embeddings, overrides and isolates.
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        // Zero width space, word joiner and invisible operators, the byte
        // order mark, the Mongolian vowel separator and the deprecated
        // shaping controls.
        | '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}' | '\u{206A}'..='\u{206F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_is_taken_out_and_the_name_isolated() {
        assert_eq!(isolate("Eve\u{202E}gnp.exe"), "\u{2068}Evegnp.exe\u{2069}");
        // A name cannot close the isolate early, nor open one of its own.
        assert_eq!(
            isolate("\u{2069}Eve\u{2066}\u{202B}x\u{200F}"),
            "\u{2068}Evex\u{2069}"
        );
        assert_eq!(
            isolate("a\u{200B}b\u{FEFF}c\u{2060}d"),
            "\u{2068}abcd\u{2069}"
        );
        assert_eq!(isolate(""), "");
        assert_eq!(isolate("\u{202E}"), "");
    }

    #[test]
    fn names_in_every_script_arrive_as_typed() {
        for name in [
            "مريم الحسن",
            "נועה כהן",
            "Élodie Ünal-O'Brien",
            "李小龙",
            "می\u{200C}خواهم",
            "👩🏽\u{200D}💻 Sam",
        ] {
            assert_eq!(isolate(name), format!("\u{2068}{name}\u{2069}"));
        }
    }

    #[test]
    fn joiners_that_join_nothing_go() {
        assert_eq!(visible("Ad\u{200D}min"), "Admin");
        assert_eq!(visible("\u{200C}Eve"), "Eve");
        assert_eq!(visible("Eve\u{200D}"), "Eve");
        assert_eq!(visible("ی\u{200C}\u{200C}خ"), "یخ");
    }

    #[test]
    fn text_with_a_link_is_cleaned_but_not_wrapped() {
        assert_eq!(
            isolate("https://meet.example.com/\u{202E}abc"),
            "https://meet.example.com/abc"
        );
        assert_eq!(
            isolate("Room 4 or\u{2067} https://meet.example.com/abc"),
            "Room 4 or https://meet.example.com/abc"
        );
    }
}
