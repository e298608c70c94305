//! `sqlx::migrate!` embeds `migrations/` at compile time; without this, a new
//! migration file would not make cargo build the crate again.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
