//! The programme report, decided: every figure with whether it is shown.
//! Built from the counts in `db::reporting` by [`build`]; drawn as a page and
//! a CSV by `web::admin::report`.

mod build;

use crate::reporting::{Cell, Measure};

/// One line of the report: a figure for the programme and for each group.
pub struct Line {
    pub label: &'static str,
    pub measure: Measure,
    /// Indexes into the report's cells: the whole programme first, then each group.
    pub cells: Vec<usize>,
}

pub struct Section {
    pub title: &'static str,
    pub note: &'static str,
    pub lines: Vec<Line>,
}

/// A labelled figure outside the department table (months, themes, skills).
pub struct Listed {
    pub label: String,
    pub cell: usize,
}

/// Goals of one skill by status.
pub struct SkillRow {
    pub skill: String,
    /// draft, active, achieved, dropped, all, achieved in the period.
    pub cells: [usize; 6],
}

/// The whole report, decided: every figure with whether it is hidden.
pub struct Report {
    pub threshold: i32,
    pub groups: Vec<String>,
    pub cells: Vec<Cell>,
    pub sections: Vec<Section>,
    pub months: Vec<Listed>,
    pub themes: Vec<Listed>,
    pub skills: Vec<SkillRow>,
    /// The whole programme describes too few people: nothing is shown.
    pub too_small: bool,
}

impl Report {
    pub fn text(&self, cell: usize, measure: Measure) -> String {
        self.cells[cell].text(measure, self.threshold)
    }

    pub fn count(&self, cell: usize) -> String {
        self.text(cell, Measure::Count)
    }

    /// For templates, which pass arguments by reference.
    pub fn show(&self, cell: &usize, measure: &Measure) -> String {
        self.text(*cell, *measure)
    }

    pub fn show_count(&self, cell: &usize) -> String {
        self.count(*cell)
    }
}
