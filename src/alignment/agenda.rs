//! A meeting's agenda as people read and edit it: the kind's standard agenda
//! with the coachee's extra items, until the coachee or coach rewrites it;
//! then their lines, each perhaps ending in its minutes ("Goals (10 min)").

use super::kind::Kind;

/// Most items an agenda may have, and most characters in one.
pub const MOST_ITEMS: usize = 20;
pub const LONGEST_ITEM: usize = 200;

/// One item of a meeting's agenda.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgendaLine {
    pub title: String,
    pub minutes: Option<u32>,
}

/// The agenda a meeting has now: `rewritten` when someone rewrote it, else
/// the standard agenda of `kind` for `minutes`, then the `extra` items the
/// coachee added when planning (one per line).
pub fn current(kind: Kind, minutes: i32, extra: &str, rewritten: Option<&str>) -> Vec<AgendaLine> {
    if let Some(text) = rewritten {
        return parse(text);
    }
    kind.agenda(minutes)
        .into_iter()
        .map(|item| AgendaLine {
            title: item.title.to_owned(),
            minutes: Some(item.minutes),
        })
        .chain(items(extra).map(|title| AgendaLine {
            title: title.to_owned(),
            minutes: None,
        }))
        .collect()
}

/// The lines of a text that are items: trimmed, bullets taken off, blanks left out.
fn items(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|line| line.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(|line| !line.is_empty())
}

/// Reads an agenda as written: one item per line, "(N min)" at the end of
/// a line giving its minutes.
pub fn parse(text: &str) -> Vec<AgendaLine> {
    items(text).map(parse_line).collect()
}

fn parse_line(line: &str) -> AgendaLine {
    let timed = line.strip_suffix(')').and_then(|rest| {
        let open = rest.rfind('(')?;
        let inside = rest[open + 1..].trim();
        let number = inside
            .strip_suffix("minutes")
            .or_else(|| inside.strip_suffix("mins"))
            .or_else(|| inside.strip_suffix("min"))?
            .trim();
        let minutes = number
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=180).contains(m))?;
        let title = rest[..open].trim();
        (!title.is_empty()).then_some((title, minutes))
    });
    match timed {
        Some((title, minutes)) => AgendaLine {
            title: title.to_owned(),
            minutes: Some(minutes),
        },
        None => AgendaLine {
            title: line.to_owned(),
            minutes: None,
        },
    }
}

/// The agenda as it is written in the edit box.
pub fn as_text(lines: &[AgendaLine]) -> String {
    lines
        .iter()
        .map(|line| match line.minutes {
            Some(minutes) => format!("{} ({minutes} min)", line.title),
            None => line.title.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks an agenda typed in the edit box; returns it tidied (one item per
/// line, as `as_text` writes it) or what is wrong with it.
pub fn check(text: &str) -> Result<String, &'static str> {
    let lines = parse(text);
    if lines.is_empty() {
        return Err("Write at least one agenda item, one per line.");
    }
    if lines.len() > MOST_ITEMS {
        return Err("Keep the agenda to 20 items.");
    }
    if lines.iter().any(|l| l.title.chars().count() > LONGEST_ITEM) {
        return Err("Keep each agenda item to 200 characters.");
    }
    let text = as_text(&lines);
    if text.chars().count() > 4000 {
        return Err("Keep the whole agenda to 4,000 characters.");
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_agenda_reads_back_from_its_own_text() {
        for kind in Kind::ALL {
            let standard = current(kind, 45, "- Release planning\n\n", None);
            assert_eq!(standard.last().unwrap().title, "Release planning");
            assert_eq!(standard.last().unwrap().minutes, None);
            assert_eq!(parse(&as_text(&standard)), standard, "{kind:?}");
            let checked = check(&as_text(&standard)).unwrap();
            assert_eq!(current(kind, 45, "", Some(&checked)), standard);
        }
    }

    #[test]
    fn minutes_are_read_only_from_a_closing_bracket() {
        let lines =
            parse("Welcome (5 min)\nGoals (Q3) \n • Wrap-up (2 minutes)\nOdd (0 min)\n(5 min)");
        let shown: Vec<(&str, Option<u32>)> = lines
            .iter()
            .map(|l| (l.title.as_str(), l.minutes))
            .collect();
        assert_eq!(
            shown,
            [
                ("Welcome", Some(5)),
                ("Goals (Q3)", None),
                ("Wrap-up", Some(2)),
                ("Odd (0 min)", None),
                ("(5 min)", None),
            ]
        );
    }

    #[test]
    fn an_agenda_needs_items_and_not_too_many() {
        assert!(check(" \n - \n").is_err());
        assert!(check(&"Item\n".repeat(21)).is_err());
        assert!(check(&"x".repeat(201)).is_err());
        assert_eq!(
            check("  - One\nTwo (10 min) ").unwrap(),
            "One\nTwo (10 min)"
        );
    }
}
