//! The house keeps its shape: no import cycle between the files of `src/`,
//! and no file of `src/` or `tests/` over 500 lines. Read from the source, so
//! a change that breaks either fails here, naming the files and the imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MOST_LINES: usize = 500;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// A file's module path: `src/web/forms/csrf.rs` is `web::forms::csrf`.
fn module_of(file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(root().join("src")).unwrap();
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts == ["lib"] {
        parts.clear();
    }
    parts
}

/// The file that defines the longest leading part of `path`.
fn file_of(path: &[String]) -> Option<PathBuf> {
    let src = root().join("src");
    (1..=path.len()).rev().find_map(|n| {
        let candidate = src.join(format!("{}.rs", path[..n].join("/")));
        candidate.exists().then_some(candidate)
    })
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_owned()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(&format!("{prefix}{}", p.trim())))
        .collect()
}

/// Code without comments, and without the file's own test module (whose
/// `super::` is the file itself).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path a file names that starts at `crate`, `super` or `self`, as the
/// module path it reaches.
fn paths_in(file: &Path, code: &str) -> Vec<Vec<String>> {
    let here = module_of(file);
    let mut named = Vec::new();
    // `use` statements, groups expanded.
    for statement in code.split(';') {
        let statement = statement.trim();
        let Some(at) = statement.find("use ") else {
            continue;
        };
        let before = &statement[..at];
        if !(before.trim().is_empty()
            || before.trim_end().ends_with("pub")
            || before.trim_end().ends_with(')'))
        {
            continue;
        }
        named.extend(expand(&statement[at + 4..]));
    }
    // Paths written out in the code.
    for start in ["crate::", "super::", "self::"] {
        let mut rest = code;
        while let Some(at) = rest.find(start) {
            let boundary = rest[..at]
                .chars()
                .last()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'));
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            if boundary {
                named.push(tail[..end].trim_end_matches(':').to_owned());
            }
            rest = &tail[end.max(1)..];
        }
    }
    // Paths that start at a child module of this file (`mod answers;` …
    // `answers::save`), written out or in a `use`.
    let children: Vec<&str> = code
        .lines()
        .filter_map(|line| {
            let line = line
                .trim()
                .trim_start_matches("pub ")
                .trim_start_matches("pub(crate) ");
            line.strip_prefix("mod ")?.strip_suffix(';')
        })
        .collect();
    for child in &children {
        let start = format!("{child}::");
        let mut rest = code;
        while let Some(at) = rest.find(&start) {
            let boundary = rest[..at]
                .chars()
                .last()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'));
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            if boundary {
                named.push(format!("self::{}", tail[..end].trim_end_matches(':')));
            }
            rest = &tail[end.max(1)..];
        }
    }
    named
        .into_iter()
        .filter_map(|path| {
            let mut segments: Vec<String> = path.split("::").map(str::to_owned).collect();
            if children.contains(&segments[0].as_str()) {
                segments.insert(0, "self".into());
            }
            let mut base = match segments.first().map(String::as_str) {
                Some("crate") => Vec::new(),
                Some("self") => here.clone(),
                Some("super") => {
                    let mut up = here.clone();
                    while segments.first().map(String::as_str) == Some("super") {
                        up.pop();
                        segments.remove(0);
                    }
                    segments.insert(0, "super".into());
                    up
                }
                _ => return None,
            };
            segments.remove(0);
            base.extend(segments.into_iter().filter(|s| s != "*" && !s.is_empty()));
            Some(base)
        })
        .collect()
}

/// File → the files it imports from, with the paths that tie them.
fn imports() -> BTreeMap<PathBuf, BTreeMap<PathBuf, BTreeSet<String>>> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut graph = BTreeMap::new();
    for file in files.into_iter().filter(|f| !f.ends_with("src/main.rs")) {
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        let mut edges: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
        for path in paths_in(&file, &code) {
            if let Some(target) = file_of(&path).filter(|t| *t != file) {
                edges.entry(target).or_default().insert(path.join("::"));
            }
        }
        graph.insert(file, edges);
    }
    graph
}

/// The strongly connected groups of more than one file (Tarjan).
fn cycles(graph: &BTreeMap<PathBuf, BTreeMap<PathBuf, BTreeSet<String>>>) -> Vec<Vec<PathBuf>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<PathBuf, BTreeMap<PathBuf, BTreeSet<String>>>,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on_stack: BTreeSet<&'a PathBuf>,
        found: Vec<Vec<PathBuf>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, file: &'a PathBuf) {
            let n = self.index.len();
            self.index.insert(file, n);
            self.low.insert(file, n);
            self.stack.push(file);
            self.on_stack.insert(file);
            for next in self.graph[file].keys() {
                let Some((next, _)) = self.graph.get_key_value(next) else {
                    continue;
                };
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[file].min(self.low[next]);
                    self.low.insert(file, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[file].min(self.index[next]);
                    self.low.insert(file, low);
                }
            }
            if self.low[file] == self.index[file] {
                let mut group = Vec::new();
                while let Some(top) = self.stack.pop() {
                    self.on_stack.remove(top);
                    group.push(top.clone());
                    if top == file {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for file in graph.keys() {
        if !walk.index.contains_key(file) {
            walk.visit(file);
        }
    }
    walk.found
}

fn short(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn no_file_of_src_imports_itself_back_through_others() {
    let graph = imports();
    assert!(
        graph.len() > 50,
        "the source tree was read ({} files)",
        graph.len()
    );
    let mut report = Vec::new();
    for group in cycles(&graph) {
        report.push(format!("a circle of {} files:", group.len()));
        for file in &group {
            for (target, paths) in &graph[file] {
                if group.contains(target) {
                    let names: Vec<&str> = paths.iter().map(String::as_str).collect();
                    report.push(format!(
                        "  {} -> {}: {}",
                        short(file),
                        short(target),
                        names.join(", ")
                    ));
                }
            }
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_circle_and_names_its_imports() {
    // Two files importing each other, and a third importing one of them.
    let (a, b, c) = (
        PathBuf::from("a.rs"),
        PathBuf::from("b.rs"),
        PathBuf::from("c.rs"),
    );
    let edge = |to: &PathBuf, name: &str| (to.clone(), BTreeSet::from([name.to_owned()]));
    let graph = BTreeMap::from([
        (a.clone(), BTreeMap::from([edge(&b, "crate::b::One")])),
        (b.clone(), BTreeMap::from([edge(&a, "crate::a::Two")])),
        (c.clone(), BTreeMap::from([edge(&a, "crate::a::Two")])),
    ]);
    assert_eq!(cycles(&graph), vec![vec![a, b]]);
    assert_eq!(
        expand("crate::web::{forms::{csrf, once::FIELD}, layout as page}"),
        vec![
            "crate::web::forms::csrf",
            "crate::web::forms::once::FIELD",
            "crate::web::layout"
        ]
    );
}

#[test]
fn no_file_of_src_or_tests_is_over_500_lines() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("tests"), &mut files);
    let mut long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = std::fs::read_to_string(file).unwrap().lines().count();
            (lines > MOST_LINES).then(|| format!("{} has {lines} lines", short(file)))
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "split these by what a reader looks for (at most {MOST_LINES} lines each):\n{}",
        long.join("\n")
    );
}
