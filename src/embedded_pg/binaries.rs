//! Finding the PostgreSQL server binaries installed on the machine.

use std::path::{Path, PathBuf};

/// `pg_ctl`, `initdb` and `postgres` from one directory: the first on `PATH` that
/// has all three, else the newest `/usr/lib/postgresql/*/bin`.
pub fn find_server_binaries() -> anyhow::Result<PathBuf> {
    find_server_binaries_in(std::env::var_os("PATH"), Path::new("/usr/lib/postgresql"))
}

fn find_server_binaries_in(
    path: Option<std::ffi::OsString>,
    versions_root: &Path,
) -> anyhow::Result<PathBuf> {
    let has_all = |dir: &Path| {
        ["pg_ctl", "initdb", "postgres"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    if let Some(dir) = path
        .iter()
        .flat_map(std::env::split_paths)
        .find(|dir| has_all(dir))
    {
        return Ok(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(versions_root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| has_all(bin))
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        anyhow::anyhow!(
            "no PostgreSQL server binaries found (initdb, pg_ctl, postgres on PATH or under \
             /usr/lib/postgresql/*/bin). Either install them (Debian/Ubuntu: apt-get install \
             postgresql) or set DATABASE_URL to an existing PostgreSQL server"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_bin_dir(dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        for binary in ["pg_ctl", "initdb", "postgres"] {
            std::fs::write(dir.join(binary), "").unwrap();
        }
    }

    #[test]
    fn missing_server_binaries_name_both_fixes() {
        let empty = tempfile::tempdir().unwrap();
        let err = find_server_binaries_in(Some(empty.path().into()), empty.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("apt-get install postgresql"), "{err}");
        assert!(err.contains("DATABASE_URL"), "{err}");
    }

    #[test]
    fn binaries_on_path_come_before_the_newest_installed_version() {
        let root = tempfile::tempdir().unwrap();
        let on_path = root.path().join("path-bin");
        fake_bin_dir(&on_path);
        fake_bin_dir(&root.path().join("lib/15/bin"));
        fake_bin_dir(&root.path().join("lib/9/bin"));
        let lib = root.path().join("lib");

        let found = find_server_binaries_in(Some(on_path.clone().into()), &lib).unwrap();
        assert_eq!(found, on_path);
        let found = find_server_binaries_in(None, &lib).unwrap();
        assert_eq!(found, lib.join("15/bin"), "15 is newer than 9, numerically");
    }
}
