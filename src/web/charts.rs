//! Charts drawn on the server as inline SVG: horizontal bars with their
//! labels and values written out, a title and a description for screen
//! readers, and nothing that needs JavaScript or colour to be understood.

/// One bar: its label, the value as shown, and the number it is drawn from
/// (None when the figure is hidden or there is nothing to draw).
#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub text: String,
    pub value: Option<f64>,
}

/// A chart laid out for drawing.
#[derive(Clone, Debug)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub rows: Vec<Row>,
    pub height: u32,
}

#[derive(Clone, Debug)]
pub struct Row {
    pub label: String,
    pub text: String,
    /// Top of the row, in SVG units.
    pub y: u32,
    /// Bar length in SVG units; 0 for an empty or hidden bar.
    pub width: u32,
    pub hidden: bool,
}

pub const WIDTH: u32 = 640;
const LABEL: u32 = 200;
const ROW: u32 = 30;
const BAR_SPACE: u32 = WIDTH - LABEL - 110;

impl Chart {
    /// Lays out `bars`, longest value at full width. `max` fixes the scale
    /// (100 for percentages); otherwise the largest value sets it.
    pub fn new(id: &str, title: &str, bars: Vec<Bar>, max: Option<f64>) -> Chart {
        let largest =
            max.unwrap_or_else(|| bars.iter().filter_map(|b| b.value).fold(0.0_f64, f64::max));
        let description = bars
            .iter()
            .map(|b| format!("{}: {}", b.label, b.text))
            .collect::<Vec<_>>()
            .join("; ");
        let rows = bars
            .into_iter()
            .enumerate()
            .map(|(i, bar)| {
                let width = match bar.value {
                    Some(v) if largest > 0.0 && v > 0.0 => {
                        ((v / largest) * f64::from(BAR_SPACE)).round().max(2.0) as u32
                    }
                    _ => 0,
                };
                Row {
                    hidden: bar.value.is_none(),
                    label: bar.label,
                    text: bar.text,
                    y: i as u32 * ROW,
                    width,
                }
            })
            .collect::<Vec<_>>();
        Chart {
            id: id.to_owned(),
            title: title.to_owned(),
            description: if description.is_empty() {
                "No figures in this period.".to_owned()
            } else {
                description
            },
            height: (rows.len() as u32 * ROW).max(ROW),
            rows,
        }
    }

    pub fn width(&self) -> u32 {
        WIDTH
    }

    pub fn label_width(&self) -> u32 {
        LABEL
    }

    /// Where a row's value is written: just after its bar.
    pub fn text_x(&self, row: &Row) -> u32 {
        LABEL + row.width + 6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_hidden_ones_draw_nothing() {
        let chart = Chart::new(
            "c",
            "Sessions",
            vec![
                Bar {
                    label: "Jan".into(),
                    text: "10".into(),
                    value: Some(10.0),
                },
                Bar {
                    label: "Feb".into(),
                    text: "5".into(),
                    value: Some(5.0),
                },
                Bar {
                    label: "Mar".into(),
                    text: "fewer than 5".into(),
                    value: None,
                },
            ],
            None,
        );
        assert_eq!(chart.rows[0].width, BAR_SPACE);
        assert_eq!(chart.rows[1].width, BAR_SPACE / 2);
        assert_eq!(chart.rows[2].width, 0);
        assert!(chart.rows[2].hidden);
        assert!(chart.description.contains("Mar: fewer than 5"));
    }
}
