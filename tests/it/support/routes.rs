//! The routes the router registers, read from its source: every `.route(...)`
//! under `src/web/`, so tests that walk every route see a new one at once.

use std::collections::BTreeSet;

/// Every (method, path) the web modules register.
pub fn registered_routes() -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut files = vec![root.with_extension("rs")];
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        // Unit tests' own routes are not the product's.
        let product = source.split("#[cfg(test)]").next().unwrap();
        let mut rest = product;
        while let Some(start) = rest.find(".route(") {
            let call = &rest[start + ".route(".len()..];
            // The call ends at the parenthesis that closes `.route(`.
            let mut depth = 1;
            let end = call
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map(|(i, _)| i)
                .unwrap();
            let call = &call[..end];
            let path = call.split('"').nth(1).unwrap().to_owned();
            let handlers = &call[call.find(',').unwrap()..];
            for (marker, method) in [("get(", "GET"), ("post(", "POST")] {
                if handlers.contains(marker) {
                    routes.insert((method.to_owned(), path.clone()));
                }
            }
            rest = &rest[start + 1..];
        }
    }
    routes
}
