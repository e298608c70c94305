//! The landing page: what Triad is, for someone arriving for the first time.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::get;

use crate::startup::AppState;
use crate::web::flash::Flashes;
use crate::web::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(show))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
}

async fn show(flashes: Flashes) -> HomePage {
    HomePage {
        layout: Layout::new("Coaching programmes that keep their promise").with_flashes(flashes),
    }
}
