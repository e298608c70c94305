//! Scheduling a meeting: what the coachee and the coach are told before it,
//! one meeting however often the form is sent, and its time as each person
//! sees it across daylight saving, with the one reminder due.

use chrono::{Datelike, Utc};

use crate::support::location;

use super::{MANAGER, day, guest, hidden, schedule_fields, shown_on, trio};

#[tokio::test]
async fn the_coachee_is_told_where_they_stand_and_a_double_submission_makes_one_meeting() {
    let t = trio(true).await;
    let home = t.coachee.text("/home").await;
    assert!(home.contains("Not yet"), "{home}");
    assert!(
        home.contains("0 of 2 recommended coaching sessions done"),
        "{home}"
    );

    // The coach sees the same state, and can advise scheduling now.
    let coach_home = t.coach.text("/home").await;
    assert!(coach_home.contains("Not yet"), "{coach_home}");
    let response = t
        .coach
        .post(
            &format!("/engagements/{}/alignment/advice", t.engagement),
            &[("advised", "yes")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let home = t.coachee.text("/home").await;
    assert!(home.contains("Time for the goal alignment"), "{home}");
    assert!(home.contains("coach advised"), "{home}");

    // A form with mistakes comes back with the reasons and what was typed.
    let page = t.planning_page().await;
    assert!(page.contains("Morgan") || page.contains("Leading Teams Manager"));
    let key = hidden(&page, "request_key");
    let response = t
        .coachee
        .post(
            &format!("/engagements/{}/alignment", t.engagement),
            &[
                ("request_key", key.as_str()),
                ("kind", "initial"),
                ("duration", "30"),
                ("place", "Room typed before the mistake"),
                ("manager_name", "Morgan"),
                ("manager_email", "not an address"),
                ("date1", "2020-01-01"),
                ("time1", "10:00"),
                ("opens", "coachee"),
                ("closes", "coach"),
                ("coach_role", "observe"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("has already passed"), "{body}");
    assert!(
        body.contains("manager&#39;s email address")
            || body.contains("manager's email address")
            || body.contains("manager&#x27;s email address"),
        "{body}"
    );
    assert!(body.contains("Room typed before the mistake"), "{body}");
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings")
            .await,
        0
    );

    // The same form sent twice (a double click) makes one meeting and one email.
    let page = t.planning_page().await;
    let fields = schedule_fields(&page, &[(day(10), "10:00"), (day(11), "14:30")]);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let path = format!("/engagements/{}/alignment", t.engagement);
    let (first, second) = tokio::join!(
        t.coachee.post(&path, &fields),
        t.coachee.post(&path, &fields)
    );
    assert_eq!(first.status(), 303);
    assert_eq!(second.status(), 303);
    assert_eq!(location(&first), location(&second));
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings")
            .await,
        1
    );
    assert_eq!(
        t.scalar_i64(&format!(
            "select count(*) from outbox_messages where recipient_email = '{MANAGER}'"
        ))
        .await,
        1
    );
    let home = t.coachee.text("/home").await;
    assert!(home.contains("Goal alignment planned"), "{home}");
    assert!(
        home.contains("Waiting for Morgan Manager to answer"),
        "{home}"
    );

    // The manager's invitation: why, the two times in their zone, the link, no .ics yet.
    let (text, ics): (String, Option<String>) = sqlx::query_as(
        "select body_text, calendar_ics from outbox_messages where recipient_email = $1",
    )
    .bind(MANAGER)
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert!(text.contains("Robin"), "{text}");
    assert!(text.contains("not a performance review"), "{text}");
    assert!(text.contains("/m/"), "{text}");
    assert!(
        text.contains(":00 GMT") || text.contains(":00 BST"),
        "{text}"
    );
    assert!(text.contains("14:30"), "{text}");
    assert!(ics.is_none());
    assert!(!text.contains("PREP-SECRET"), "{text}");
    // The meeting is open with two times on offer: its progress row knows.
    assert_eq!(t.app.assert_progress_follows_facts().await, 1);
}

#[tokio::test]
async fn across_daylight_saving_each_person_sees_their_own_time_and_one_reminder_is_due() {
    let t = trio(true).await;
    // 17 March: New York has moved its clocks (second Sunday of March), London
    // has not (last Sunday). 10:00 in London is 10:00 UTC and 06:00 in New York.
    let year = Utc::now().year() + 1;
    let date = format!("{year}-03-17");
    let meeting_path = t.schedule(&[(date.clone(), "10:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let manager = t.manager(&token).await;
    let response = manager
        .post(
            &format!("{}/time-zone", guest(&token)),
            &shown_on(&token, &[("time_zone", "America/New_York")]),
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = manager.text(&guest(&token)).await;
    assert!(
        page.contains(&format!("17 Mar {year}, 06:00 EDT")),
        "{page}"
    );
    let candidate = hidden(&page, "candidate");
    let sequence = hidden(&page, "sequence");
    let response = manager
        .post(
            &format!("{}/accept", guest(&token)),
            &shown_on(
                &token,
                &[("candidate", &candidate), ("sequence", &sequence)],
            ),
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        manager
            .text(&guest(&token))
            .await
            .contains(&format!("17 Mar {year}, 06:00 EDT"))
    );
    assert!(
        t.coachee
            .text(&meeting_path)
            .await
            .contains(&format!("17 Mar {year}, 10:00 GMT"))
    );
    assert!(
        t.coach
            .text(&meeting_path)
            .await
            .contains(&format!("17 Mar {year}, 11:00 CET"))
    );

    // The manager's calendar file, read with an independent parser.
    let ics: String = sqlx::query_scalar(
        "select calendar_ics from outbox_messages where recipient_email = $1 and calendar_method = 'REQUEST'
         order by created_at desc limit 1",
    )
    .bind(MANAGER)
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    let calendar = ical::IcalParser::new(ics.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    let event = &calendar.events[0];
    let value = |name: &str| {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap()
    };
    assert_eq!(value("DTSTART"), format!("{year}0317T100000Z"));
    assert_eq!(value("DTEND"), format!("{year}0317T103000Z"));
    assert_eq!(value("SEQUENCE"), "1");
    let uid = value("UID");
    // The downloadable file says the same, as a copy to keep (PUBLISH) that
    // holds no guest link: a calendar file travels further than an email.
    let download = manager.get(&format!("{}/meeting.ics", guest(&token))).await;
    assert_eq!(download.status(), 200);
    assert_eq!(
        download.headers()["content-type"],
        "text/calendar; charset=utf-8; method=PUBLISH"
    );
    let file = download.text().await.unwrap();
    assert!(
        file.contains(&format!("DTSTART:{year}0317T100000Z")),
        "{file}"
    );
    assert!(file.contains("METHOD:PUBLISH\r\n"), "{file}");
    assert!(
        !file.contains("/m/") && !file.contains("ATTENDEE"),
        "{file}"
    );

    // One reminder per person, due 24 hours before, in UTC.
    let due = format!("{year}-03-16 10:00:00+00");
    let reminders = || async {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "select recipient_email, to_char(next_attempt_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00'
             from outbox_messages where dedupe_key like '%-reminder-%' and status = 'queued' order by 1",
        )
        .fetch_all(&mut t.app.owner_connection().await)
        .await
        .unwrap();
        rows
    };
    let rows = reminders().await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|(_, at)| *at == due), "{rows:?}");

    // The coach moves it an hour later: an update with a higher SEQUENCE and
    // the same link, and still one reminder each, at the new instant.
    let response = t
        .coach
        .post(
            &format!("{meeting_path}/reschedule"),
            &[
                ("date", &date),
                ("time", "12:00"),
                ("duration", "30"),
                ("place", "Room 2.01"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (text, ics): (String, String) = sqlx::query_as(
        "select body_text, calendar_ics from outbox_messages
         where recipient_email = $1 and calendar_method = 'REQUEST'
         order by created_at desc limit 1",
    )
    .bind(MANAGER)
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert!(
        text.contains(&format!("/m/{token}")),
        "the same link: {text}"
    );
    assert!(text.contains("07:00 EDT"), "{text}");
    let calendar = ical::IcalParser::new(ics.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    let get = |name: &str| {
        calendar.events[0]
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap()
    };
    assert_eq!(get("UID"), uid);
    assert_eq!(get("SEQUENCE"), "2");
    assert_eq!(get("DTSTART"), format!("{year}0317T110000Z"));
    let rows = reminders().await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    let due = format!("{year}-03-16 11:00:00+00");
    assert!(rows.iter().all(|(_, at)| *at == due), "{rows:?}");
    // The manager is asked to confirm the new time.
    assert!(
        manager
            .text(&guest(&token))
            .await
            .contains("Not answered yet")
    );
}
