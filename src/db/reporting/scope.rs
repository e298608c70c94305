//! What the report's queries are about and what they return: the scope of a
//! report, its figures and tallies.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::db::TenantId;

/// The programme and period a report is about, and how its departments group.
#[derive(Clone, Debug)]
pub struct Scope {
    pub org: TenantId,
    pub program: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The period as instants: from the start of `from` to the end of `to`.
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    /// Days between sessions that keep the programme's cadence.
    pub cadence_days: i32,
    /// (department, group) pairs; departments not listed report under their own name.
    pub groups: Vec<(String, String)>,
    /// The zone months are counted in.
    pub time_zone: String,
}

/// One figure for the whole programme (`grp` None) or for one group: over
/// the whole period (`month` None), or, for counts of things that happen,
/// one month of it. `key` is the sum of the counted records' keys (see
/// `reporting::noise`); `people` the distinct coachees behind the figure.
#[derive(Clone, Debug)]
pub struct Figure {
    pub grp: Option<String>,
    pub metric: String,
    pub month: Option<String>,
    pub value: Option<f64>,
    pub people: i64,
    pub key: i64,
    /// The coachees behind a small figure: named only when fewer than 100
    /// (the highest threshold), so small figures together count distinct
    /// people (`reporting::people_in`).
    pub who: Option<Vec<Uuid>>,
}

/// A labelled count, for the programme as a whole: over the period (`month`
/// None) or one month of it.
#[derive(Clone, Debug)]
pub struct Tally {
    pub label: String,
    pub detail: String,
    pub month: Option<String>,
    pub value: i64,
    pub people: i64,
    pub key: i64,
    /// The coachees behind a small figure, as in [`Figure::who`].
    pub who: Option<Vec<Uuid>>,
}

/// The departments and groups of `scope.groups`, as the two arrays the
/// report's queries bind as `$3` and `$4`.
pub(super) fn group_arrays(scope: &Scope) -> (Vec<String>, Vec<String>) {
    scope.groups.iter().cloned().unzip()
}
