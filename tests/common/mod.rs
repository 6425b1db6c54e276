//! Helpers shared by the integration tests: an in-memory file system, one way to run the
//! phases on a plan's text, and ways to run the `planck` binary.

// Each test binary uses a part of this module.
#![allow(dead_code)]

use planck::alloc::Detail;
use planck::config::Config;
use planck::model::MemberRef;
use planck::resolve::load::{FileSystem, LoadOptions};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The project root (and working folder) of the in-memory file system.
pub const ROOT: &str = "/p";

/// Files in memory, by path relative to [`ROOT`]. Paths are their own canonical form:
/// there are no links.
pub struct MemFs(HashMap<PathBuf, Vec<u8>>);

impl MemFs {
    pub fn new(files: &[(&str, &[u8])]) -> MemFs {
        MemFs(
            files
                .iter()
                .map(|(p, b)| {
                    (
                        planck::resolve::load::normalize(&Path::new(ROOT).join(p)),
                        b.to_vec(),
                    )
                })
                .collect(),
        )
    }
}

impl FileSystem for MemFs {
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        let path = planck::resolve::load::normalize(path);
        if self.0.contains_key(&path) {
            Ok(path)
        } else {
            Err(std::io::ErrorKind::NotFound.into())
        }
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::ErrorKind::NotFound.into())
    }
}

/// Run the phases on `text` as `main.plan` of a project whose other files are `others`.
pub fn compile_files(
    text: impl Into<Vec<u8>>,
    others: &[(&str, &[u8])],
    config: &Config,
    detail: Detail,
) -> planck::Compilation {
    let options = LoadOptions {
        project_root: ROOT.into(),
        base_dir: ROOT.into(),
    };
    planck::compile(
        Path::new("main.plan"),
        text.into(),
        &MemFs::new(others),
        &options,
        config,
        &planck::RunOptions::new(detail),
    )
}

/// Run the phases on a plan that includes no other file, with the default configuration.
pub fn compile(text: impl Into<Vec<u8>>, detail: Detail) -> planck::Compilation {
    compile_files(text, &[], &Config::default(), detail)
}

/// Every way `value` breaks the JSON Schema (draft 2020-12) `schema`, by instance
/// location, sorted.
pub fn schema_errors(schema: &str, value: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value =
        serde_json::from_str(schema).unwrap_or_else(|e| panic!("the schema: {e}"));
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("file:///schema.json", schema)
        .unwrap_or_else(|e| panic!("{e}"));
    let index = compiler
        .compile("file:///schema.json", &mut schemas)
        .unwrap_or_else(|e| panic!("{e}"));
    match schemas.validate(value, index) {
        Ok(()) => Vec::new(),
        Err(error) => {
            let mut leaves = Vec::new();
            let mut stack = vec![&error];
            while let Some(e) = stack.pop() {
                if e.causes.is_empty() {
                    leaves.push(format!("{}: {}", e.instance_location, e.kind));
                }
                stack.extend(&e.causes);
            }
            leaves.sort();
            leaves
        }
    }
}

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_else(|_| panic!("bad decimal {s}"))
}

/// Cells of one goal as (`dim=member,…`, value), names resolved.
pub fn cells(c: &planck::Compilation, goal: &str) -> Vec<(String, Decimal)> {
    let g = c
        .model
        .goals
        .iter()
        .position(|g| g.name == goal)
        .unwrap_or_else(|| panic!("no goal {goal}"));
    let alloc = c.allocation.goals[g]
        .as_ref()
        .unwrap_or_else(|| panic!("{goal} not allocated: {:#?}", c.diagnostics));
    alloc
        .cells
        .iter()
        .map(|cell| {
            let key: Vec<String> = alloc
                .coords(cell)
                .iter()
                .map(|m| match *m {
                    MemberRef::User(d, m) => {
                        let dim = &c.model.dimensions[d.index()];
                        format!("{}={}", dim.name, dim.members[m.index()].name)
                    }
                    MemberRef::Rep(r) => format!("rep={}", c.model.reps[r.index()].name),
                    MemberRef::Time(t, i) => {
                        format!("{}={}", t.name(), c.model.slices(t)[i as usize].name)
                    }
                })
                .collect();
            (key.join(","), cell.value)
        })
        .collect()
}

/// The sum of the cells whose key contains every given `dim=member`.
pub fn total(cells: &[(String, Decimal)], filters: &[&str]) -> Decimal {
    cells
        .iter()
        .filter(|(k, _)| filters.iter().all(|f| k.split(',').any(|p| p == *f)))
        .map(|(_, v)| *v)
        .sum()
}

/// Each diagnostic as `code@file:line`.
pub fn codes(c: &planck::Compilation) -> Vec<String> {
    c.diagnostics
        .iter()
        .map(|d| {
            let at = c
                .sources
                .get(d.span.file)
                .map(|f| format!("{}:{}", f.name, f.line_col(d.span.start()).line))
                .unwrap_or_default();
            format!("{}@{at}", d.code)
        })
        .collect()
}

/// Starts `cmd` with `stdin`, its output and errors piped back.
fn spawn_piped(cmd: &mut Command, stdin: Stdio) -> std::process::Child {
    cmd.stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts")
}

/// Runs `cmd` with `input` on its standard input, and collects what it prints.
pub fn output_with_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = spawn_piped(cmd, Stdio::piped());
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    // Written beside the wait, so a child that prints before it has read everything
    // cannot fill its pipe and stall both.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("the command is waited for");
    writer
        .join()
        .expect("the writer finishes")
        .expect("the input is written");
    output
}

/// Runs `cmd` and collects what it prints, killing it if it has not finished within
/// `limit`: a hang fails the test instead of stalling the run.
pub fn output_within(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = spawn_piped(cmd, Stdio::null());
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).map(|_| bytes)
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("stdout is piped")));
    let stderr = read(Box::new(child.stderr.take().expect("stderr is piped")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the command is waited for") {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().expect("the command is killed");
            child.wait().expect("the command is waited for");
            panic!("`{cmd:?}` did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: stdout
            .join()
            .expect("stdout is read")
            .expect("stdout is read"),
        stderr: stderr
            .join()
            .expect("stderr is read")
            .expect("stderr is read"),
    }
}
