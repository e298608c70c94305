//! What is wrong with a sent form, field by field: the messages a failed form
//! is re-rendered with, beside the fields they are about. The templates'
//! side is `templates/_problems.html`.

use std::borrow::Cow;

/// A form's problems in the order they were found, one message per field.
///
/// A field's key is the stem of its problem's id in the page: the message for
/// `"starts"` is rendered as `<p id="starts-problem">` and the field points at
/// it with `aria-describedby`. So keys are written as ids are (`"manager-name"`),
/// not as the form's Rust fields. Messages are mostly fixed text, but some
/// name what was typed (a time already past), hence `Cow`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, Cow<'static, str>)>);

impl FieldErrors {
    /// Says what is wrong with `field`. A field has one message: a later one
    /// replaces an earlier one, keeping the field's place in the order.
    pub fn set(&mut self, field: &'static str, message: impl Into<Cow<'static, str>>) {
        let message = message.into();
        match self.0.iter_mut().find(|(key, _)| *key == field) {
            Some((_, kept)) => *kept = message,
            None => self.0.push((field, message)),
        }
    }

    /// The form's problems with one more: for a problem found once the
    /// form's own checks have passed, such as a meeting that cannot be
    /// planned now.
    #[must_use]
    pub fn with(mut self, field: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        self.set(field, message);
        self
    }

    /// What is wrong with `field`, if anything.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| *key == field)
            .map(|(_, message)| message.as_ref())
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Whether anything needs another look: the form is sent back.
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Each field and its message, in the order found — for a summary.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(key, message)| (*key, message.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_form_has_no_problems() {
        let errors = FieldErrors::default();
        assert!(!errors.any());
        assert!(errors.is_empty());
        assert_eq!(errors.len(), 0);
        assert_eq!(errors.get("name"), None);
        assert!(!errors.has("name"));
    }

    #[test]
    fn a_problem_is_found_under_its_field_only() {
        let mut errors = FieldErrors::default();
        errors.set("name", "Enter a name.");
        assert!(errors.any());
        assert!(!errors.is_empty());
        assert_eq!(errors.get("name"), Some("Enter a name."));
        assert!(errors.has("name"));
        assert_eq!(errors.get("email"), None);
        assert!(!errors.has("email"));
    }

    #[test]
    fn a_later_message_for_a_field_replaces_the_earlier_in_its_place() {
        let mut errors = FieldErrors::default();
        errors.set("ends", "Enter the end date.");
        errors.set("status", "Choose a status.");
        errors.set("ends", "The end date is before the start date.");
        assert_eq!(errors.len(), 2);
        assert_eq!(
            errors.iter().collect::<Vec<_>>(),
            [
                ("ends", "The end date is before the start date."),
                ("status", "Choose a status."),
            ]
        );
    }

    #[test]
    fn problems_come_back_in_the_order_found() {
        let mut errors = FieldErrors::default();
        errors.set("title", "Give it a title.");
        errors.set("kind", String::from("Choose a kind."));
        errors.set("url", "Enter a web address.");
        let keys: Vec<_> = errors.iter().map(|(key, _)| key).collect();
        assert_eq!(keys, ["title", "kind", "url"]);
    }

    #[test]
    fn with_adds_a_problem_to_those_found() {
        let errors = FieldErrors::default().with("kind", "Not now.");
        assert_eq!(errors.get("kind"), Some("Not now."));
    }

    /// A page using the macros of `templates/_problems.html` the way the
    /// forms do, so their exact output is pinned down here.
    #[derive(askama::Template)]
    #[template(
        ext = "html",
        source = r#"{% import "_problems.html" as field -%}
<div>
  {{ field::problem(errors, "name") }}
</div>
{{ field::problem(errors, "name") }}|{{ field::problem(errors, "name", id = false) }}
<input required{{ field::invalid(errors, "name") }}>
<input{{ field::described(errors, "name", "name-hint") }}>
<textarea{{ field::described(errors, "name", "name-hint", mark = false) }}>"#
    )]
    struct Sample<'a> {
        errors: &'a FieldErrors,
    }

    fn render(errors: &FieldErrors) -> String {
        askama::Template::render(&Sample { errors }).unwrap()
    }

    #[test]
    fn a_field_without_a_problem_renders_as_before_there_were_problems() {
        assert_eq!(
            render(&FieldErrors::default()),
            "<div>\n  \n</div>\n|\n<input required>\n<input aria-describedby=\"name-hint\">\n<textarea aria-describedby=\"name-hint\">"
        );
    }

    #[test]
    fn a_field_with_a_problem_shows_it_escaped_and_points_at_it() {
        let errors = FieldErrors::default().with("name", "Not <b>\"this\"</b> & that.");
        let message = "Not &#60;b&#62;&#34;this&#34;&#60;/b&#62; &#38; that.";
        assert_eq!(
            render(&errors),
            format!(
                "<div>\n  <p class=\"error\" id=\"name-problem\">{message}</p>\n</div>\n\
                 <p class=\"error\" id=\"name-problem\">{message}</p>|<p class=\"error\">{message}</p>\n\
                 <input required aria-invalid=\"true\" aria-describedby=\"name-problem\">\n\
                 <input aria-describedby=\"name-hint name-problem\" aria-invalid=\"true\">\n\
                 <textarea aria-describedby=\"name-hint name-problem\">"
            )
        );
    }
}
