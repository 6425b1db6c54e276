//! A plan's files as they were at a git revision, for `planck diff --git REV`: the
//! library's `FileSystem`, answered by the `git` command instead of the disk.
//!
//! Paths are looked up in the revision's tree relative to the repository root, with
//! literal path specs: git never follows a symbolic link while walking a tree, and a
//! link stored in the tree is refused rather than read, so a path cannot lead outside
//! the repository (the loader also keeps it inside the project). `git` is run directly
//! with `-C` at the repository root, never through a shell; the revision is resolved
//! once to a commit id, so an option-like or odd revision name reaches git only once,
//! after `--end-of-options`.

use planck::fs::MAX_FILE_BYTES;
use planck::resolve::load::{FileSystem, normalize};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a path is in the revision's tree.
#[derive(Debug, Clone)]
enum Entry {
    /// A file: its object id and size in bytes.
    Blob {
        id: String,
        size: u64,
    },
    Folder,
    Link,
    /// Something else (a submodule).
    Other,
}

/// The tree of one commit of the repository holding a plan.
pub struct GitFs {
    /// The repository's root (canonical).
    top: PathBuf,
    /// The full commit id the revision named.
    commit: String,
    /// What was learnt of each path, so a file is looked up once.
    entries: RefCell<HashMap<PathBuf, Option<Entry>>>,
}

/// Run git at `dir` and return its standard output, or its message on failure.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .arg("--literal-pathspecs")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

impl GitFs {
    /// The repository holding `folder`, at `rev`. Errors say what is wrong in words: not
    /// a repository, an unknown revision, git missing.
    pub fn open(folder: &Path, rev: &str) -> Result<GitFs, String> {
        let top = git(folder, &["rev-parse", "--show-toplevel"]).map_err(|e| {
            if e.starts_with("cannot run git") {
                e
            } else {
                format!("--git: {} is not inside a git repository", folder.display())
            }
        })?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches('\n'));
        let top = std::fs::canonicalize(&top).unwrap_or(top);
        let unknown = || format!("--git: unknown revision `{rev}` in {}", top.display());
        if rev.is_empty() || rev.starts_with('-') {
            return Err(unknown());
        }
        let spec = format!("{rev}^{{commit}}");
        let commit = git(
            &top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ],
        )
        .map_err(|_| unknown())?;
        let commit = String::from_utf8_lossy(&commit).trim().to_string();
        if commit.is_empty() {
            return Err(unknown());
        }
        Ok(GitFs {
            top,
            commit,
            entries: RefCell::new(HashMap::new()),
        })
    }

    /// The path inside the repository, `None` when `path` lies outside it.
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        normalize(path)
            .strip_prefix(&self.top)
            .ok()
            .map(Path::to_path_buf)
    }

    /// What `path` is at the revision, `None` when nothing is there.
    fn entry(&self, path: &Path) -> io::Result<Option<Entry>> {
        let Some(rel) = self.relative(path) else {
            return Ok(None);
        };
        if rel.as_os_str().is_empty() {
            return Ok(Some(Entry::Folder));
        }
        if let Some(known) = self.entries.borrow().get(&rel) {
            return Ok(known.clone());
        }
        let rel_text = rel
            .to_str()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a UTF-8 path"))?;
        let listing = git(
            &self.top,
            &[
                "ls-tree",
                "-l",
                "-z",
                "--full-tree",
                &self.commit,
                "--",
                rel_text,
            ],
        )
        .map_err(io::Error::other)?;
        let found = listing
            .split(|&b| b == 0)
            .filter_map(parse_ls_tree)
            .find(|(name, _)| name == rel_text)
            .map(|(_, entry)| entry);
        self.entries.borrow_mut().insert(rel, found.clone());
        Ok(found)
    }

    /// The bytes of the file at `path` at the revision, `None` when there is no file
    /// there (nothing, or a folder). A link or an unreadable object is an error.
    pub fn blob(&self, path: &Path) -> Result<Option<Vec<u8>>, String> {
        match self.read(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!(
                "cannot read {} at {}: {e}",
                path.display(),
                self.commit
            )),
        }
    }
}

/// One record of `git ls-tree -l -z`: `MODE TYPE ID SIZE\tPATH`.
fn parse_ls_tree(record: &[u8]) -> Option<(String, Entry)> {
    let text = std::str::from_utf8(record).ok()?;
    let (meta, name) = text.split_once('\t')?;
    let mut parts = meta.split_whitespace();
    let mode = parts.next()?;
    let kind = parts.next()?;
    let id = parts.next()?;
    let size = parts.next()?;
    let entry = match (mode, kind) {
        ("120000", _) => Entry::Link,
        (_, "blob") => Entry::Blob {
            id: id.to_string(),
            size: size.parse().ok()?,
        },
        (_, "tree") => Entry::Folder,
        _ => Entry::Other,
    };
    Some((name.to_string(), entry))
}

impl FileSystem for GitFs {
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        match self.entry(path)? {
            Some(_) => Ok(normalize(path)),
            None => Err(io::ErrorKind::NotFound.into()),
        }
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let refuse = |what: &str| {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("not a regular file (a {what} at the revision)"),
            ))
        };
        match self.entry(path)? {
            None => Err(io::ErrorKind::NotFound.into()),
            Some(Entry::Folder) => refuse("folder"),
            Some(Entry::Link) => refuse("symbolic link"),
            Some(Entry::Other) => refuse("submodule"),
            Some(Entry::Blob { size, .. }) if size > MAX_FILE_BYTES => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the file is larger than {} MiB",
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            )),
            Some(Entry::Blob { id, .. }) => {
                git(&self.top, &["cat-file", "blob", &id]).map_err(io::Error::other)
            }
        }
    }
}
