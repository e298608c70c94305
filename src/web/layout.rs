//! What every page's frame needs: its title, the flash messages, asset links.
//! Page structs carry a `layout` field that `templates/base.html` reads.

use crate::web::assets;
use crate::web::flash::{Flash, Flashes};

#[derive(Clone, Debug)]
pub struct Layout {
    pub title: String,
    pub flashes: Vec<Flash>,
}

impl Layout {
    pub fn new(title: impl Into<String>) -> Self {
        Layout {
            title: title.into(),
            flashes: Vec::new(),
        }
    }

    pub fn with_flashes(mut self, flashes: Flashes) -> Self {
        self.flashes = flashes.0;
        self
    }

    pub fn stylesheet(&self) -> &'static str {
        assets::url("triad.css")
    }

    pub fn icon(&self) -> &'static str {
        assets::url("favicon.svg")
    }
}
