//! Who a calendar file names: the organizer and the attendees, with where
//! each stands.

use icalendar::Property;

/// Someone in the invitation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// Where an attendee stands (`PARTSTAT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartStat {
    NeedsAction,
    Accepted,
    Declined,
}

impl PartStat {
    pub fn as_str(&self) -> &'static str {
        match self {
            PartStat::NeedsAction => "NEEDS-ACTION",
            PartStat::Accepted => "ACCEPTED",
            PartStat::Declined => "DECLINED",
        }
    }
}

/// Someone invited, and whether they said yes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendee {
    pub person: Person,
    pub partstat: PartStat,
}

impl Attendee {
    pub fn needs_action(name: impl Into<String>, email: impl Into<String>) -> Attendee {
        Attendee::new(name, email, PartStat::NeedsAction)
    }

    pub fn new(name: impl Into<String>, email: impl Into<String>, partstat: PartStat) -> Attendee {
        Attendee {
            person: Person {
                name: name.into(),
                email: email.into(),
            },
            partstat,
        }
    }
}

/// `ORGANIZER`/`ATTENDEE` with a `CN`. A parameter value may not hold a double
/// quote or a control character at all (RFC 5545 §3.1), so those are dropped,
/// and so are direction controls and invisible characters (see `mail::typed`).
pub(crate) fn property(key: &str, person: &Person) -> Property {
    let name: String = crate::mail::header::header_safe(&crate::mail::typed::visible(&person.name))
        .chars()
        .filter(|c| *c != '"')
        .collect();
    let mut property = Property::new(key, format!("mailto:{}", person.email.trim()));
    if !name.is_empty() {
        property.add_parameter("CN", &name);
    }
    property.done()
}
