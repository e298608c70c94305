//! Counts the SQL statements each request sends, by request id, from sqlx's own
//! per-statement log events. Lets a test say "this page makes N queries, and N
//! does not grow with the number of rows shown".

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

static COUNTS: LazyLock<Mutex<HashMap<String, usize>>> = LazyLock::new(Default::default);
/// Every span and event field written to the logs, as text, to search for
/// things that must never be logged.
static LOGGED: LazyLock<Mutex<Vec<String>>> = LazyLock::new(Default::default);

struct AllFields(String);

impl Visit for AllFields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push_str(&format!(" {}={value}", field.name()));
    }
}

/// The request id a `request` span carries.
struct RequestIdOf(String);

struct IdVisitor(Option<String>);

impl Visit for IdVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "id" {
            self.0 = Some(format!("{value:?}"));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "id" {
            self.0 = Some(value.to_owned());
        }
    }
}

pub struct QueryCounter;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for QueryCounter {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut all = AllFields(attrs.metadata().name().to_owned());
        attrs.record(&mut all);
        LOGGED.lock().unwrap().push(all.0);
        if attrs.metadata().name() != "request" {
            return;
        }
        let mut visitor = IdVisitor(None);
        attrs.record(&mut visitor);
        if let (Some(request_id), Some(span)) = (visitor.0, ctx.span(id)) {
            span.extensions_mut().insert(RequestIdOf(request_id));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut all = AllFields(event.metadata().target().to_owned());
        event.record(&mut all);
        LOGGED.lock().unwrap().push(all.0);
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        for span in scope {
            if let Some(RequestIdOf(request_id)) = span.extensions().get::<RequestIdOf>() {
                *COUNTS
                    .lock()
                    .unwrap()
                    .entry(request_id.clone())
                    .or_default() += 1;
                return;
            }
        }
    }
}

/// Statements sent while serving the request with this `x-request-id`.
pub fn count_for(request_id: &str) -> usize {
    COUNTS.lock().unwrap().get(request_id).copied().unwrap_or(0)
}

/// Whether anything logged so far, by any test in this process, contains `text`.
pub fn logged(text: &str) -> bool {
    LOGGED
        .lock()
        .unwrap()
        .iter()
        .any(|line| line.contains(text))
}

/// How many log lines have been captured, to check the capture works.
pub fn logged_lines() -> usize {
    LOGGED.lock().unwrap().len()
}
