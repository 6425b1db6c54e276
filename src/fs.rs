//! The real file system, for the command line (and any other front end that reads and
//! writes the user's files). Nothing else in the library touches the file system.
//!
//! Files named by a plan are hostile: they are read only when they are regular files, and
//! opening never blocks on a pipe. Outputs are written through a temporary file created
//! exclusively, with an unpredictable name, in the target's folder, then renamed over the
//! target, so a failure leaves the old file whole and a planted link is never followed.

use crate::resolve::load::FileSystem;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The largest file planck reads. Anything larger is refused rather than read into memory.
pub use crate::source::MAX_FILE_BYTES;

/// Reads the user's files from disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealFs;

impl FileSystem for RealFs {
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        read_regular(path)
    }
}

fn error(kind: io::ErrorKind, message: impl Into<String>) -> io::Error {
    io::Error::new(kind, message.into())
}

/// Open `path` for reading without blocking: a pipe with no writer would otherwise make
/// `open` wait for ever.
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// The bytes of the regular file at `path` (symbolic links followed). A folder, pipe,
/// socket or device is refused before a byte is read, as is a file over
/// [`MAX_FILE_BYTES`].
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(error(
            io::ErrorKind::InvalidInput,
            format!("not a regular file (a {})", kind_name(&meta)),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(crate::resolve::load::too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may grow while it is read: never read past the limit.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(crate::resolve::load::too_large());
    }
    Ok(bytes)
}

/// What kind of thing a non-regular file is, in words.
fn kind_name(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "named pipe";
        }
        if kind.is_socket() {
            return "socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "device";
        }
    }
    "special file"
}

/// Whether `path` names a regular file, without following a final symbolic link and
/// without opening it (so a pipe never blocks).
pub fn is_regular_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// The folder a file at `path` lives in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// A temporary file in `dir`, created exclusively (never through an existing file or
/// link) with an unpredictable name.
fn temp_in(dir: &Path, target: &Path) -> io::Result<tempfile::NamedTempFile> {
    let name = target
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".planck-tmp");
    // A new file is as readable as any the user creates (the umask applies), not private
    // as temporary files are by default.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// Write the regular file `path` all at once: the bytes go to an exclusive temporary file
/// beside it, which then replaces `path` by rename. Readers see the old file or the new,
/// never a mix; on failure `path` is untouched and the temporary file removed.
///
/// `path` must already be resolved by [`output_target`]: a symbolic link at `path` would
/// be replaced, not followed.
pub fn write_atomically_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut temp = temp_in(folder_of(path), path)?;
    {
        let mut out = io::BufWriter::new(temp.as_file_mut());
        fill(&mut out)?;
        out.flush()?;
    }
    // A file being replaced keeps its permissions.
    if let Ok(meta) = std::fs::metadata(path) {
        temp.as_file().set_permissions(meta.permissions())?;
    }
    // No fsync: the rename already makes the replacement all-or-nothing for readers,
    // and flushing hundreds of megabytes of regenerable output would double the time.
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Replace the existing regular file `path` (already resolved: not a link) with `bytes`
/// atomically, keeping its permissions: a formatted plan stays as readable (and as
/// executable) as it was.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let permissions = std::fs::metadata(path)?.permissions();
    let mut temp = temp_in(folder_of(path), path)?;
    temp.write_all(bytes)?;
    temp.as_file().set_permissions(permissions)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Create `path` with `bytes`, atomically and only if nothing is there: not a file, not a
/// folder, not even a dangling symbolic link. A file created by someone else at the same
/// moment is never replaced.
pub fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut temp = temp_in(folder_of(path), path)?;
    temp.write_all(bytes)?;
    temp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// Where an output named `path` should be written, or why it must not be.
///
/// - A symbolic link is followed (to its final target), but only to a file inside
///   `project_root`: a link planted in a repository must not aim planck's output at a
///   file elsewhere. The same holds for linked folders on the way.
/// - An existing target must be a regular file: a folder, pipe or device is refused.
/// - A file the run read (`inputs`, canonical paths) is refused: the plan, its includes,
///   its data files and its configuration are never overwritten by the output.
pub fn output_target(
    path: &Path,
    project_root: &Path,
    inputs: &[PathBuf],
) -> Result<PathBuf, String> {
    let shown = path.display();
    let mut target = path.to_path_buf();
    let mut followed = false;
    // Follow a chain of links by hand: a dangling link's target does not exist yet, so
    // `canonicalize` cannot resolve it.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&target)
                    .map_err(|e| format!("cannot read the link {shown}: {e}"))?;
                target = folder_of(&target).join(link);
                followed = true;
            }
            Ok(meta) if meta.is_file() => break,
            Ok(meta) => {
                return Err(format!(
                    "{shown} is a {}, not a regular file; name a file to write",
                    kind_name(&meta)
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => break,
            Err(e) => return Err(format!("cannot write {shown}: {e}")),
        }
    }
    if std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!("{shown}: too many levels of symbolic links"));
    }
    // The folder must exist; its canonical form tells whether a linked folder on the way
    // leads elsewhere.
    let folder = std::fs::canonicalize(folder_of(&target)).map_err(|e| {
        let named = folder_of(&target).display();
        if e.kind() == io::ErrorKind::NotFound {
            format!(
                "cannot write {shown}: the folder `{named}` does not exist; create it first, or name a file in an existing folder"
            )
        } else {
            format!(
                "cannot write {shown}: its folder `{named}`: {e}; check that the folder can be opened, or name a file elsewhere"
            )
        }
    })?;
    let file_name = target
        .file_name()
        .ok_or_else(|| format!("{shown} does not name a file"))?;
    let canonical = folder.join(file_name);
    // The folder as written, taken literally from the (canonical) working folder: where
    // it differs from the canonical folder, a linked folder lies on the way.
    let written_folder = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map(|cwd| crate::resolve::load::normalize(&cwd.join(folder_of(path))))
        .unwrap_or_default();
    let through_linked_folder = folder != written_folder;
    if (followed || through_linked_folder) && !canonical.starts_with(project_root) {
        return Err(format!(
            "{shown} leads through a symbolic link to {}, outside the project; name that file directly if it is meant",
            canonical.display()
        ));
    }
    if inputs.contains(&canonical) {
        return Err(format!(
            "{shown} is a file this plan reads; choose another output file"
        ));
    }
    Ok(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.plan");
        std::fs::write(&file, "plan").unwrap();
        assert_eq!(read_regular(&file).unwrap(), b"plan");
        let err = read_regular(dir.path()).unwrap_err();
        assert!(
            err.to_string().contains("not a regular file (a folder)"),
            "{err}"
        );
    }

    #[test]
    fn create_new_never_replaces_a_dangling_link() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("sales.plan");
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
        #[cfg(unix)]
        {
            let err = create_new(&link, b"x").unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
            assert!(
                std::fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert!(!dir.path().join("nowhere").exists());
        }
        let fresh = dir.path().join("new.plan");
        create_new(&fresh, b"y").unwrap();
        assert_eq!(std::fs::read(&fresh).unwrap(), b"y");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary file left"
        );
    }
}
