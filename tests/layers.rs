//! The layers only look down (issue 12): routes → app → ledger → db → domain, with auth, the
//! error type and the state beside them. This reads `src/` as text and fails naming every file
//! that imports upward, so a shortcut cannot creep back in unnoticed.
//!
//! | layer | may not use |
//! | --- | --- |
//! | `domain/` | actix, diesel, the HTTP error, and every other layer of the crate |
//! | `app/` | actix, the HTTP error and extractors, routes, startup |
//! | `ledger/`, `db/` | actix, the HTTP error, app, routes, startup |
//! | `auth/`, `middleware/` | startup, routes |
//! | `routes/<resource>/` | another route module |

use std::fs;
use std::path::{Path, PathBuf};

/// (folder under src/, what its files may not mention)
const RULES: &[(&str, &[&str])] = &[
    (
        "domain",
        &[
            "actix_web",
            "diesel",
            "crate::error",
            "crate::db",
            "crate::app",
            "crate::ledger",
            "crate::auth",
            "crate::routes",
            "crate::state",
            "crate::startup",
            "crate::extract",
            "crate::idempotency",
        ],
    ),
    (
        "app",
        &[
            "actix_web",
            "crate::error",
            "crate::extract",
            "crate::routes",
            "crate::startup",
            "crate::state",
        ],
    ),
    (
        "ledger",
        &[
            "actix_web",
            "crate::error",
            "crate::app",
            "crate::routes",
            "crate::startup",
            "crate::state",
        ],
    ),
    (
        "db",
        &[
            "actix_web",
            "crate::error",
            "crate::app",
            "crate::ledger",
            "crate::routes",
            "crate::startup",
            "crate::state",
        ],
    ),
    ("auth", &["crate::startup", "crate::routes"]),
    ("middleware", &["crate::startup", "crate::routes"]),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (a comment may name any layer).
fn code(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_file_imports_upward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for (folder, banned) in RULES {
        let mut files = Vec::new();
        rust_files(&src.join(folder), &mut files);
        for file in files {
            let text = code(&file);
            for word in *banned {
                if text.contains(word) {
                    let name = file.strip_prefix(&src).unwrap().display().to_string();
                    found.push(format!("{name} uses {word}"));
                }
            }
        }
    }
    found.sort();
    assert!(
        found.is_empty(),
        "imports that look up a layer:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_route_imports_another_route() {
    let routes = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let mut files = Vec::new();
    rust_files(&routes, &mut files);
    let mut found = Vec::new();
    for file in files {
        let name = file.strip_prefix(&routes).unwrap().display().to_string();
        if name == "mod.rs" {
            continue; // the routing table names every resource
        }
        let text = code(&file);
        if text.contains("crate::routes::") || text.contains("super::super::") {
            found.push(name);
        }
    }
    found.sort();
    assert!(
        found.is_empty(),
        "route modules importing another route module:\n{}",
        found.join("\n")
    );
}
