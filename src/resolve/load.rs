//! Loading a plan and the files it includes.
//!
//! Reading goes through the [`FileSystem`] trait so this phase stays free of direct IO:
//! the CLI passes the real file system, tests and the language server pass their own.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, MAX_FILE_BYTES, SourceFile, Sources, Span};
use crate::syntax::{self, ast};
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// Where file contents come from.
///
/// Every path a plan names is hostile: the loader asks for its canonical form first and
/// reads only paths whose canonical form lies inside the project root, so a symbolic
/// link cannot lead out of the project.
pub trait FileSystem {
    /// The canonical form of an absolute path: no `.` or `..`, every symbolic link
    /// resolved. Fails when nothing is there.
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf>;
    /// The bytes of the regular file at a canonical path. Anything else (a folder, a
    /// pipe, a device) is an error, and reading never blocks waiting for a writer.
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;
}

/// Paths that decide where includes may reach.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The folder includes must stay inside (absolute; canonicalized by the loader).
    pub project_root: PathBuf,
    /// The folder relative paths are relative to (absolute; the working directory).
    pub base_dir: PathBuf,
}

/// One parsed file of a compilation.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub id: FileId,
    /// The path as used to read it (relative where the user gave it relative).
    pub path: PathBuf,
    /// The syntax tree. [`crate::resolve::resolve`] moves its items out as it resolves
    /// them, so after a compilation it holds the comments and broken definitions only.
    pub ast: ast::File,
    /// Data files this file names (`actuals GOAL from "file.csv"`), by the span of the
    /// path string, loaded into the sources.
    pub data: Vec<(Span, FileId)>,
    /// The canonical paths of this file and of the data files read for it.
    pub inputs: Vec<PathBuf>,
    /// This file could not be read as text, or a file it includes could not be loaded:
    /// what they define is unknown, so no name is reported as undefined.
    pub unknown_definitions: bool,
}

/// Why a file over [`MAX_FILE_BYTES`] is not read. The loader refuses such a file
/// whatever the [`FileSystem`] handed over, so every byte offset into a loaded file fits
/// a [`Span`].
pub fn too_large() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "the file is larger than {} MiB",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

fn is_too_large(bytes: &[u8]) -> bool {
    u64::try_from(bytes.len()).map_or(true, |len| len > MAX_FILE_BYTES)
}

/// Remove `.` and resolve `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Decode file bytes: a leading BOM is dropped; invalid UTF-8 gives the offset of the
/// first bad byte and the text decoded lossily, so the diagnostic can still point at it.
pub fn decode(bytes: Vec<u8>) -> Result<String, (usize, String)> {
    let bytes = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        (offset, String::from_utf8_lossy(e.as_bytes()).into_owned())
    })
}

/// Add a file's text to `sources` and parse it; report invalid UTF-8.
pub fn parse_source(
    path: &Path,
    bytes: Vec<u8>,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> LoadedFile {
    let name = path.to_string_lossy().replace('\\', "/");
    match decode(bytes) {
        Ok(text) => {
            let id = sources.add(SourceFile::new(name, text));
            let text = sources.get(id).map(|f| f.text.clone()).unwrap_or_default();
            let (ast, diags) = syntax::parse(id, &text);
            diagnostics.extend(diags);
            LoadedFile {
                id,
                path: path.to_path_buf(),
                ast,
                data: Vec::new(),
                inputs: Vec::new(),
                unknown_definitions: false,
            }
        }
        Err((offset, lossy)) => {
            let id = sources.add(SourceFile::new(name, lossy));
            diagnostics.push(
                Diagnostic::new(
                    Code::Syntax,
                    Span::new(id, offset, offset + 1),
                    "the file is not valid UTF-8",
                )
                .with_label("invalid byte")
                .with_help("save the file as UTF-8 (with or without a BOM)"),
            );
            unreadable_file(id, path)
        }
    }
}

/// Parse the root file and, depth first, every file it includes. Each file is loaded
/// once, however often and by whatever path it is included. Loading keeps its own stack
/// rather than recursing, so a chain of includes may be as deep as the files allow.
pub fn load(
    root: &Path,
    root_bytes: Vec<u8>,
    fs: &dyn FileSystem,
    options: &LoadOptions,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<LoadedFile> {
    let project_root = fs
        .canonicalize(&options.project_root)
        .unwrap_or_else(|_| normalize(&options.project_root));
    let mut loader = Loader {
        fs,
        options,
        project_root,
        sources,
        diagnostics,
        files: Vec::new(),
        seen: HashSet::new(),
        chain: Vec::new(),
        on_chain: HashSet::new(),
        include_failed: false,
    };
    let absolute = loader.absolute(root);
    let canonical = fs.canonicalize(&absolute).unwrap_or(absolute);
    let file = if is_too_large(&root_bytes) {
        drop(root_bytes);
        too_large_root(root, loader.sources, loader.diagnostics)
    } else {
        parse_source(root, root_bytes, loader.sources, loader.diagnostics)
    };
    loader.run(file, canonical);
    loader.files
}

/// The root file when it is over [`MAX_FILE_BYTES`]: kept as an empty text for the
/// diagnostic to point at, defining nothing known.
fn too_large_root(
    path: &Path,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> LoadedFile {
    let name = path.to_string_lossy().replace('\\', "/");
    let id = sources.add(SourceFile::new(name, String::new()));
    diagnostics.push(
        Diagnostic::new(Code::Syntax, Span::new(id, 0, 0), too_large().to_string())
            .with_label("too large")
            .with_help("split the plan into smaller files joined by `include`"),
    );
    unreadable_file(id, path)
}

/// A file whose text could not be read: what it defines is unknown.
fn unreadable_file(id: FileId, path: &Path) -> LoadedFile {
    LoadedFile {
        id,
        path: path.to_path_buf(),
        ast: syntax::unreadable(),
        data: Vec::new(),
        inputs: Vec::new(),
        unknown_definitions: true,
    }
}

/// A file whose includes are being followed.
struct Frame {
    /// The canonical path of the file.
    canonical: PathBuf,
    /// The folder its includes are relative to (as written, like the file's path).
    dir: PathBuf,
    /// Its index in [`Loader::files`].
    file: usize,
    includes: std::vec::IntoIter<ast::Include>,
}

struct Loader<'a> {
    fs: &'a dyn FileSystem,
    options: &'a LoadOptions,
    /// The canonical project root.
    project_root: PathBuf,
    sources: &'a mut Sources,
    diagnostics: &'a mut Vec<Diagnostic>,
    files: Vec<LoadedFile>,
    /// Canonical paths of every file loaded.
    seen: HashSet<PathBuf>,
    /// The files whose includes are being followed, outermost first.
    chain: Vec<Frame>,
    /// The canonical paths in `chain`, for a cycle check in constant time.
    on_chain: HashSet<PathBuf>,
    /// Whether the last include followed was refused or could not be read.
    include_failed: bool,
}

/// What a plan names a path for.
#[derive(Clone, Copy)]
enum Named {
    Include,
    Data,
}

/// Why a path named by a plan was not read.
enum Refusal {
    /// Its text, or its canonical form, lies outside the project root.
    Outside { through_link: bool },
    /// It could not be read (missing, not a regular file, unreadable).
    Unreadable(std::io::Error),
}

impl Loader<'_> {
    /// The bytes of a file named by the plan, refused over [`MAX_FILE_BYTES`].
    fn read(&self, canonical: &Path) -> std::io::Result<Vec<u8>> {
        let bytes = self.fs.read(canonical)?;
        if is_too_large(&bytes) {
            return Err(too_large());
        }
        Ok(bytes)
    }

    fn absolute(&self, path: &Path) -> PathBuf {
        normalize(&self.options.base_dir.join(path))
    }

    /// Follow the includes of `root` depth first, files in the order they are met.
    fn run(&mut self, root: LoadedFile, canonical: PathBuf) {
        self.enter(root, canonical);
        while let Some(frame) = self.chain.last_mut() {
            let Some(include) = frame.includes.next() else {
                if let Some(done) = self.chain.pop() {
                    self.on_chain.remove(&done.canonical);
                }
                continue;
            };
            let dir = frame.dir.clone();
            let includer = frame.file;
            self.include_failed = false;
            if let Some((file, canonical)) = self.include(&dir, &include) {
                self.enter(file, canonical);
            }
            if self.include_failed
                && let Some(includer) = self.files.get_mut(includer)
            {
                includer.unknown_definitions = true;
            }
        }
    }

    /// Record a parsed file, read the data files it names, and start on its includes.
    fn enter(&mut self, mut file: LoadedFile, canonical: PathBuf) {
        self.seen.insert(canonical.clone());
        file.inputs.push(canonical.clone());
        let dir = file
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let data_paths: Vec<ast::Str> = file
            .ast
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Actuals(actuals) => match &actuals.source {
                    ast::ActualsSource::File(path) => Some(path.clone()),
                    ast::ActualsSource::Inline(_) => None,
                },
                ast::Item::Deals(deals) => Some(deals.path.clone()),
                _ => None,
            })
            .collect();
        for written in data_paths {
            if let Some((id, data_canonical)) = self.data_file(&dir, &written) {
                file.data.push((written.span, id));
                file.inputs.push(data_canonical);
            }
        }
        let includes: Vec<ast::Include> = file
            .ast
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Include(inc) => Some(ast::Include::clone(inc)),
                _ => None,
            })
            .collect();
        self.files.push(file);
        self.on_chain.insert(canonical.clone());
        self.chain.push(Frame {
            canonical,
            dir,
            file: self.files.len() - 1,
            includes: includes.into_iter(),
        });
    }

    /// Where a path written in a plan leads: its path as the user reads it (relative to
    /// the working folder) and its canonical path, which must lie inside the project.
    fn locate(&self, dir: &Path, written: &str) -> (PathBuf, Result<PathBuf, Refusal>) {
        let path = normalize(&dir.join(written));
        let absolute = self.absolute(&path);
        // The text alone already leaves the project: say so without touching anything
        // outside it.
        if !absolute.starts_with(&self.options.project_root)
            && !absolute.starts_with(&self.project_root)
        {
            return (
                path,
                Err(Refusal::Outside {
                    through_link: false,
                }),
            );
        }
        let canonical = match self.fs.canonicalize(&absolute) {
            Ok(c) => c,
            Err(e) => return (path, Err(Refusal::Unreadable(e))),
        };
        if !canonical.starts_with(&self.project_root) {
            return (path, Err(Refusal::Outside { through_link: true }));
        }
        (path, Ok(canonical))
    }

    /// Report a path that was refused or could not be read.
    fn refused(&mut self, span: Span, written: &str, path: &Path, refusal: Refusal, named: Named) {
        let (what, label) = match named {
            Named::Include => ("included files", "included here"),
            Named::Data => ("data files", "named here"),
        };
        // What an include that did not load defines is unknown; the resolver then reports
        // no name as undefined, and the help says so.
        let unknown = if let Named::Include = named {
            self.include_failed = true;
            "; until it loads, names it may define are not reported as unknown"
        } else {
            ""
        };
        let diagnostic = match refusal {
            Refusal::Outside { through_link } => {
                let message = if through_link {
                    format!("`{written}` leads outside the project root through a symbolic link")
                } else {
                    format!("`{written}` lies outside the project root")
                };
                let mut help = format!(
                    "{what} must stay inside the project root: the folder of planck.toml, or of the root plan without one"
                );
                if through_link {
                    help.push_str("; a symbolic link on this path points outside it");
                }
                help.push_str(unknown);
                Diagnostic::new(Code::IncludeOutsideRoot, span, message)
                    .with_label("outside the project")
                    .with_help(help)
            }
            Refusal::Unreadable(error) => {
                let reason = match error.kind() {
                    std::io::ErrorKind::NotFound => "no such file".to_string(),
                    _ => error.to_string(),
                };
                Diagnostic::new(
                    Code::IncludeNotFound,
                    span,
                    format!("cannot read `{written}`: {reason}"),
                )
                .with_label(label)
                .with_help(format!(
                    "the path is relative to this file's folder and resolves to {}{unknown}",
                    path.display()
                ))
            }
        };
        self.diagnostics.push(diagnostic);
    }

    /// Read a data file (a CSV of actuals) into the sources; report a missing file or one
    /// outside the project root with the include codes.
    fn data_file(&mut self, dir: &Path, written: &ast::Str) -> Option<(FileId, PathBuf)> {
        let (path, located) = self.locate(dir, &written.value);
        let read = located.and_then(|canonical| match self.read(&canonical) {
            Ok(bytes) => Ok((bytes, canonical)),
            Err(e) => Err(Refusal::Unreadable(e)),
        });
        let (bytes, canonical) = match read {
            Ok(bytes) => bytes,
            Err(refusal) => {
                self.refused(written.span, &written.value, &path, refusal, Named::Data);
                return None;
            }
        };
        let name = path.to_string_lossy().replace('\\', "/");
        match decode(bytes) {
            Ok(text) => Some((self.sources.add(SourceFile::new(name, text)), canonical)),
            Err((offset, lossy)) => {
                let id = self.sources.add(SourceFile::new(name, lossy));
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::Syntax,
                        Span::new(id, offset, offset + 1),
                        "the file is not valid UTF-8",
                    )
                    .with_label("invalid byte")
                    .with_help("save the CSV as UTF-8 (with or without a BOM)"),
                );
                None
            }
        }
    }

    /// Read and parse an included file, unless it is refused, forms a cycle or was
    /// loaded already.
    fn include(&mut self, dir: &Path, include: &ast::Include) -> Option<(LoadedFile, PathBuf)> {
        let written = &include.path.value;
        let span = include.path.span;
        let (path, located) = self.locate(dir, written);
        let canonical = match located {
            Ok(c) => c,
            Err(refusal) => {
                self.refused(span, written, &path, refusal, Named::Include);
                return None;
            }
        };
        if self.on_chain.contains(&canonical) {
            self.cycle(span, written, &canonical);
            return None;
        }
        if self.seen.contains(&canonical) {
            return None;
        }
        match self.read(&canonical) {
            Ok(bytes) => {
                let file = parse_source(&path, bytes, self.sources, self.diagnostics);
                Some((file, canonical))
            }
            Err(error) => {
                self.refused(
                    span,
                    written,
                    &path,
                    Refusal::Unreadable(error),
                    Named::Include,
                );
                None
            }
        }
    }

    fn cycle(&mut self, span: Span, written: &str, canonical: &Path) {
        let start = self
            .chain
            .iter()
            .position(|f| f.canonical == canonical)
            .unwrap_or(0);
        let name = |p: &Path| {
            p.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        };
        let chain: Vec<String> = self.chain[start..]
            .iter()
            .map(|f| name(&f.canonical))
            .chain(std::iter::once(name(canonical)))
            .collect();
        self.diagnostics.push(
            Diagnostic::new(
                Code::IncludeCycle,
                span,
                format!("including `{written}` forms a cycle"),
            )
            .with_label("includes a file that is already including this one")
            .with_help(format!(
                "the chain is {}: remove one of these includes",
                chain.join(" → ")
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_resolves_dots() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../a")), PathBuf::from("../a"));
        assert_eq!(normalize(Path::new("/x/../../y")), PathBuf::from("/y"));
    }

    /// Files of zero bytes at any path; `big.plan` one byte over the limit. The bytes
    /// are allocated zeroed and never touched, so the test costs no real memory.
    struct Huge;

    impl FileSystem for Huge {
        fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
            Ok(normalize(path))
        }

        fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
            let len = if path.ends_with("big.plan") {
                MAX_FILE_BYTES + 1
            } else {
                0
            };
            Ok(vec![0; usize::try_from(len).unwrap()])
        }
    }

    fn load_huge(root_bytes: Vec<u8>) -> (Vec<LoadedFile>, Vec<Diagnostic>) {
        let options = LoadOptions {
            project_root: "/p".into(),
            base_dir: "/p".into(),
        };
        let mut sources = Sources::new();
        let mut diagnostics = Vec::new();
        let files = load(
            Path::new("main.plan"),
            root_bytes,
            &Huge,
            &options,
            &mut sources,
            &mut diagnostics,
        );
        (files, diagnostics)
    }

    #[test]
    fn files_over_the_limit_are_refused_whatever_the_file_system_gives() {
        // The root, handed over as bytes.
        let huge = vec![0; usize::try_from(MAX_FILE_BYTES + 1).unwrap()];
        let (files, diagnostics) = load_huge(huge);
        assert_eq!(files.len(), 1);
        assert!(files[0].unknown_definitions);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::Syntax);
        assert_eq!(diagnostics[0].message, "the file is larger than 1024 MiB");
        assert_eq!(diagnostics[0].span, Span::new(FileId(0), 0, 0));

        // An included file, read through the file system.
        let (files, diagnostics) = load_huge(b"include \"big.plan\"\n".to_vec());
        assert_eq!(files.len(), 1);
        assert!(files[0].unknown_definitions);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::IncludeNotFound);
        assert_eq!(
            diagnostics[0].message,
            "cannot read `big.plan`: the file is larger than 1024 MiB"
        );
        assert_eq!(diagnostics[0].span, Span::new(FileId(0), 8, 18));
    }

    #[test]
    fn decode_drops_bom_and_locates_bad_bytes() {
        assert_eq!(decode(b"\xEF\xBB\xBFplan".to_vec()), Ok("plan".to_string()));
        assert_eq!(decode(b"ab\xFFc".to_vec()).map_err(|e| e.0), Err(2));
    }
}
