//! The `planck` command line. This and the language server are the only places that
//! touch the file system or the terminal.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use planck::alloc::Detail;
use planck::config::{self, Config, ConfigError};
use planck::diagnostic::{Code, Diagnostic, Severity};
use planck::emit;
use planck::fs::{self as files, RealFs};
use planck::resolve::load::{self, LoadOptions};
use planck::source::{SourceFile, Sources, escape_control};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod git_fs;

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
    /// Show what two plans differ in: targets, shares, cells, reps, funnels, deals, diagnostics
    Diff(DiffArgs),
    /// Report a plan as people read it: text, Markdown, HTML with charts, CSV or JSON
    Report(ReportArgs),
    /// Compare each funnel's win rate, deal size, cycle and inflow with its won and lost deals
    Calibrate(CalibrateArgs),
    /// Print the JSON Schema of `planck compile` output
    Schema,
    /// Explain a diagnostic code: what it finds, why it matters, an example and the fix
    Explain {
        /// The code, e.g. shares-sum (without it, list every code)
        code: Option<String>,
    },
    /// Format plans in the one canonical layout
    Fmt(FmtArgs),
    /// Write a small, valid, commented starter plan and planck.toml
    Init {
        /// The folder to write into (created if missing)
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Run the language server (LSP over standard input and output) for editors
    Lsp,
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell)
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `planck man > planck.1`
    Man,
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

#[derive(clap::Args)]
struct DiffArgs {
    /// OLD NEW: two plan files (or folders holding one root plan each; `/dev/null` for a
    /// side that does not exist). With --git: the plan to compare, by default the one in
    /// the current folder.
    #[arg(value_name = "PATH", num_args = 0..=2)]
    paths: Vec<PathBuf>,
    /// Compare the working tree against this git revision (its plan, includes and CSV
    /// files read from the repository)
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    /// How to print the differences
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// Aligned text for a terminal
    Text,
    /// Markdown for a pull-request comment
    Markdown,
    /// One JSON object for tools
    Json,
}

#[derive(clap::Args)]
struct FmtArgs {
    /// Files or folders to format (folders: every .plan file in them); `-` reads standard
    /// input and writes standard output
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Write nothing: print a diff of what would change, and exit with 1 if anything would
    #[arg(long, conflicts_with = "stdout")]
    check: bool,
    /// Print the formatted text instead of writing the files
    #[arg(long)]
    stdout: bool,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// The plan file, or a folder holding exactly one root plan
    #[arg(default_value = ".")]
    path: PathBuf,
    /// What to write
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Write the report to this file (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Today's date, overriding the plan's as_of (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Roll each goal up by these dimensions together (e.g. region,quarter) instead of by
    /// each dimension it is split on and by quarter and month
    #[arg(long, value_name = "DIM,…", value_delimiter = ',')]
    by: Option<Vec<String>>,
    /// Start CSV with a byte-order mark, for spreadsheet programs
    #[arg(long)]
    bom: bool,
    /// Use this planck.toml instead of searching upward from the plan
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(clap::Args)]
struct CalibrateArgs {
    /// The plan file, or a folder holding exactly one root plan
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Only this funnel
    #[arg(long, value_name = "NAME")]
    funnel: Option<String>,
    /// Only deals opened or closed on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    since: Option<NaiveDate>,
    /// How to print the figures
    #[arg(long, value_enum, default_value_t = CalibrateFormat::Text)]
    format: CalibrateFormat,
    /// Today's date, overriding the plan's as_of: deals closed after it are left out
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Use this planck.toml instead of searching upward from the plan
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CalibrateFormat {
    /// Aligned tables for a terminal
    Text,
    /// One JSON object for tools
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// Aligned tables for a terminal (colour on a terminal)
    Text,
    /// GitHub-flavoured Markdown, for a pull-request comment
    Markdown,
    /// One self-contained HTML page with charts
    Html,
    /// One flat table of cells
    Csv,
    /// The report's data as JSON
    Json,
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

/// A date as plans write them: `YYYY-MM-DD` with a four-digit year, so every date planck
/// prints fits the same form.
fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shaped
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            format!("`{s}` is not a date: write YYYY-MM-DD with a four-digit year, e.g. 2026-06-30")
        })
}

/// The command could not run (exit code 2).
struct Fatal(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Compile(args) => compile(&args),
        Command::Diff(args) => diff(&args),
        Command::Report(args) => report(&args),
        Command::Calibrate(args) => calibrate(&args),
        Command::Schema => print(emit::compile::SCHEMA).map(|()| ExitCode::SUCCESS),
        Command::Explain { code } => explain(code.as_deref()),
        Command::Fmt(args) => fmt(&args),
        Command::Init { dir } => init(&dir),
        Command::Lsp => lsp(),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "planck",
                &mut script,
            );
            print(&String::from_utf8_lossy(&script)).map(|()| ExitCode::SUCCESS)
        }
        Command::Man => man(),
    };
    match result {
        Ok(code) => code,
        Err(Fatal(message)) => {
            eprintln!("error: {}", escape_control(&message));
            ExitCode::from(2)
        }
    }
}

fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Write to standard output. A closed pipe (`planck check | head`) is the reader's
/// choice; any other failure (a full disk) means the output is lost, which must not pass
/// for success.
fn print(text: &str) -> Result<(), Fatal> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Fatal(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

/// A warning on standard error. File names come from the repository, so control
/// characters in them are escaped like every other user text.
fn warn(message: &str) {
    eprintln!("warning: {}", escape_control(message));
}

fn io_error(path: &Path, e: &std::io::Error) -> Fatal {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        _ => e.to_string(),
    };
    Fatal(format!("cannot read {}: {reason}", path.display()))
}

/// Read a file the user named, refusing anything but a regular file.
fn read_file(path: &Path) -> Result<Vec<u8>, Fatal> {
    files::read_regular(path).map_err(|e| io_error(path, &e))
}

/// Whether the `.plan` file at `path`, found in the folder whose canonical path is `top`,
/// is a root plan. A file is read only when it is a regular file whose canonical path
/// stays inside `top`: a link in a checked folder cannot make planck read a plan
/// elsewhere, and a pipe cannot make it wait.
fn is_root_plan(path: &Path, top: &Path) -> bool {
    if !is_inside(path, top) {
        return false;
    }
    match files::read_regular(path) {
        Ok(bytes) => planck::syntax::has_plan_block(&String::from_utf8_lossy(&bytes)),
        Err(e) => {
            warn(&format!("skipped {}: {e}", path.display()));
            false
        }
    }
}

/// Whether the canonical path of `path`, found in the folder whose canonical path is
/// `top`, stays inside `top` (else a warning says it was skipped).
fn is_inside(path: &Path, top: &Path) -> bool {
    let inside = std::fs::canonicalize(path).is_ok_and(|c| c.starts_with(top));
    if !inside {
        warn(&format!(
            "skipped {}: a symbolic link to a file outside {}",
            path.display(),
            top.display()
        ));
    }
    inside
}

/// Every `.plan` file under `dir` that has a `plan` block, sorted. Linked folders are not
/// entered.
fn find_roots(dir: &Path) -> Result<Vec<PathBuf>, Fatal> {
    find_plan_files(dir, is_root_plan)
}

/// Every `.plan` file under `dir` that `keep` accepts (given the file and the canonical
/// `dir`), sorted. Linked folders are not entered.
fn find_plan_files(dir: &Path, keep: impl Fn(&Path, &Path) -> bool) -> Result<Vec<PathBuf>, Fatal> {
    let top = std::fs::canonicalize(dir).map_err(|e| io_error(dir, &e))?;
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
            } else if name.ends_with(".plan") && keep(&path, &top) {
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

/// The nearest `planck.toml` at or above `start`. One that is a symbolic link must lead
/// to a file inside its own folder: a link planted in a repository cannot make planck
/// read (and quote, in an error) a file elsewhere.
fn find_config(start: &Path) -> Result<Option<PathBuf>, Fatal> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(config::FILE_NAME);
        if std::fs::symlink_metadata(&candidate).is_ok() {
            let folder = std::fs::canonicalize(d).map_err(|e| io_error(d, &e))?;
            let canonical =
                std::fs::canonicalize(&candidate).map_err(|e| io_error(&candidate, &e))?;
            if !canonical.starts_with(&folder) {
                return Err(Fatal(format!(
                    "{} is a symbolic link to a file outside its folder; planck reads no configuration through it",
                    candidate.display()
                )));
            }
            return Ok(Some(candidate));
        }
        dir = d.parent();
    }
    Ok(None)
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
    let bytes = read_file(path)?;
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

/// A compiled root plan and the project it belongs to.
struct Compiled {
    compilation: planck::Compilation,
    /// The canonical project root.
    project_root: PathBuf,
    /// The canonical path of the configuration used, if any.
    config: Option<PathBuf>,
    /// The policy the plan was checked with.
    policy: config::Policy,
}

/// Find the configuration of a root plan, read it and everything it includes, and run
/// the phases.
fn compile_root(
    root: &Path,
    cwd: &Path,
    explicit_config: Option<&(PathBuf, Config)>,
    as_of: Option<NaiveDate>,
    detail: Detail,
) -> Result<Compiled, Fatal> {
    let absolute = load::normalize(&cwd.join(root));
    let root_dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
    let (config_path, config) = match explicit_config {
        Some((p, c)) => (Some(p.clone()), c.clone()),
        None => match find_config(&root_dir)? {
            Some(p) => {
                let c = load_config(&p)?;
                (Some(p), c)
            }
            None => (None, Config::default()),
        },
    };
    let project_root = config_path
        .as_ref()
        .and_then(|p| {
            load::normalize(&cwd.join(p))
                .parent()
                .map(Path::to_path_buf)
        })
        .unwrap_or(root_dir);
    let project_root = std::fs::canonicalize(&project_root).unwrap_or(project_root);
    // A root plan that is a link must not lead out of its project.
    let canonical_root = std::fs::canonicalize(root).map_err(|e| io_error(root, &e))?;
    if canonical_root != absolute && !canonical_root.starts_with(&project_root) {
        return Err(Fatal(format!(
            "{} is a symbolic link to a file outside the project ({}); planck reads plans only inside their project",
            root.display(),
            project_root.display()
        )));
    }
    let options = LoadOptions {
        project_root: project_root.clone(),
        base_dir: cwd.to_path_buf(),
    };
    let bytes = read_file(root)?;
    let compilation = planck::compile(
        root,
        bytes,
        &RealFs,
        &options,
        &config,
        &planck::RunOptions {
            as_of,
            today: Some(chrono::Local::now().date_naive()),
            detail,
        },
    );
    Ok(Compiled {
        compilation,
        project_root,
        config: config_path.and_then(|p| std::fs::canonicalize(p).ok()),
        policy: config.policy,
    })
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
            "{} holds {} root plans ({}); give the path of one of them",
            path.display(),
            many.len(),
            many.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Every file a run read (the plan, its includes and data files, the configuration): an
/// output may not replace one.
fn inputs_of(compilation: &planck::Compilation, config: Option<PathBuf>) -> Vec<PathBuf> {
    compilation
        .files
        .iter()
        .flat_map(|f| f.inputs.iter().cloned())
        .chain(config)
        .collect()
}

/// Write an output to `-o FILE` (atomically, refusing the files `output_target` refuses)
/// or to standard output; `what` names it in an error.
fn write_output(
    output: Option<&Path>,
    project_root: &Path,
    inputs: &[PathBuf],
    what: &str,
    write: impl Fn(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Fatal> {
    match output {
        Some(path) => {
            let target = files::output_target(path, project_root, inputs).map_err(Fatal)?;
            files::write_atomically_with(&target, write)
                .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            // A closed pipe (`planck compile | head`) is the reader's choice, not an error.
            if let Err(e) = write(&mut lock).and_then(|()| lock.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(Fatal(format!("cannot write {what}: {e}")));
            }
        }
    }
    Ok(())
}

/// Compile the one root plan `path` names, to every cell, with the configuration named
/// or found upward.
fn compile_single(
    path: &Path,
    config: Option<&Path>,
    as_of: Option<NaiveDate>,
    detail: Detail,
) -> Result<(PathBuf, Compiled), Fatal> {
    let cwd = std::env::current_dir().map_err(|e| Fatal(format!("no working folder: {e}")))?;
    let root = single_root(path)?;
    let explicit_config = match config {
        Some(path) => Some((path.to_path_buf(), load_config(path)?)),
        None => None,
    };
    let compiled = compile_root(&root, &cwd, explicit_config.as_ref(), as_of, detail)?;
    Ok((root, compiled))
}

/// Render a run's diagnostics on standard error (colour on a terminal) and count its
/// errors.
fn report_to_stderr(compilation: &planck::Compilation) -> usize {
    if !compilation.diagnostics.is_empty() {
        let color = std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        eprint!(
            "{}",
            emit::human::render(&compilation.sources, &compilation.diagnostics, color)
        );
    }
    planck::diagnostic::summary(&compilation.diagnostics).0
}

/// "error: PLAN has N errors; CONSEQUENCE" on standard error, and exit code 1.
fn plan_has_errors(root: &Path, errors: usize, consequence: &str) -> ExitCode {
    eprintln!(
        "error: {} has {errors} error{}; {consequence}",
        escape_control(&root.display().to_string()),
        if errors == 1 { "" } else { "s" }
    );
    ExitCode::from(1)
}

fn compile(args: &CompileArgs) -> Result<ExitCode, Fatal> {
    let (
        root,
        Compiled {
            compilation,
            project_root,
            config,
            ..
        },
    ) = compile_single(
        &args.path,
        args.config.as_deref(),
        args.as_of,
        Detail::Cells,
    )?;
    let errors = report_to_stderr(&compilation);
    if errors > 0 {
        return Ok(plan_has_errors(&root, errors, "nothing was compiled"));
    }
    let write = |out: &mut dyn Write| {
        emit::compile::write(
            &compilation.model,
            &compilation.allocation,
            &compilation.progress,
            out,
        )
    };
    let inputs = inputs_of(&compilation, config);
    write_output(
        args.output.as_deref(),
        &project_root,
        &inputs,
        "JSON",
        write,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn report(args: &ReportArgs) -> Result<ExitCode, Fatal> {
    use planck::report::{self, Format};
    let (
        root,
        Compiled {
            compilation,
            project_root,
            config,
            policy,
        },
    ) = compile_single(
        &args.path,
        args.config.as_deref(),
        args.as_of,
        Detail::Cells,
    )?;
    let by = match &args.by {
        Some(names) => Some(report::parse_by(&compilation.model, names).map_err(Fatal)?),
        None => None,
    };
    let (errors, _) = planck::diagnostic::summary(&compilation.diagnostics);
    let format = match args.format {
        ReportFormat::Text => Format::Text,
        ReportFormat::Markdown => Format::Markdown,
        ReportFormat::Html => Format::Html,
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Json => Format::Json,
    };
    // The flat table of cells reads nothing of the roll-ups.
    let model = match by {
        None if format == Format::Csv => report::model::build_flat(&compilation, &policy),
        by => report::build(&compilation, &policy, by),
    };
    let options = report::RenderOptions {
        color: format == Format::Text && args.output.is_none() && use_color(),
        bom: args.bom,
    };
    let write = |out: &mut dyn Write| report::write(&model, format, options, out);
    let inputs = inputs_of(&compilation, config);
    write_output(
        args.output.as_deref(),
        &project_root,
        &inputs,
        "the report",
        write,
    )?;
    // The process ends after this output: freeing the report and the compilation (a
    // large plan's millions of cells) would only delay the exit.
    std::mem::forget(model);
    std::mem::forget(compilation);
    if errors > 0 {
        return Ok(plan_has_errors(
            &root,
            errors,
            "the report shows them, and no numbers for the goals they affect",
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// `planck calibrate`: each funnel's history beside its plan. The diagnostics go to
/// standard error; with errors the figures are still printed (deals that did not resolve
/// are left out of them) and the exit code is 1.
fn calibrate(args: &CalibrateArgs) -> Result<ExitCode, Fatal> {
    let (root, Compiled { compilation, .. }) = compile_single(
        &args.path,
        args.config.as_deref(),
        args.as_of,
        Detail::ExactRepTotals,
    )?;
    let model = &compilation.model;
    let funnel = match &args.funnel {
        None => None,
        Some(name) => match model.funnels.iter().position(|f| &f.name == name) {
            Some(i) => Some(planck::model::FunnelId(i as u32)),
            None => {
                let names = model.funnels.iter().map(|f| f.name.as_str());
                let hint = match planck::suggest::did_you_mean(name, names) {
                    Some(best) => format!("; did you mean `{best}`?"),
                    None if model.funnels.is_empty() => "; the plan has no funnel".to_string(),
                    None => format!(
                        "; its funnels are {}",
                        model
                            .funnels
                            .iter()
                            .map(|f| format!("`{}`", f.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                return Err(Fatal(format!(
                    "{} has no funnel named `{name}`{hint}",
                    root.display()
                )));
            }
        },
    };
    let errors = report_to_stderr(&compilation);
    let options = planck::calibrate::Options {
        funnel,
        since: args.since,
    };
    let calibration = planck::calibrate::calibrate(model, &options);
    let text = match args.format {
        CalibrateFormat::Text => planck::calibrate::text(model, &calibration),
        CalibrateFormat::Json => planck::calibrate::json(model, &calibration)
            .map_err(|e| Fatal(format!("cannot write JSON: {e}")))?,
    };
    print(&text)?;
    if errors > 0 {
        return Ok(plan_has_errors(
            &root,
            errors,
            "the history counts what could be read of the deals they affect",
        ));
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
    for (i, root) in roots.iter().enumerate() {
        let mut compilation = compile_root(
            root,
            &cwd,
            explicit_config.as_ref(),
            args.as_of,
            Detail::ExactRepTotals,
        )?
        .compilation;
        n_files += compilation.files.len();
        // A file included by two roots would report its problems twice.
        let fresh: Vec<Diagnostic> = std::mem::take(&mut compilation.diagnostics)
            .into_iter()
            .filter(|d| {
                let file = compilation
                    .sources
                    .get(d.span.file)
                    .map_or_else(String::new, |f| f.name.clone());
                seen.insert((
                    file,
                    d.span.start(),
                    d.span.end(),
                    d.code,
                    d.message.clone(),
                ))
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
            Format::Sarif => compilations.push((std::mem::take(&mut compilation.sources), fresh)),
        }
        if i + 1 == roots.len() {
            // The process ends after this output: freeing a large plan's model item by
            // item would only delay the exit.
            std::mem::forget(compilation);
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
            print(&human)?;
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
            print(&text)?;
        }
        Format::Github => print(&github)?,
        Format::Sarif => {
            let runs: Vec<(&Sources, &[Diagnostic])> = compilations
                .iter()
                .map(|(s, d)| (s, d.as_slice()))
                .collect();
            let mut text = serde_json::to_string_pretty(&emit::sarif::log(&runs))
                .map_err(|e| Fatal(format!("cannot write SARIF: {e}")))?;
            text.push('\n');
            print(&text)?;
        }
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    Ok(ExitCode::from(u8::from(failed)))
}

/// A file for `planck fmt` to format, or standard input.
enum FmtInput {
    Stdin,
    File {
        /// As the user named it, or as found in a folder.
        shown: PathBuf,
        /// Where it is read and written.
        canonical: PathBuf,
    },
}

/// The files `planck fmt` formats: each file named, and every `.plan` file in each folder
/// named (inside it, regular files only, as `check` finds roots), each once.
fn fmt_inputs(paths: &[PathBuf]) -> Result<Vec<FmtInput>, Fatal> {
    let mut inputs = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(FmtInput::Stdin);
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
        let found = if meta.is_dir() {
            // Links leading out of the folder are skipped with a warning, as by `check`.
            let found = find_plan_files(path, |file, top| {
                is_inside(file, top) && {
                    let regular = std::fs::metadata(file).is_ok_and(|m| m.is_file());
                    if !regular {
                        warn(&format!("skipped {}: not a regular file", file.display()));
                    }
                    regular
                }
            })?;
            if found.is_empty() {
                return Err(Fatal(format!("no .plan file in {}", path.display())));
            }
            found
        } else {
            // A link named on the command line is followed only to a file in its own
            // folder: a link planted in a repository cannot make fmt rewrite a file elsewhere.
            let folder = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let folder = std::fs::canonicalize(folder).map_err(|e| io_error(folder, &e))?;
            let canonical = std::fs::canonicalize(path).map_err(|e| io_error(path, &e))?;
            if !canonical.starts_with(&folder) {
                return Err(Fatal(format!(
                    "{} is a symbolic link to a file outside its folder; planck fmt does not write through it",
                    path.display()
                )));
            }
            vec![path.clone()]
        };
        for file in found {
            let canonical = std::fs::canonicalize(&file).map_err(|e| io_error(&file, &e))?;
            if seen.insert(canonical.clone()) {
                inputs.push(FmtInput::File {
                    shown: tidy(file),
                    canonical,
                });
            }
        }
    }
    Ok(inputs)
}

/// Text from a plan made safe for a terminal: control characters escaped, line breaks kept.
fn escape_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let body = line.strip_suffix('\n').unwrap_or(line);
            let end = if body.len() < line.len() { "\n" } else { "" };
            format!("{}{end}", escape_control(body))
        })
        .collect()
}

fn fmt(args: &FmtArgs) -> Result<ExitCode, Fatal> {
    let inputs = fmt_inputs(&args.paths)?;
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let (mut errors, mut changed) = (0usize, 0usize);
    for input in &inputs {
        let (name, bytes) = match input {
            FmtInput::Stdin => {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
                    .map_err(|e| Fatal(format!("cannot read standard input: {e}")))?;
                ("<stdin>".to_string(), bytes)
            }
            FmtInput::File { shown, canonical } => {
                (shown.display().to_string(), read_file(canonical)?)
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            eprintln!(
                "error: {} is not valid UTF-8; it was left as it is",
                escape_control(&name)
            );
            errors += 1;
            continue;
        };
        let formatted = match planck::fmt::format(planck::source::FileId(0), &text) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                let mut sources = Sources::new();
                sources.add(SourceFile::new(name.clone(), text));
                eprint!("{}", emit::human::render(&sources, &diagnostics, color));
                eprintln!(
                    "error: {} has syntax errors; it was left as it is",
                    escape_control(&name)
                );
                errors += 1;
                continue;
            }
        };
        let differs = formatted != text;
        match input {
            _ if args.check => {
                if differs {
                    changed += 1;
                    let diff = similar::TextDiff::from_lines(&text, &formatted)
                        .unified_diff()
                        .context_radius(3)
                        .header(&name, &name)
                        .to_string();
                    print(&escape_lines(&diff))?;
                }
            }
            FmtInput::File { shown, canonical } if !args.stdout => {
                if differs {
                    changed += 1;
                    files::replace_file(canonical, formatted.as_bytes())
                        .map_err(|e| Fatal(format!("cannot write {}: {e}", shown.display())))?;
                    print(&format!("formatted {}\n", escape_control(&name)))?;
                }
            }
            _ => {
                if std::io::stdout().is_terminal() {
                    print(&escape_lines(&formatted))?;
                } else {
                    print(&formatted)?;
                }
            }
        }
    }
    if args.check && changed > 0 {
        let files = if inputs.len() == 1 { "file" } else { "files" };
        print(&format!(
            "{changed} of {} {files} would be reformatted\n",
            inputs.len()
        ))?;
    }
    Ok(ExitCode::from(u8::from(
        errors > 0 || (args.check && changed > 0),
    )))
}

fn explain(code: Option<&str>) -> Result<ExitCode, Fatal> {
    let Some(name) = code else {
        let out = planck::explain::list();
        print(&out)?;
        return Ok(ExitCode::SUCCESS);
    };
    match Code::from_name(name) {
        Some(c) => {
            print(&planck::explain::text(c))?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let hint = planck::suggest::did_you_mean(name, Code::ALL.iter().map(|c| c.as_str()))
                .map_or_else(
                    || "; `planck explain` lists every code".to_string(),
                    |b| format!("; did you mean `{b}`?"),
                );
            Err(Fatal(format!("no diagnostic code named `{name}`{hint}")))
        }
    }
}

/// `path` as a word a POSIX shell reads back unchanged: quoted when it holds anything
/// but plain characters, and never starting with `-`, which would read as an option.
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    let text = if text.starts_with('-') {
        format!("./{text}")
    } else {
        text
    };
    let plain = !text.is_empty()
        && text.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | ',' | ':' | '@' | '%')
        });
    if plain {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

fn init(dir: &Path) -> Result<ExitCode, Fatal> {
    let plan = dir.join("sales.plan");
    let toml = dir.join(config::FILE_NAME);
    for existing in [&plan, &toml] {
        // `symlink_metadata`: a dangling link is something there, too.
        if std::fs::symlink_metadata(existing).is_ok() {
            return Err(Fatal(format!(
                "{} already exists; nothing was written",
                existing.display()
            )));
        }
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Fatal(format!("cannot create {}: {e}", dir.display())))?;
    let create = |path: &Path, text: &str| {
        files::create_new(path, text.as_bytes()).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Fatal(format!(
                    "{} already exists; it was left as it is",
                    path.display()
                ))
            } else {
                Fatal(format!("cannot write {}: {e}", path.display()))
            }
        })
    };
    create(&plan, planck::init::STARTER_PLAN)?;
    if let Err(e) = create(&toml, planck::init::STARTER_CONFIG) {
        let _ = std::fs::remove_file(&plan);
        return Err(e);
    }
    print(&format!(
        "created {} and {}\nnext: planck check {}\n",
        plan.display(),
        toml.display(),
        shell_word(dir)
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// A side of `planck diff OLD NEW`: `/dev/null` is a plan that does not exist.
fn diff_side(path: &Path, cwd: &Path) -> Result<Option<planck::Compilation>, Fatal> {
    if path == Path::new("/dev/null") {
        return Ok(None);
    }
    let root = single_root(path)?;
    Ok(Some(
        compile_root(&root, cwd, None, None, Detail::Cells)?.compilation,
    ))
}

/// `planck diff`: exit 0 whether or not the plans differ (like `git diff`), also when a
/// side has errors (they are part of the diff); 2 when a side cannot be read.
fn diff(args: &DiffArgs) -> Result<ExitCode, Fatal> {
    let cwd = std::env::current_dir().map_err(|e| Fatal(format!("no working folder: {e}")))?;
    let (old_path, new_path, old, new) = match (&args.git, args.paths.as_slice()) {
        (None, [old, new]) => {
            // The two sides are independent: compile them at the same time.
            let (a, b) = std::thread::scope(|s| {
                let a = s.spawn(|| diff_side(old, &cwd));
                let b = diff_side(new, &cwd);
                let a = a
                    .join()
                    .unwrap_or_else(|_| Err(Fatal("the old side could not be compiled".into())));
                (a, b)
            });
            (old.display().to_string(), new.display().to_string(), a?, b?)
        }
        (None, _) => {
            return Err(Fatal(
                "`planck diff` takes two plans (OLD NEW), or --git REV [PATH]".to_string(),
            ));
        }
        (Some(rev), paths) => {
            let [path] = paths else {
                if paths.is_empty() {
                    return diff_git(args, rev, Path::new("."), &cwd);
                }
                return Err(Fatal(
                    "`planck diff --git REV` takes at most one PATH".to_string(),
                ));
            };
            return diff_git(args, rev, path, &cwd);
        }
    };
    let result = planck::diff::diff(
        &planck::diff::Side {
            path: old_path,
            compilation: old.as_ref(),
        },
        &planck::diff::Side {
            path: new_path,
            compilation: new.as_ref(),
        },
    );
    print_diff(&result, args.format)
}

/// `planck diff --git REV PATH`: the plan in the working tree against the same plan, its
/// includes, data files and configuration as they were at REV.
fn diff_git(args: &DiffArgs, rev: &str, path: &Path, cwd: &Path) -> Result<ExitCode, Fatal> {
    let root = single_root(path)?;
    let absolute = load::normalize(&cwd.join(&root));
    let folder = absolute.parent().unwrap_or(cwd).to_path_buf();
    let git = git_fs::GitFs::open(&folder, rev).map_err(Fatal)?;
    let Compiled {
        compilation: new,
        project_root,
        config: config_path,
        ..
    } = compile_root(&root, cwd, None, None, Detail::Cells)?;
    let old_config = match &config_path {
        Some(p) => match git.blob(p).map_err(Fatal)? {
            Some(bytes) => {
                let text = String::from_utf8(bytes)
                    .map_err(|_| Fatal(format!("{} at {rev} is not valid UTF-8", p.display())))?;
                config::parse(&text).map_err(|e| {
                    Fatal(format!(
                        "{} at {rev} is not a valid planck configuration: {}",
                        p.display(),
                        e.message
                    ))
                })?
            }
            None => Config::default(),
        },
        None => Config::default(),
    };
    let canonical_root = std::fs::canonicalize(&absolute).unwrap_or(absolute);
    let old = git.blob(&canonical_root).map_err(Fatal)?.map(|bytes| {
        planck::compile(
            &root,
            bytes,
            &git,
            &LoadOptions {
                project_root,
                base_dir: cwd.to_path_buf(),
            },
            &old_config,
            &planck::RunOptions {
                as_of: None,
                today: Some(chrono::Local::now().date_naive()),
                detail: Detail::Cells,
            },
        )
    });
    let shown = root.display().to_string();
    let result = planck::diff::diff(
        &planck::diff::Side {
            path: format!("{shown} at {rev}"),
            compilation: old.as_ref(),
        },
        &planck::diff::Side {
            path: shown,
            compilation: Some(&new),
        },
    );
    print_diff(&result, args.format)
}

fn print_diff(diff: &planck::diff::Diff, format: DiffFormat) -> Result<ExitCode, Fatal> {
    let text = match format {
        DiffFormat::Text => planck::diff::render::text(diff),
        DiffFormat::Markdown => planck::diff::render::markdown(diff),
        DiffFormat::Json => {
            let mut text = serde_json::to_string_pretty(diff)
                .map_err(|e| Fatal(format!("cannot write JSON: {e}")))?;
            text.push('\n');
            text
        }
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The manual page of `planck`, from the clap definition: its subcommands are listed
/// with what each does (`planck help SUBCOMMAND` gives each one's options).
fn man() -> Result<ExitCode, Fatal> {
    let mut page = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
        .render(&mut page)
        .map_err(|e| Fatal(format!("cannot write the manual page: {e}")))?;
    print(&String::from_utf8_lossy(&page)).map(|()| ExitCode::SUCCESS)
}

/// What the language server reads from outside: the real file system, folder listings
/// (to find the root plan of an included file) and the date.
struct LspHost;

impl load::FileSystem for LspHost {
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        RealFs.canonicalize(path)
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        RealFs.read(path)
    }
}

impl planck::lsp::Host for LspHost {
    fn plan_files(&self, dir: &Path) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "plan"))
            .collect()
    }

    fn today(&self) -> Option<NaiveDate> {
        Some(chrono::Local::now().date_naive())
    }
}

fn lsp() -> Result<ExitCode, Fatal> {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let ending = planck::lsp::run(&connection, Box::new(LspHost)).map_err(Fatal)?;
    drop(connection);
    io_threads
        .join()
        .map_err(|e| Fatal(format!("language server connection: {e}")))?;
    // The protocol: exit without a shutdown first is an error.
    Ok(match ending {
        planck::lsp::Ending::ShutDown => ExitCode::SUCCESS,
        planck::lsp::Ending::WithoutShutdown => ExitCode::from(1),
    })
}
