//! Helpers for the crate's own unit tests.

/// A property test's number of cases: `PROPTEST_CASES` when it is set (to
/// search harder, as `PROPTEST_CASES=20000 cargo test --lib` does), else
/// `default`, what every test run can afford.
pub fn cases(default: u32) -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default);
    proptest::test_runner::Config::with_cases(cases)
}
