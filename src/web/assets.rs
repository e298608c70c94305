//! Our own stylesheet and icon, compiled into the binary so it runs from any
//! directory. Links carry a content hash (`?v=…`), so browsers may keep a file
//! for a year and still never see a stale one after an upgrade.

pub mod files;

pub use files::url;

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::state::AppState;
use crate::web::assets::files::ASSETS;
use crate::web::error::AppError;

pub fn router() -> Router<AppState> {
    Router::new().route("/static/{name}", get(serve))
}

#[derive(Deserialize)]
struct Version {
    v: Option<String>,
}

async fn serve(
    Path(name): Path<String>,
    Query(version): Query<Version>,
    request_headers: HeaderMap,
) -> Result<Response, AppError> {
    let asset = ASSETS.get(name.as_str()).ok_or(AppError::NotFound)?;
    let etag = format!("\"{}\"", asset.version);
    let cache = if version.v.as_deref() == Some(asset.version.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex is a valid header"),
    );
    if request_headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tag| tag.as_bytes() == etag.as_bytes())
    {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    Ok((headers, asset.bytes).into_response())
}
