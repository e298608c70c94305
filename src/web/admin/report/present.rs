//! The report's protected figures laid out for the page's charts and for the
//! CSV: both read only what `Report::build` published.

use crate::reporting::Measure;
use crate::web::charts::{Bar, Chart};

use super::{Line, Listed, Report};

impl Report {
    fn bars(&self, listed: &[Listed]) -> Vec<Bar> {
        listed
            .iter()
            .map(|l| Bar {
                label: l.label.clone(),
                text: self.count(l.cell),
                value: self.cells[l.cell].shown(),
            })
            .collect()
    }

    fn line(&self, metric_label: &str) -> Option<&Line> {
        self.sections
            .iter()
            .flat_map(|s| s.lines.iter())
            .find(|l| l.label == metric_label)
    }

    /// The charts of the page, in order.
    pub fn charts(&self) -> Vec<Chart> {
        let mut charts = vec![Chart::new(
            "chart-months",
            "Completed coaching sessions per month",
            self.bars(&self.months),
            None,
        )];
        let funnel: Vec<Bar> = ["Managers invited", "Link opened", "Accepted", "Held"]
            .iter()
            .filter_map(|label| self.line(label))
            .map(|line| Bar {
                label: line.label.to_owned(),
                text: self.count(line.cells[0]),
                value: self.cells[line.cells[0]].shown(),
            })
            .collect();
        charts.push(Chart::new(
            "chart-funnel",
            "Alignment meetings: from invitation to held",
            funnel,
            None,
        ));
        charts.push(Chart::new(
            "chart-themes",
            "Focus areas of completed sessions",
            self.bars(&self.themes),
            None,
        ));
        if let Some(line) = self.line("Completion rate") {
            let bars = self
                .groups
                .iter()
                .zip(&line.cells[1..])
                .map(|(group, &cell)| Bar {
                    label: group.clone(),
                    text: self.text(cell, Measure::Percent),
                    value: self.cells[cell].shown(),
                })
                .collect::<Vec<_>>();
            if !bars.is_empty() {
                charts.push(Chart::new(
                    "chart-departments",
                    "Session completion rate by department",
                    bars,
                    Some(100.0),
                ));
            }
        }
        charts
    }

    /// The same figures as rows of text: section, figure, group, value.
    pub fn rows(&self) -> Vec<[String; 4]> {
        let mut rows = Vec::new();
        let whole = "Whole programme".to_owned();
        for section in &self.sections {
            for line in &section.lines {
                for (i, &cell) in line.cells.iter().enumerate() {
                    let group = if i == 0 {
                        whole.clone()
                    } else {
                        self.groups[i - 1].clone()
                    };
                    rows.push([
                        section.title.to_owned(),
                        line.label.to_owned(),
                        group,
                        self.text(cell, line.measure),
                    ]);
                }
            }
        }
        for month in &self.months {
            rows.push([
                "Sessions per month".into(),
                month.label.clone(),
                whole.clone(),
                self.count(month.cell),
            ]);
        }
        for theme in &self.themes {
            rows.push([
                "Focus areas".into(),
                theme.label.clone(),
                whole.clone(),
                self.count(theme.cell),
            ]);
        }
        let names = [
            "Draft",
            "Working on it",
            "Achieved",
            "Dropped",
            "All",
            "Achieved in the period",
        ];
        for skill in &self.skills {
            for (name, &cell) in names.iter().zip(&skill.cells) {
                rows.push([
                    "Goals by skill".into(),
                    format!("{} — {name}", skill.skill),
                    whole.clone(),
                    self.count(cell),
                ]);
            }
        }
        rows
    }
}
