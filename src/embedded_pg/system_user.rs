//! As root, the cluster belongs to and runs as the `postgres` system user:
//! finding that user, handing it the cluster's files, and checking it can reach them.

use std::path::Path;

use anyhow::{Context, bail};

#[derive(Clone, Debug)]
pub(super) struct SystemUser {
    pub(super) uid: nix::unistd::Uid,
    pub(super) gid: nix::unistd::Gid,
}

pub(super) fn postgres_system_user() -> anyhow::Result<SystemUser> {
    let user = nix::unistd::User::from_name("postgres")
        .context("cannot look up the postgres system user")?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "running as root, the embedded PostgreSQL cluster must run as the `postgres` \
                 system user, and there is none. Install the postgresql package, run Triad as \
                 a normal user, or set DATABASE_URL"
            )
        })?;
    Ok(SystemUser {
        uid: user.uid,
        gid: user.gid,
    })
}

pub(super) fn set_private_owner(path: &Path, owner: Option<&SystemUser>) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(owner) = owner {
        std::os::unix::fs::chown(path, Some(owner.uid.as_raw()), Some(owner.gid.as_raw()))
            .with_context(|| format!("cannot hand {} to the postgres user", path.display()))?;
    }
    if path.is_dir() {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot make {} private", path.display()))?;
    }
    Ok(())
}

/// As root we hand the cluster to the `postgres` user, who must be able to walk
/// down to it; say so plainly instead of letting initdb fail obscurely.
pub(super) fn reachable_by_others(root: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for dir in root.ancestors().skip(1) {
        let mode = std::fs::metadata(dir)
            .with_context(|| format!("cannot inspect {}", dir.display()))?
            .permissions()
            .mode();
        if mode & 0o001 == 0 {
            bail!(
                "the postgres system user cannot reach {} because {} is closed to other users \
                 (mode {:o}). Set TRIAD_DATA_DIR to a directory outside it, or run `chmod o+x {}`",
                root.display(),
                dir.display(),
                mode & 0o777,
                dir.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_closed_to_others_is_named_in_the_error() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let closed = root.path().join("closed");
        std::fs::create_dir(&closed).unwrap();
        std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o700)).unwrap();
        let err = reachable_by_others(&closed.join("postgres"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("TRIAD_DATA_DIR"), "{err}");
        assert!(err.contains(&closed.display().to_string()), "{err}");
    }
}
