//! The files themselves, each with the content hash its link carries: what
//! pages link to (the layout) and what `/static` serves read them from here.

use std::collections::HashMap;
use std::sync::LazyLock;

use sha2::{Digest, Sha256};

pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    pub version: String,
    url: &'static str,
}

const FILES: &[(&str, &[u8], &str)] = &[
    (
        "triad.css",
        include_bytes!("../../../static/triad.css"),
        "text/css; charset=utf-8",
    ),
    (
        "zone.js",
        include_bytes!("../../../static/zone.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "favicon.svg",
        include_bytes!("../../../static/favicon.svg"),
        "image/svg+xml",
    ),
];

pub static ASSETS: LazyLock<HashMap<&'static str, Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, bytes, content_type)| {
            let version = hex::encode(&Sha256::digest(bytes)[..6]);
            // Built once per process and kept for its life.
            let url: &'static str =
                Box::leak(format!("/static/{name}?v={version}").into_boxed_str());
            (
                name,
                Asset {
                    bytes,
                    content_type,
                    version,
                    url,
                },
            )
        })
        .collect()
});

/// The versioned link to a static file. Panics on a name that is not in `FILES`,
/// which a page test catches at once.
pub fn url(name: &str) -> &'static str {
    ASSETS
        .get(name)
        .map(|asset| asset.url)
        .expect("a known static file")
}
