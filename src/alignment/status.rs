//! Where a meeting stands, from proposed to held or cancelled.

/// Where a meeting stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Proposed,
    Confirmed,
    Completed,
    NotHeld,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Proposed,
        Status::Confirmed,
        Status::Completed,
        Status::NotHeld,
        Status::Cancelled,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Confirmed => "confirmed",
            Status::Completed => "completed",
            Status::NotHeld => "not_held",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Status::Proposed => "Waiting for a time",
            Status::Confirmed => "Time set",
            Status::Completed => "Held",
            Status::NotHeld => "Not held",
            Status::Cancelled => "Cancelled",
        }
    }

    /// Still to happen: its time can change and it can be cancelled.
    pub fn is_open(&self) -> bool {
        matches!(self, Status::Proposed | Status::Confirmed)
    }
}
