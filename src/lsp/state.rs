//! The server's state: the open documents, the file system seen through them, and the
//! analysis of each root plan — the same `planck::compile` run `planck check` makes.

use super::Host;
use super::index::Index;
use super::position::{LineIndex, path_to_uri, uri_to_path};
use crate::Compilation;
use crate::alloc::Detail;
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::load::{FileSystem, LoadOptions, normalize};
use crate::source::FileId;
use lsp_types::Uri;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// How many `.plan` files are tried as the root of a file without a `plan` block.
const MAX_ROOT_CANDIDATES: usize = 64;

/// A document the editor has open: its text is the truth, not the file on disk.
#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    pub text: String,
    pub version: i32,
    pub lines: LineIndex,
}

impl Document {
    pub fn new(uri: Uri, text: String, version: i32) -> Document {
        let lines = LineIndex::new(&text);
        Document {
            uri,
            text,
            version,
            lines,
        }
    }

    /// Apply one change from the client: a range replaced, or (without a range) the
    /// whole text.
    pub fn apply(&mut self, range: Option<lsp_types::Range>, new_text: &str) {
        match range {
            None => self.text = new_text.to_string(),
            Some(range) => {
                let start = self.lines.offset(&self.text, range.start);
                let end = self.lines.offset(&self.text, range.end).max(start);
                self.text.replace_range(start..end, new_text);
            }
        }
        self.lines = LineIndex::new(&self.text);
    }
}

/// The open documents over the host's file system: a plan reads the editor's text of
/// an open file, and the disk for every other file, with the loader's confinement to
/// the project unchanged.
pub struct Overlay<'a> {
    pub host: &'a dyn Host,
    pub documents: &'a HashMap<PathBuf, Document>,
}

impl FileSystem for Overlay<'_> {
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        match self.host.canonicalize(path) {
            Ok(p) => Ok(p),
            // A new file the editor has not saved yet.
            Err(e) => {
                let path = normalize(path);
                if self.documents.contains_key(&path) {
                    Ok(path)
                } else {
                    Err(e)
                }
            }
        }
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.documents.get(path) {
            Some(d) => Ok(d.text.clone().into_bytes()),
            None => self.host.read(path),
        }
    }
}

/// The analysis of one root plan.
pub struct Analysis {
    /// The canonical path of the root plan.
    pub root: PathBuf,
    /// What `planck check` computes: diagnostics, and rep totals only.
    pub compilation: Compilation,
    pub config: Config,
    /// The configuration file and why it was refused, if it was.
    pub config_error: Option<(PathBuf, String, ConfigError)>,
    pub load: LoadOptions,
    /// The canonical path of every file of the compilation.
    pub paths: HashMap<FileId, PathBuf>,
    /// The plan files (not data files), by canonical path.
    pub files: HashMap<PathBuf, FileId>,
    /// Every name's definitions and uses, built on the first request that needs them.
    index: OnceLock<Index>,
    /// The same run with every cell allocated, as `planck compile` and `report` make it,
    /// for hover and inlay hints; made on the first request that needs it.
    cells: OnceLock<Compilation>,
}

impl Analysis {
    pub fn file_of(&self, path: &Path) -> Option<FileId> {
        self.files.get(path).copied()
    }

    pub fn text(&self, file: FileId) -> &str {
        self.compilation.sources.get(file).map_or("", |f| &f.text)
    }

    pub fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::build(&self.compilation))
    }

    pub fn cells(&self, fs: &dyn FileSystem, today: Option<chrono::NaiveDate>) -> &Compilation {
        self.cells.get_or_init(|| {
            let run = run_options(today, Detail::Cells);
            let bytes = fs.read(&self.root).unwrap_or_default();
            crate::compile(&self.root, bytes, fs, &self.load, &self.config, &run)
        })
    }
}

fn run_options(today: Option<chrono::NaiveDate>, detail: Detail) -> crate::RunOptions {
    crate::RunOptions {
        as_of: None,
        today,
        detail,
    }
}

/// The nearest `planck.toml` at or above `dir`, found as `planck check` finds it: one
/// that is a link must lead to a file inside its own folder.
fn find_config(fs: &dyn FileSystem, dir: &Path) -> Option<PathBuf> {
    let mut dir = Some(dir);
    while let Some(d) = dir {
        let candidate = d.join(config::FILE_NAME);
        if let Ok(canonical) = fs.canonicalize(&candidate) {
            let folder = fs.canonicalize(d).unwrap_or_else(|_| d.to_path_buf());
            return canonical.starts_with(&folder).then_some(canonical);
        }
        dir = d.parent();
    }
    None
}

/// Run the phases on a root plan, with the configuration and project root `planck
/// check` would use for it; `None` if `cancelled` said yes before the run ended.
pub fn analyze(
    fs: &dyn FileSystem,
    root: &Path,
    today: Option<chrono::NaiveDate>,
    cancelled: &dyn Fn() -> bool,
) -> Option<Analysis> {
    let root_dir = root.parent().map(Path::to_path_buf).unwrap_or_default();
    let config_path = find_config(fs, &root_dir);
    let mut config_error = None;
    let config = match &config_path {
        None => Config::default(),
        Some(path) => {
            let text = fs
                .read(path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            match config::parse(&text) {
                Ok(c) => c,
                Err(e) => {
                    config_error = Some((path.clone(), text, e));
                    Config::default()
                }
            }
        }
    };
    let project_root = config_path
        .as_ref()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| root_dir.clone());
    let load = LoadOptions {
        project_root,
        base_dir: root_dir,
    };
    let bytes = fs.read(root).unwrap_or_default();
    let run = run_options(today, Detail::ExactRepTotals);
    let compilation = crate::compile_cancellable(root, bytes, fs, &load, &config, &run, cancelled)?;
    let mut paths = HashMap::new();
    let mut files = HashMap::new();
    for f in &compilation.files {
        let path = f
            .inputs
            .first()
            .cloned()
            .unwrap_or_else(|| normalize(&f.path));
        paths.insert(f.id, path.clone());
        files.insert(path, f.id);
        for &(_, data) in &f.data {
            if let Some(source) = compilation.sources.get(data) {
                let shown = normalize(&load.base_dir.join(&source.name));
                paths.insert(data, fs.canonicalize(&shown).unwrap_or(shown));
            }
        }
    }
    Some(Analysis {
        root: root.to_path_buf(),
        compilation,
        config,
        config_error,
        load,
        paths,
        files,
        index: OnceLock::new(),
        cells: OnceLock::new(),
    })
}

/// Every open document and every analysis.
pub struct State {
    pub host: Box<dyn Host>,
    /// Open documents by canonical path.
    pub documents: HashMap<PathBuf, Document>,
    /// Analyses by root path.
    pub analyses: HashMap<PathBuf, Analysis>,
    /// The root last found for each file.
    root_of: HashMap<PathBuf, PathBuf>,
    /// Documents changed since their root was last analysed.
    pub dirty: HashSet<PathBuf>,
    /// Files each root's diagnostics were last published to.
    published: HashMap<PathBuf, HashSet<PathBuf>>,
    /// Bumped on every change to a document; an analysis made at an older generation
    /// is stale.
    pub generation: u64,
    /// How many edits (see [`super::is_edit`]) the connection has received; the reader
    /// counts them before the worker sees them.
    received: Arc<AtomicU64>,
    /// How many of them this state has applied. While fewer than received, a newer
    /// text is on its way and an analysis of this one would be stale.
    pub applied: u64,
}

/// Diagnostics to send: for each file, its URI, document version and diagnostics.
pub type Publish = Vec<(Uri, Option<i32>, Vec<lsp_types::Diagnostic>)>;

impl State {
    pub fn new(host: Box<dyn Host>, received: Arc<AtomicU64>) -> State {
        State {
            host,
            documents: HashMap::new(),
            analyses: HashMap::new(),
            root_of: HashMap::new(),
            dirty: HashSet::new(),
            published: HashMap::new(),
            generation: 0,
            received,
            applied: 0,
        }
    }

    /// Whether an edit has come in that this state has not applied yet.
    pub fn stale(&self) -> bool {
        self.received.load(Ordering::SeqCst) != self.applied
    }

    pub fn today(&self) -> Option<chrono::NaiveDate> {
        self.host.today()
    }

    /// The canonical path of a document's URI, if it is a local file.
    pub fn path_of(&self, uri: &Uri) -> Option<PathBuf> {
        let path = uri_to_path(uri)?;
        Some(self.host.canonicalize(&path).unwrap_or(path))
    }

    pub fn open(&mut self, uri: Uri, text: String, version: i32) {
        let Some(path) = self.path_of(&uri) else {
            return;
        };
        self.documents
            .insert(path.clone(), Document::new(uri, text, version));
        self.touch(path);
    }

    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<lsp_types::TextDocumentContentChangeEvent>,
    ) {
        let Some(path) = self.path_of(uri) else {
            return;
        };
        let Some(doc) = self.documents.get_mut(&path) else {
            return;
        };
        // A change without a range replaces the whole text: those before it do not matter.
        let from = changes.iter().rposition(|c| c.range.is_none()).unwrap_or(0);
        for c in changes.into_iter().skip(from) {
            doc.apply(c.range, &c.text);
        }
        doc.version = version;
        self.touch(path);
    }

    pub fn close(&mut self, uri: &Uri) -> Publish {
        let Some(path) = self.path_of(uri) else {
            return Vec::new();
        };
        if self.documents.remove(&path).is_none() {
            return Vec::new();
        }
        // The file on disk is the truth again.
        self.touch(path.clone());
        // A file no analysis covers any more keeps no diagnostics.
        if !self
            .analyses
            .values()
            .any(|a| a.paths.values().any(|p| *p == path))
        {
            return vec![(uri.clone(), None, Vec::new())];
        }
        Vec::new()
    }

    /// A file was saved or changed on disk: every root may read it.
    pub fn touch(&mut self, path: PathBuf) {
        self.generation += 1;
        self.dirty.insert(path);
    }

    /// Re-analyse the roots of every changed document, and return what to publish; or
    /// `None`, with the documents still marked changed, if an edit came in meanwhile: the
    /// analyses are then stopped (their diagnostics would be stale) and nothing is
    /// published.
    pub fn refresh(&mut self) -> Option<Publish> {
        let dirty: Vec<PathBuf> = self.dirty.drain().collect();
        let mut roots: Vec<PathBuf> = Vec::new();
        for path in &dirty {
            let path = path.clone();
            // A changed file may be read by every root that includes it; a changed
            // configuration by every root.
            let config = path.file_name().is_some_and(|n| n == config::FILE_NAME);
            for (root, a) in &self.analyses {
                if (config || a.paths.values().any(|p| *p == path)) && !roots.contains(root) {
                    roots.push(root.clone());
                }
            }
            if self.documents.contains_key(&path) {
                let root = self.root_for(&path);
                if !roots.contains(&root) {
                    roots.push(root);
                }
            }
        }
        for root in &roots {
            if !self.run(root) {
                break;
            }
        }
        if self.stale() {
            self.dirty.extend(dirty);
            return None;
        }
        let mut out = Vec::new();
        for root in roots {
            out.extend(self.diagnostics_of(&root));
        }
        Some(out)
    }

    fn overlay(&self) -> Overlay<'_> {
        Overlay {
            host: self.host.as_ref(),
            documents: &self.documents,
        }
    }

    /// Analyse a root plan; false if stopped by a newer edit (the old analysis stays).
    fn run(&mut self, root: &Path) -> bool {
        let stale = || self.stale();
        let Some(analysis) = analyze(&self.overlay(), root, self.today(), &stale) else {
            return false;
        };
        for path in analysis.paths.values() {
            self.root_of.insert(path.clone(), root.to_path_buf());
        }
        self.analyses.insert(root.to_path_buf(), analysis);
        true
    }

    /// The root plan a file belongs to: itself if it has a `plan` block, else the root
    /// that last included it, else a root plan near it that includes it, else itself.
    pub fn root_for(&mut self, path: &Path) -> PathBuf {
        let text_has_plan = match self.documents.get(path) {
            Some(d) => crate::syntax::has_plan_block(&d.text),
            None => self
                .host
                .read(path)
                .is_ok_and(|b| crate::syntax::has_plan_block(&String::from_utf8_lossy(&b))),
        };
        if text_has_plan {
            return path.to_path_buf();
        }
        if let Some(root) = self.root_of.get(path)
            && root != path
            && self
                .analyses
                .get(root)
                .is_some_and(|a| a.files.contains_key(path))
        {
            return root.clone();
        }
        for candidate in self.root_candidates(path) {
            if !self.analyses.contains_key(&candidate) {
                self.run(&candidate);
            }
            if self
                .analyses
                .get(&candidate)
                .is_some_and(|a| a.files.contains_key(path))
            {
                return candidate;
            }
        }
        path.to_path_buf()
    }

    /// Plans with a `plan` block in the folders above a file, up to its project's root
    /// (the folder of its `planck.toml`), nearest first. Without a `planck.toml` only
    /// the file's own folder is searched: above it may lie anything (a temporary
    /// folder full of unrelated plans).
    fn root_candidates(&self, path: &Path) -> Vec<PathBuf> {
        let fs = self.overlay();
        let start = path.parent().unwrap_or(path);
        let top = find_config(&fs, start).and_then(|c| c.parent().map(Path::to_path_buf));
        let mut out = Vec::new();
        let mut dir = Some(start);
        while let Some(d) = dir {
            let mut here: Vec<PathBuf> = self.host.plan_files(d);
            here.extend(
                self.documents
                    .keys()
                    .filter(|p| p.parent() == Some(d))
                    .cloned(),
            );
            here.sort();
            here.dedup();
            for p in here {
                if out.len() >= MAX_ROOT_CANDIDATES {
                    return out;
                }
                if p != path
                    && fs
                        .read(&p)
                        .is_ok_and(|b| crate::syntax::has_plan_block(&String::from_utf8_lossy(&b)))
                {
                    out.push(p);
                }
            }
            match &top {
                Some(t) if d != t.as_path() => {}
                _ => break,
            }
            dir = d.parent();
        }
        out
    }

    /// The root whose analysis covers a file, analysing it first if it has none (the
    /// caller refreshes changed documents first).
    pub fn ensure(&mut self, path: &Path) -> Option<PathBuf> {
        if !self.root_of.contains_key(path) {
            let root = self.root_for(path);
            if !self.analyses.contains_key(&root) {
                self.run(&root);
            }
        }
        self.root_of.get(path).cloned()
    }

    /// A document as a request sees it: its analysis (with the numbers and names) and
    /// its text.
    /// Only open documents are answered for: a request cannot make the server read a
    /// file the editor has not opened (or one no plan includes).
    pub fn view(&mut self, uri: &Uri) -> Option<View<'_>> {
        let path = self.path_of(uri)?;
        if !self.documents.contains_key(&path) {
            return None;
        }
        let root = self.ensure(&path)?;
        let this: &State = self;
        let analysis = this.analyses.get(&root)?;
        let file = analysis.file_of(&path)?;
        let text = analysis.text(file);
        Some(View {
            state: this,
            analysis,
            file,
            text,
            lines: LineIndex::new(text),
        })
    }

    /// The file system as the analyses see it.
    pub fn fs(&self) -> Overlay<'_> {
        self.overlay()
    }

    /// The URI to report a file under: the editor's own for an open document.
    pub fn uri_of(&self, path: &Path) -> Option<Uri> {
        match self.documents.get(path) {
            Some(d) => Some(d.uri.clone()),
            None => path_to_uri(path),
        }
    }

    /// The diagnostics of a root's files, and an empty list for each file that had some
    /// and is no longer part of the root.
    pub fn diagnostics_of(&mut self, root: &Path) -> Publish {
        let Some(a) = self.analyses.get(root) else {
            return Vec::new();
        };
        let mut by_file: HashMap<PathBuf, Vec<lsp_types::Diagnostic>> =
            a.paths.values().map(|p| (p.clone(), Vec::new())).collect();
        let mut lines: HashMap<FileId, LineIndex> = HashMap::new();
        for d in &a.compilation.diagnostics {
            let Some(path) = a.paths.get(&d.span.file) else {
                continue;
            };
            let converted = convert(a, d, &mut lines, self);
            by_file.entry(path.clone()).or_default().push(converted);
        }
        if let Some((path, text, e)) = &a.config_error {
            let index = LineIndex::new(text);
            let span = e.span.clone().unwrap_or(0..0);
            let mut message = format!("bad configuration: {}", e.message);
            if let Some(help) = &e.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            by_file
                .entry(path.clone())
                .or_default()
                .push(lsp_types::Diagnostic {
                    range: index.range(text, span.start, span.end),
                    severity: Some(lsp_types::DiagnosticSeverity::ERROR),
                    code: Some(lsp_types::NumberOrString::String(
                        crate::diagnostic::Code::InvalidValue.as_str().to_string(),
                    )),
                    source: Some("planck".to_string()),
                    message,
                    ..Default::default()
                });
        }
        let now: HashSet<PathBuf> = by_file.keys().cloned().collect();
        let before = self.published.insert(root.to_path_buf(), now.clone());
        let mut out = Vec::new();
        for path in before.into_iter().flatten() {
            if !now.contains(&path)
                && let Some(uri) = self.uri_of(&path)
            {
                out.push((uri, None, Vec::new()));
            }
        }
        let mut files: Vec<(PathBuf, Vec<lsp_types::Diagnostic>)> = by_file.into_iter().collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, diagnostics) in files {
            if let Some(uri) = self.uri_of(&path) {
                let version = self.documents.get(&path).map(|d| d.version);
                out.push((uri, version, diagnostics));
            }
        }
        out
    }
}

/// One diagnostic as the protocol carries it: the message, code and spans of `planck
/// check`; the help line and secondary labels as related information.
fn convert(
    a: &Analysis,
    d: &Diagnostic,
    lines: &mut HashMap<FileId, LineIndex>,
    state: &State,
) -> lsp_types::Diagnostic {
    let mut range_of = |span: crate::source::Span| {
        let text = a.text(span.file);
        let index = lines
            .entry(span.file)
            .or_insert_with(|| LineIndex::new(text));
        index.range(text, span.start(), span.end())
    };
    let range = range_of(d.span);
    let location = |span: crate::source::Span, range: lsp_types::Range| {
        let path = a.paths.get(&span.file)?;
        Some(lsp_types::Location {
            uri: state.uri_of(path)?,
            range,
        })
    };
    let mut related = Vec::new();
    if let Some(help) = &d.help
        && let Some(loc) = location(d.span, range)
    {
        related.push(lsp_types::DiagnosticRelatedInformation {
            location: loc,
            message: format!("help: {help}"),
        });
    }
    for l in &d.secondary {
        let r = range_of(l.span);
        if let Some(loc) = location(l.span, r) {
            related.push(lsp_types::DiagnosticRelatedInformation {
                location: loc,
                message: l.message.clone(),
            });
        }
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => lsp_types::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp_types::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp_types::NumberOrString::String(
            d.code.as_str().to_string(),
        )),
        source: Some("planck".to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// One document of an analysis, for answering a request about it.
pub struct View<'s> {
    pub state: &'s State,
    pub analysis: &'s Analysis,
    pub file: FileId,
    pub text: &'s str,
    pub lines: LineIndex,
}

impl View<'_> {
    pub fn index(&self) -> &Index {
        self.analysis.index()
    }

    /// The run with every cell allocated.
    pub fn cells(&self) -> &Compilation {
        self.analysis.cells(&self.state.fs(), self.state.today())
    }

    pub fn offset(&self, position: lsp_types::Position) -> usize {
        self.lines.offset(self.text, position)
    }

    pub fn range(&self, span: crate::source::Span) -> lsp_types::Range {
        self.lines.range(self.text, span.start(), span.end())
    }

    /// The locations of spans in any file of the analysis.
    pub fn locations(&self, spans: &[crate::source::Span]) -> Vec<lsp_types::Location> {
        let mut lines: HashMap<FileId, LineIndex> = HashMap::new();
        let mut out = Vec::new();
        for span in spans {
            let Some(uri) = self
                .analysis
                .paths
                .get(&span.file)
                .and_then(|p| self.state.uri_of(p))
            else {
                continue;
            };
            let text = self.analysis.text(span.file);
            let index = lines
                .entry(span.file)
                .or_insert_with(|| LineIndex::new(text));
            out.push(lsp_types::Location {
                uri,
                range: index.range(text, span.start(), span.end()),
            });
        }
        out
    }
}
