//! Loading a plan and the files it includes.
//!
//! Reading goes through the [`FileSystem`] trait so this phase stays free of direct IO:
//! the CLI passes the real file system, tests and the language server pass their own.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceFile, Sources, Span};
use crate::syntax::{self, ast};
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// Where file contents come from.
pub trait FileSystem {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;
}

/// Paths that decide where includes may reach.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The folder includes must stay inside (absolute).
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
    pub ast: ast::File,
    /// Data files this file names (`actuals GOAL from "file.csv"`), by the span of the
    /// path string, loaded into the sources.
    pub data: Vec<(Span, FileId)>,
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
            LoadedFile {
                id,
                path: path.to_path_buf(),
                ast: syntax::unreadable(),
                data: Vec::new(),
            }
        }
    }
}

/// Parse the root file and, depth first, every file it includes. Each file is loaded
/// once, however often it is included.
pub fn load(
    root: &Path,
    root_bytes: Vec<u8>,
    fs: &dyn FileSystem,
    options: &LoadOptions,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<LoadedFile> {
    let mut loader = Loader {
        fs,
        options,
        sources,
        diagnostics,
        files: Vec::new(),
        seen: HashSet::new(),
        stack: Vec::new(),
    };
    let file = parse_source(root, root_bytes, loader.sources, loader.diagnostics);
    loader.visit(file);
    loader.files
}

struct Loader<'a> {
    fs: &'a dyn FileSystem,
    options: &'a LoadOptions,
    sources: &'a mut Sources,
    diagnostics: &'a mut Vec<Diagnostic>,
    files: Vec<LoadedFile>,
    seen: HashSet<PathBuf>,
    /// Absolute paths of the files being loaded, outermost first.
    stack: Vec<PathBuf>,
}

impl Loader<'_> {
    fn absolute(&self, path: &Path) -> PathBuf {
        normalize(&self.options.base_dir.join(path))
    }

    fn visit(&mut self, mut file: LoadedFile) {
        let absolute = self.absolute(&file.path);
        self.seen.insert(absolute.clone());
        self.stack.push(absolute);
        let includes: Vec<ast::Include> = file
            .ast
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Include(inc) => Some(inc.clone()),
                _ => None,
            })
            .collect();
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
                ast::Item::Actuals(ast::Actuals {
                    source: ast::ActualsSource::File(path),
                    ..
                }) => Some(path.clone()),
                _ => None,
            })
            .collect();
        for written in data_paths {
            if let Some(id) = self.data_file(&dir, &written) {
                file.data.push((written.span, id));
            }
        }
        self.files.push(file);
        for include in includes {
            self.include(&dir, &include);
        }
        self.stack.pop();
    }

    /// Report a file (included plan or data) that could not be read.
    fn cannot_read(
        &mut self,
        span: Span,
        written: &str,
        path: &Path,
        error: &std::io::Error,
        label: &str,
    ) {
        let reason = match error.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => error.to_string(),
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::IncludeNotFound,
                span,
                format!("cannot read `{written}`: {reason}"),
            )
            .with_label(label)
            .with_help(format!(
                "the path is relative to this file's folder and resolves to {}",
                path.display()
            )),
        );
    }

    /// Read a data file (a CSV of actuals) into the sources; report a missing file or one
    /// outside the project root with the include codes.
    fn data_file(&mut self, dir: &Path, written: &ast::Str) -> Option<FileId> {
        let path = normalize(&dir.join(&written.value));
        let absolute = self.absolute(&path);
        if !absolute.starts_with(&self.options.project_root) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::IncludeOutsideRoot,
                    written.span,
                    format!("`{}` lies outside the project root", written.value),
                )
                .with_label("outside the project")
                .with_help("data files must stay inside the project root, like included plans"),
            );
            return None;
        }
        match self.fs.read(&path) {
            Ok(bytes) => {
                let name = path.to_string_lossy().replace('\\', "/");
                match decode(bytes) {
                    Ok(text) => Some(self.sources.add(SourceFile::new(name, text))),
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
            Err(error) => {
                self.cannot_read(written.span, &written.value, &path, &error, "named here");
                None
            }
        }
    }

    fn include(&mut self, dir: &Path, include: &ast::Include) {
        let written = &include.path.value;
        let path = normalize(&dir.join(written));
        let absolute = self.absolute(&path);
        let span = include.path.span;
        if !absolute.starts_with(&self.options.project_root) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::IncludeOutsideRoot,
                    span,
                    format!("`{written}` lies outside the project root"),
                )
                .with_label("outside the project")
                .with_help(
                    "included files must stay inside the project root: the folder of planck.toml, or of the root plan without one",
                ),
            );
            return;
        }
        if let Some(pos) = self.stack.iter().position(|p| p == &absolute) {
            let chain: Vec<String> = self.stack[pos..]
                .iter()
                .chain(std::iter::once(&absolute))
                .map(|p| {
                    p.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                })
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
            return;
        }
        if self.seen.contains(&absolute) {
            return;
        }
        match self.fs.read(&path) {
            Ok(bytes) => {
                let file = parse_source(&path, bytes, self.sources, self.diagnostics);
                self.visit(file);
            }
            Err(error) => self.cannot_read(span, written, &path, &error, "included here"),
        }
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

    #[test]
    fn decode_drops_bom_and_locates_bad_bytes() {
        assert_eq!(decode(b"\xEF\xBB\xBFplan".to_vec()), Ok("plan".to_string()));
        assert_eq!(decode(b"ab\xFFc".to_vec()).map_err(|e| e.0), Err(2));
    }
}
