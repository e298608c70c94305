//! The report's figures for the known programme, page and CSV: counted
//! right, and hidden where they could point to a person.

use chrono::{NaiveDate, Utc};

use super::{PERIOD, seeded};

/// The CSV as (section, figure, group) → value.
fn parse_csv(text: &str) -> Vec<[String; 4]> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            [
                r[0].to_owned(),
                r[1].to_owned(),
                r[2].to_owned(),
                r[3].to_owned(),
            ]
        })
        .collect()
}

fn value<'a>(rows: &'a [[String; 4]], section: &str, figure: &str, group: &str) -> &'a str {
    rows.iter()
        .find(|r| r[0] == section && r[1] == figure && r[2] == group)
        .map(|r| r[3].as_str())
        .unwrap_or_else(|| panic!("no {section} / {figure} / {group} in {rows:?}"))
}

#[tokio::test]
async fn the_report_counts_a_known_programme_and_hides_what_could_point_to_a_person() {
    let s = seeded().await;
    let response = s
        .admin
        .get(&format!(
            "/admin/programmes/{}/report.csv?{PERIOD}",
            s.programme
        ))
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = response.text().await.unwrap();
    let rows = parse_csv(&text);
    let all = "Whole programme";
    // The department named like a formula is neutralised in the file.
    let sales = "'=SUM(1+1)*Sales";
    let other = "Other departments";
    assert!(!text.contains("\n=") && !text.contains(",="), "{text}");
    assert!(
        rows.iter().all(|r| r[2] != "Legal" && r[2] != "Ops"),
        "Legal is merged"
    );

    let v = |section, figure, group| value(&rows, section, figure, group).to_owned();
    // Counts are protected by the cell-key method: close to the truth (within
    // 2, or 2 a month for things that happen), never below the threshold.
    let near = |section, figure, group, truth: i64, months: i64| {
        let shown = v(section, figure, group);
        let n: i64 = shown
            .parse()
            .unwrap_or_else(|_| panic!("{figure} / {group} reads {shown}"));
        assert!(
            (n - truth).abs() <= 2 * months && n >= 5,
            "{figure} / {group}: {n} for {truth}"
        );
    };
    near("Engagements", "Coachees", all, 12, 1);
    near("Engagements", "Coachees", sales, 6, 1);
    near("Engagements", "Coachees", other, 6, 1);
    near("Engagements", "Engagements", all, 12, 1);
    // One paused (Sales) and one completed (Legal): too few, and the active
    // counts that would give them away by subtraction are not shown either.
    assert_eq!(v("Engagements", "Paused", all), "fewer than 5");
    assert_eq!(v("Engagements", "Paused", sales), "fewer than 5");
    assert_eq!(v("Engagements", "Paused", other), "0");
    assert_eq!(v("Engagements", "Completed", other), "fewer than 5");
    assert_eq!(v("Engagements", "Active", all), "not shown");
    assert_eq!(v("Engagements", "Active", sales), "not shown");
    assert_eq!(v("Engagements", "Active", other), "not shown");

    // Sessions completed in February (Sales) and March (everyone).
    near("Coaching sessions", "Completed sessions", all, 18, 2);
    near("Coaching sessions", "Completed sessions", sales, 12, 2);
    near("Coaching sessions", "Completed sessions", other, 6, 1);
    // Sales cancelled nothing: completed and ended are the same sessions, so
    // the same protected count, and the rate is exact.
    assert_eq!(v("Coaching sessions", "Completion rate", sales), "100%");
    let rate = |section, figure, group| -> i64 {
        let shown = v(section, figure, group);
        shown
            .strip_suffix('%')
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("{figure} / {group} reads {shown}"))
    };
    // 18 of 24, and 6 of 12, as protected: near 75% and 50%.
    assert!((55..=95).contains(&rate("Coaching sessions", "Completion rate", all)));
    assert!((25..=75).contains(&rate("Coaching sessions", "Completion rate", other)));
    // A share of a count that is not shown is not shown either.
    assert_eq!(v("Coaching sessions", "Cadence kept", all), "not shown");

    near("Alignment meetings", "Managers invited", all, 5, 1);
    // The same five meetings: the same protected count.
    assert_eq!(
        v("Alignment meetings", "Link opened", all),
        v("Alignment meetings", "Managers invited", all)
    );
    assert_eq!(v("Alignment meetings", "Accepted", all), "fewer than 5");
    assert_eq!(v("Alignment meetings", "Held", all), "fewer than 5");
    // Three of twelve had a meeting held: a share of too few is too few.
    for group in [all, sales] {
        assert_eq!(
            v(
                "Alignment meetings",
                "Engagements with a meeting held",
                group
            ),
            "fewer than 5"
        );
    }
    assert_eq!(
        v(
            "Alignment meetings",
            "Median time from start to first meeting",
            all
        ),
        "fewer than 5"
    );
    assert_eq!(
        v(
            "Alignment meetings",
            "Extra meetings requested, waiting",
            all
        ),
        "fewer than 5"
    );

    // Three sessions assigned the activity, for three people.
    assert_eq!(
        v(
            "Development activities",
            "Completed sessions that assigned an activity",
            all
        ),
        "fewer than 5"
    );
    assert_eq!(
        v("Development activities", "Activities assigned", all),
        "fewer than 5"
    );

    near("Sessions per month", "Feb 2026", all, 6, 1);
    near("Sessions per month", "Mar 2026", all, 12, 1);
    near("Focus areas", "Delegation", all, 12, 2);
    near("Focus areas", "Written in the coach's own words", all, 6, 1);
    near("Goals by skill", "Delegation — Working on it", all, 6, 1);
    assert_eq!(
        v("Goals by skill", "Delegation — Draft", all),
        "fewer than 5"
    );
    assert_eq!(
        v("Goals by skill", "Delegation — Achieved", all),
        "fewer than 5"
    );
    near("Goals by skill", "Delegation — All", all, 12, 1);
    assert_eq!(
        v("Goals by skill", "Delegation — Achieved in the period", all),
        "fewer than 5"
    );

    // No shown total minus shown parts lands on a hidden figure: wherever a
    // row or column adds up, either nothing is hidden or two or more are.
    let hidden = |x: &str| x == "fewer than 5" || x == "not shown";
    for group in [all, sales, other] {
        let parts: Vec<String> = ["Active", "Paused", "Completed", "Cancelled"]
            .iter()
            .map(|f| v("Engagements", f, group))
            .collect();
        let total = v("Engagements", "Engagements", group);
        let hidden_parts = parts.iter().filter(|p| hidden(p)).count();
        assert!(
            hidden(&total) || hidden_parts != 1,
            "{group}: {parts:?} of {total}"
        );
    }
    for figure in [
        "Active",
        "Paused",
        "Completed",
        "Accepted",
        "Held",
        "Activities assigned",
    ] {
        let section = if ["Accepted", "Held"].contains(&figure) {
            "Alignment meetings"
        } else if figure == "Activities assigned" {
            "Development activities"
        } else {
            "Engagements"
        };
        let cells = [v(section, figure, sales), v(section, figure, other)];
        let total = v(section, figure, all);
        let hidden_parts = cells.iter().filter(|c| hidden(c)).count();
        assert!(
            hidden(&total) || hidden_parts != 1,
            "{figure}: {cells:?} of {total}"
        );
    }

    // The page shows the same figures as the file, with its charts, and
    // says how they are protected.
    let page = s
        .admin
        .text(&format!(
            "/admin/programmes/{}/report?{PERIOD}",
            s.programme
        ))
        .await;
    let completion = v("Coaching sessions", "Completion rate", all);
    let completed = v("Coaching sessions", "Completed sessions", all);
    assert!(
        page.contains("fewer than 5")
            && page.contains(&format!("<td>{completion}</td>"))
            && page.contains(&format!("<td>{completed}</td>")),
        "{page}"
    );
    assert!(page.contains("How figures are protected") && page.contains("cell-key method"));
    assert!(page.contains("<svg role=\"img\""), "{page}");
    assert!(page.contains("Completed coaching sessions per month"));
    assert!(page.contains("=SUM(1+1)*Sales"), "escaped, shown as text");
    assert!(!page.contains("Legal"));

    // Counted afresh (a changed setting is a new count, not the kept one), the
    // same records give the same figures, to the last one; and a period given
    // in days is the same whole months.
    let response = s
        .admin
        .post(
            &format!("/admin/programmes/{}/accountability", s.programme),
            &[("inactivity_weeks", "8")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let again = s
        .admin
        .text(&format!(
            "/admin/programmes/{}/report.csv?from=2026-01-20&to=2026-06-02",
            s.programme
        ))
        .await;
    assert_eq!(
        parse_csv(&again),
        rows,
        "the same records, the same figures"
    );

    // Without dates, the period is whole months, up to the last whole one
    // (or, in the programme's first month, to that month's end).
    let page = s
        .admin
        .text(&format!("/admin/programmes/{}/report", s.programme))
        .await;
    let first_of_this_month = {
        use chrono::Datelike;
        let today = Utc::now().date_naive();
        today.with_day(1).unwrap()
    };
    let expected = (first_of_this_month - chrono::Days::new(1))
        .min(NaiveDate::from_ymd_opt(2027, 6, 30).unwrap())
        .max(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
    assert!(
        page.contains(&format!("id=\"to\" name=\"to\" value=\"{expected}\"")),
        "the period ends on {expected}: {page}"
    );

    // A period that ends before it starts is explained, and the dates kept.
    let response = s
        .admin
        .get(&format!(
            "/admin/programmes/{}/report?from=2026-06-30&to=2026-01-01",
            s.programme
        ))
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("ends before it starts") && body.contains("2026-06-30"),
        "{body}"
    );
}
