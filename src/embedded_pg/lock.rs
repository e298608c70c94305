//! One owner per cluster: the process that starts the embedded cluster holds an
//! advisory lock on `owner.lock` beside it for as long as it runs, and writes in
//! it who it is. Every other Triad process on the same data directory finds the
//! lock held and leaves the cluster alone; when the owner dies, however it dies,
//! the operating system lets go of the lock, so a crashed owner never blocks the
//! next one.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::Context;
use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

/// The lock file, inside the cluster's directory.
const LOCK_FILE: &str = "owner.lock";

/// The lock, held for the life of the owning process (or of this value).
#[derive(Debug)]
pub struct OwnerLock {
    file: Flock<File>,
    owner: Owner,
}

/// Who holds the lock, as they wrote it down.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Owner {
    pub pid: Option<u32>,
    /// The command it runs, such as `triad serve`.
    pub command: Option<String>,
    /// Where it serves, once it does.
    pub url: Option<String>,
}

/// Another process owns the cluster. Its message is the one line a person
/// starting a second server reads.
#[derive(Debug)]
pub struct AlreadyOwned {
    pub owner: Owner,
}

impl std::error::Error for AlreadyOwned {}

impl std::fmt::Display for AlreadyOwned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let owner = &self.owner;
        let who = owner.who();
        match (&owner.url, &owner.command) {
            (Some(url), _) => write!(
                f,
                "Triad is already running on this data directory ({who}, {url}); \
                 stop it first or use another TRIAD_DATA_DIR"
            ),
            (None, Some(command)) if !owner.is_server() => write!(
                f,
                "another Triad command is using this data directory ({who}, `{command}`); \
                 wait for it or stop it first, or use another TRIAD_DATA_DIR"
            ),
            (None, _) => write!(
                f,
                "Triad is already running on this data directory ({who}, starting up); \
                 stop it first or use another TRIAD_DATA_DIR"
            ),
        }
    }
}

impl OwnerLock {
    /// Takes the lock on the cluster in `root` unless a live process holds it,
    /// and writes down this process. `Err` carries the owner it found.
    pub fn acquire(root: &Path) -> anyhow::Result<Result<OwnerLock, AlreadyOwned>> {
        let path = root.join(LOCK_FILE);
        // Never truncated on open: the owner's words must survive a reader.
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(file) => {
                let mut lock = OwnerLock {
                    file,
                    owner: Owner {
                        pid: Some(std::process::id()),
                        command: Some(this_command()),
                        url: None,
                    },
                };
                lock.write()
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Ok(Ok(lock))
            }
            Err((mut file, Errno::EWOULDBLOCK)) => {
                let mut text = String::new();
                file.read_to_string(&mut text)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                Ok(Err(AlreadyOwned {
                    owner: Owner::parse(&text),
                }))
            }
            Err((_, errno)) => {
                Err(errno).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }

    /// Notes where the owner serves, for the message a second server prints.
    pub fn announce(&mut self, url: &str) -> anyhow::Result<()> {
        self.owner.url = Some(url.to_owned());
        self.write()
            .context("cannot write the cluster's owner.lock")
    }

    fn write(&mut self) -> std::io::Result<()> {
        let text = self.owner.to_text();
        let file: &mut File = &mut self.file;
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(text.as_bytes())?;
        file.flush()
    }
}

impl Owner {
    /// Whether the owner is a server (`triad` or `triad serve`), not a
    /// command that ends by itself.
    fn is_server(&self) -> bool {
        self.command
            .as_deref()
            .is_none_or(|command| matches!(command.split_whitespace().nth(1), None | Some("serve")))
    }

    /// "process 1234", for messages.
    pub fn who(&self) -> String {
        match self.pid {
            Some(pid) => format!("process {pid}"),
            None => "a Triad process that is still starting".to_owned(),
        }
    }

    fn to_text(&self) -> String {
        let mut text = String::new();
        if let Some(pid) = self.pid {
            text.push_str(&format!("pid={pid}\n"));
        }
        if let Some(command) = &self.command {
            text.push_str(&format!("command={command}\n"));
        }
        if let Some(url) = &self.url {
            text.push_str(&format!("url={url}\n"));
        }
        text
    }

    fn parse(text: &str) -> Owner {
        let mut owner = Owner::default();
        for line in text.lines() {
            match line.split_once('=') {
                Some(("pid", pid)) => owner.pid = pid.trim().parse().ok(),
                Some(("command", command)) => owner.command = Some(command.trim().to_owned()),
                Some(("url", url)) => owner.url = Some(url.trim().to_owned()),
                _ => {}
            }
        }
        owner
    }
}

/// `triad serve`, `triad migrate`…: the program's name and its command.
fn this_command() -> String {
    let mut args = std::env::args();
    let program = args
        .next()
        .and_then(|path| {
            Path::new(&path)
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "triad".to_owned());
    match args.next().filter(|arg| !arg.starts_with('-')) {
        Some(command) => format!("{program} {command}"),
        None => program,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_directory_names_the_first_owner() {
        let root = tempfile::tempdir().unwrap();
        let mut first = OwnerLock::acquire(root.path()).unwrap().unwrap();
        first.announce("http://127.0.0.1:3000/").unwrap();

        let refused = OwnerLock::acquire(root.path()).unwrap().unwrap_err();
        assert_eq!(refused.owner.pid, Some(std::process::id()));
        assert_eq!(refused.owner.url.as_deref(), Some("http://127.0.0.1:3000/"));
        let message = refused.to_string();
        assert!(
            message.contains(&format!("process {}", std::process::id())),
            "{message}"
        );
        assert!(message.contains("TRIAD_DATA_DIR"), "{message}");

        drop(first);
        let again = OwnerLock::acquire(root.path()).unwrap();
        assert!(again.is_ok(), "a released lock can be taken again");
    }

    #[test]
    fn an_owner_that_does_not_serve_is_named_by_its_command() {
        let owner = Owner::parse("pid=42\ncommand=triad migrate\n");
        let message = AlreadyOwned { owner }.to_string();
        assert!(message.contains("process 42, `triad migrate`"), "{message}");
        let owner = Owner::parse("pid=42\ncommand=triad serve\n");
        let message = AlreadyOwned { owner }.to_string();
        assert!(
            message.starts_with(
                "Triad is already running on this data directory (process 42, starting up)"
            ),
            "{message}"
        );
    }
}
