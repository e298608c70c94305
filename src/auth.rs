//! Who someone is, below any web page: passwords and their hashing, attempt
//! limits, one-time link tokens, and the keys that sign form stamps and
//! device cookies. (Login sessions, CSRF and the extractors that guard tenant
//! data are HTTP, and live under `web`.)

pub mod device;
pub mod password;
pub mod stamp;
pub mod throttle;
pub mod tokens;
