//! The `planck` command line. This and the language server are the only places that
//! touch the file system or the terminal.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use planck::alloc::Depth;
use planck::config::{self, Config, ConfigError};
use planck::diagnostic::{Code, Diagnostic, Severity};
use planck::emit;
use planck::resolve::load::{self, FileSystem, LoadOptions};
use planck::source::{SourceFile, Sources};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "planck",
    version,
    about = "Check and compile .plan files: sales plans kept as code",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check plans and report every problem found
    Check(CheckArgs),
    /// Compile a plan to JSON: every goal allocated down to its cells
    Compile(CompileArgs),
    /// Print the JSON Schema of `planck compile` output
    Schema,
    /// Explain a diagnostic code: what it finds, why it matters, an example and the fix
    Explain {
        /// The code, e.g. shares-sum (without it, list every code)
        code: Option<String>,
    },
    /// Write a small, valid, commented starter plan and planck.toml
    Init {
        /// The folder to write into (created if missing)
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or folders to check (folders: every root .plan file in them)
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// How to print diagnostics
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Today's date for progress checks, overriding the plan's as_of (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Exit with 1 when there are warnings, not only errors
    #[arg(long)]
    deny_warnings: bool,
    /// Use this planck.toml instead of searching upward from each plan
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(clap::Args)]
struct CompileArgs {
    /// The plan file, or a folder holding exactly one root plan
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Write the JSON to this file (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Today's date, overriding the plan's as_of (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Use this planck.toml instead of searching upward from the plan
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Graphical report for people (colour on a terminal)
    Human,
    /// One JSON object for tools
    Json,
    /// GitHub Actions workflow annotations
    Github,
    /// SARIF 2.1.0, for code-scanning tools
    Sarif,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write YYYY-MM-DD, e.g. 2026-06-30"))
}

/// The command could not run (exit code 2).
struct Fatal(String);

struct RealFs;

impl FileSystem for RealFs {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Compile(args) => compile(&args),
        Command::Schema => {
            print(emit::compile::SCHEMA);
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { code } => explain(code.as_deref()),
        Command::Init { dir } => init(&dir),
    };
    match result {
        Ok(code) => code,
        Err(Fatal(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`planck check | head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn io_error(path: &Path, e: &std::io::Error) -> Fatal {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        _ => e.to_string(),
    };
    Fatal(format!("cannot read {}: {reason}", path.display()))
}

/// Every `.plan` file under `dir` that has a `plan` block, sorted.
fn find_roots(dir: &Path) -> Result<Vec<PathBuf>, Fatal> {
    let mut roots = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|e| io_error(&folder, &e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    stack.push(path);
                }
            } else if name.ends_with(".plan")
                && let Ok(bytes) = std::fs::read(&path)
                && planck::syntax::has_plan_block(&String::from_utf8_lossy(&bytes))
            {
                roots.push(path);
            }
        }
    }
    roots.sort();
    Ok(roots)
}

/// Strip a leading `./` so paths print as users type them.
fn tidy(path: PathBuf) -> PathBuf {
    path.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or(path)
}

fn find_config(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(config::FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

fn render_config_error(path: &Path, text: &str, e: &ConfigError) -> String {
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new(
        path.display().to_string(),
        text.to_string(),
    ));
    let span = e.span.clone().unwrap_or(0..0);
    let mut d = Diagnostic::new(
        Code::InvalidValue,
        planck::source::Span::new(file, span.start, span.end),
        format!("bad configuration: {}", e.message),
    )
    .with_label("here");
    if let Some(help) = &e.help {
        d = d.with_help(help.clone());
    }
    emit::human::render(&sources, &[d], std::io::stderr().is_terminal())
}

fn load_config(path: &Path) -> Result<Config, Fatal> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Fatal(format!("{} is not valid UTF-8", path.display())))?;
    config::parse(&text).map_err(|e| {
        eprint!("{}", render_config_error(path, &text, &e));
        Fatal(format!(
            "{} is not a valid planck configuration",
            path.display()
        ))
    })
}

/// Find the configuration of a root plan, read it and everything it includes, and run
/// the phases.
fn compile_root(
    root: &Path,
    cwd: &Path,
    explicit_config: Option<&(PathBuf, Config)>,
    as_of: Option<NaiveDate>,
    depth: Depth,
) -> Result<planck::Compilation, Fatal> {
    let absolute = load::normalize(&cwd.join(root));
    let root_dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
    let (config_path, config) = match explicit_config {
        Some((p, c)) => (Some(p.clone()), c.clone()),
        None => match find_config(&root_dir) {
            Some(p) => {
                let c = load_config(&p)?;
                (Some(p), c)
            }
            None => (None, Config::default()),
        },
    };
    let project_root = config_path
        .and_then(|p| {
            load::normalize(&cwd.join(p))
                .parent()
                .map(Path::to_path_buf)
        })
        .unwrap_or(root_dir);
    let options = LoadOptions {
        project_root,
        base_dir: cwd.to_path_buf(),
    };
    let bytes = std::fs::read(root).map_err(|e| io_error(root, &e))?;
    Ok(planck::compile(
        root,
        bytes,
        &RealFs,
        &options,
        &config,
        &planck::RunOptions {
            as_of,
            today: Some(chrono::Local::now().date_naive()),
            depth,
        },
    ))
}

/// The one root plan a PATH names: the file, or the only root in a folder.
fn single_root(path: &Path) -> Result<PathBuf, Fatal> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if !meta.is_dir() {
        return Ok(tidy(path.to_path_buf()));
    }
    let roots = find_roots(path)?;
    match roots.as_slice() {
        [one] => Ok(tidy(one.clone())),
        [] => Err(Fatal(format!(
            "no root .plan file (one with a `plan` block) in {}",
            path.display()
        ))),
        many => Err(Fatal(format!(
            "{} holds {} root plans ({}); name the one to compile",
            path.display(),
            many.len(),
            many.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn compile(args: &CompileArgs) -> Result<ExitCode, Fatal> {
    let cwd = std::env::current_dir().map_err(|e| Fatal(format!("no working folder: {e}")))?;
    let root = single_root(&args.path)?;
    let explicit_config = match &args.config {
        Some(path) => Some((path.clone(), load_config(path)?)),
        None => None,
    };
    let compilation = compile_root(
        &root,
        &cwd,
        explicit_config.as_ref(),
        args.as_of,
        Depth::Cells,
    )?;
    let (errors, _) = planck::diagnostic::summary(&compilation.diagnostics);
    if !compilation.diagnostics.is_empty() {
        let color = std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        eprint!(
            "{}",
            emit::human::render(&compilation.sources, &compilation.diagnostics, color)
        );
    }
    if errors > 0 {
        eprintln!(
            "error: {} has {errors} error{}; nothing was compiled",
            root.display(),
            if errors == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::from(1));
    }
    let write = |out: &mut dyn Write| {
        emit::compile::write(
            &compilation.model,
            &compilation.allocation,
            &compilation.progress,
            out,
        )
    };
    match &args.output {
        Some(path) => write_atomically_with(path, |file| write(file))
            .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?,
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            // A closed pipe (`planck compile | head`) is the reader's choice, not an error.
            if let Err(e) = write(&mut lock)
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(Fatal(format!("cannot write JSON: {e}")));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(args: &CheckArgs) -> Result<ExitCode, Fatal> {
    let cwd = std::env::current_dir().map_err(|e| Fatal(format!("no working folder: {e}")))?;
    let mut roots = Vec::new();
    for path in &args.paths {
        let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
        if meta.is_dir() {
            let found = find_roots(path)?;
            if found.is_empty() {
                return Err(Fatal(format!(
                    "no root .plan file (one with a `plan` block) in {}",
                    path.display()
                )));
            }
            roots.extend(found.into_iter().map(tidy));
        } else {
            roots.push(tidy(path.clone()));
        }
    }
    let explicit_config = match &args.config {
        Some(path) => Some((path.clone(), load_config(path)?)),
        None => None,
    };

    let mut human = String::new();
    let mut json_diagnostics = Vec::new();
    let mut github = String::new();
    let mut compilations = Vec::new();
    let mut seen = HashSet::new();
    let (mut errors, mut warnings, mut n_files) = (0usize, 0usize, 0usize);
    let color = use_color();
    for root in &roots {
        let compilation = compile_root(
            root,
            &cwd,
            explicit_config.as_ref(),
            args.as_of,
            Depth::ExactRepTotals,
        )?;
        n_files += compilation.files.len();
        // A file included by two roots would report its problems twice.
        let fresh: Vec<Diagnostic> = compilation
            .diagnostics
            .into_iter()
            .filter(|d| {
                let file = compilation
                    .sources
                    .get(d.span.file)
                    .map_or_else(String::new, |f| f.name.clone());
                seen.insert((file, d.span.start, d.span.end, d.code, d.message.clone()))
            })
            .collect();
        for d in &fresh {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
        }
        match args.format {
            Format::Human => {
                human.push_str(&emit::human::render(&compilation.sources, &fresh, color))
            }
            Format::Json => json_diagnostics
                .extend(emit::json::report(&compilation.sources, &fresh).diagnostics),
            Format::Github => github.push_str(&emit::github::render(&compilation.sources, &fresh)),
            Format::Sarif => compilations.push((compilation.sources, fresh)),
        }
    }

    match args.format {
        Format::Human => {
            let plans = if roots.len() == 1 {
                "1 plan".to_string()
            } else {
                format!("{} plans", roots.len())
            };
            let files = if n_files == 1 {
                "1 file".to_string()
            } else {
                format!("{n_files} files")
            };
            let outcome = match (errors, warnings) {
                (0, 0) => "no problems".to_string(),
                _ => format!(
                    "{errors} error{}, {warnings} warning{}",
                    if errors == 1 { "" } else { "s" },
                    if warnings == 1 { "" } else { "s" }
                ),
            };
            human.push_str(&format!("checked {plans} ({files}): {outcome}\n"));
            print(&human);
        }
        Format::Json => {
            let report = emit::json::Report {
                version: 1,
                diagnostics: json_diagnostics,
                summary: emit::json::Summary { errors, warnings },
            };
            let mut text = serde_json::to_string_pretty(&report)
                .map_err(|e| Fatal(format!("cannot write JSON: {e}")))?;
            text.push('\n');
            print(&text);
        }
        Format::Github => print(&github),
        Format::Sarif => {
            let runs: Vec<(&Sources, &[Diagnostic])> = compilations
                .iter()
                .map(|(s, d)| (s, d.as_slice()))
                .collect();
            let mut text = serde_json::to_string_pretty(&emit::sarif::log(&runs))
                .map_err(|e| Fatal(format!("cannot write SARIF: {e}")))?;
            text.push('\n');
            print(&text);
        }
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    Ok(ExitCode::from(u8::from(failed)))
}

fn explain(code: Option<&str>) -> Result<ExitCode, Fatal> {
    let Some(name) = code else {
        let mut out = String::from("Diagnostic codes (`planck explain CODE` for one):\n\n");
        for &c in Code::ALL {
            let what = planck::explain::doc(c).what;
            let first = what
                .split(". ")
                .next()
                .unwrap_or(what)
                .trim_end_matches('.');
            out.push_str(&format!(
                "  {:<22} {:<8} {first}\n",
                c.as_str(),
                c.default_severity().as_str()
            ));
        }
        print(&out);
        return Ok(ExitCode::SUCCESS);
    };
    match Code::from_name(name) {
        Some(c) => {
            print(&planck::explain::text(c));
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let hint = planck::resolve::did_you_mean(name, Code::ALL.iter().map(|c| c.as_str()))
                .map_or_else(
                    || "; `planck explain` lists every code".to_string(),
                    |b| format!("; did you mean `{b}`?"),
                );
            Err(Fatal(format!("no diagnostic code named `{name}`{hint}")))
        }
    }
}

/// Write `path` through a temporary file in the same folder, so a failure never leaves
/// a half-written file and an existing file is replaced only once the new one is whole.
fn write_atomically_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.planck-{}.tmp", std::process::id()));
    // No fsync: the rename already makes the replacement all-or-nothing for readers,
    // and flushing hundreds of megabytes of regenerable output would double the time.
    let result = std::fs::File::create(&tmp)
        .and_then(|mut file| fill(&mut file))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(text.as_bytes()))
}

fn init(dir: &Path) -> Result<ExitCode, Fatal> {
    let plan = dir.join("sales.plan");
    let toml = dir.join(config::FILE_NAME);
    for existing in [&plan, &toml] {
        if existing.exists() {
            return Err(Fatal(format!(
                "{} already exists; nothing was written",
                existing.display()
            )));
        }
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Fatal(format!("cannot create {}: {e}", dir.display())))?;
    write_atomically(&plan, planck::init::STARTER_PLAN)
        .map_err(|e| Fatal(format!("cannot write {}: {e}", plan.display())))?;
    if let Err(e) = write_atomically(&toml, planck::init::STARTER_CONFIG) {
        let _ = std::fs::remove_file(&plan);
        return Err(Fatal(format!("cannot write {}: {e}", toml.display())));
    }
    print(&format!(
        "created {} and {}\nnext: planck check {}\n",
        plan.display(),
        toml.display(),
        dir.display()
    ));
    Ok(ExitCode::SUCCESS)
}
