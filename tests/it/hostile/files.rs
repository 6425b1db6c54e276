//! Hostile input: files — confinement to the project root, regular files only, safe writes.

use super::common;
use std::os::unix::fs::{FileTypeExt, symlink};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The binary, run in `dir`, killed if it does not finish: a hang fails the test.
fn planck(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_planck"));
    cmd.current_dir(dir);
    cmd
}

struct Run {
    code: i32,
    out: String,
    err: String,
}

fn run(cmd: &mut Command) -> Run {
    let output = common::output_within(cmd, Duration::from_secs(20));
    Run {
        code: output.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&output.stdout).into_owned(),
        err: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

const PLAN: &str = "plan \"p\" { period 2026  currency CNY }\nstrategy s \"s\"\ngoal g \"目标\" {\n  owner \"me\"\n  target 1M CNY\n  baseline 900k CNY in 2025\n  supports s\n}\n";

/// A project folder `project/` with a clean root plan that also includes or names
/// `extra`, beside a folder `outside/` holding a secret.
fn project(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("project/main.plan"),
        &format!("{PLAN}{extra}"),
    );
    write(
        &dir.path().join("outside/credentials.txt"),
        "SECRET-TOKEN-4711 do not print\n",
    );
    write(
        &dir.path().join("outside/other.plan"),
        "goal leaked \"SECRET-GOAL-4711\" { target 1M CNY }\n",
    );
    dir
}

#[test]
fn an_include_linked_out_of_the_project_is_refused_unread() {
    let dir = project("include \"notes.plan\"\n");
    symlink(
        "../outside/credentials.txt",
        dir.path().join("project/notes.plan"),
    )
    .unwrap();
    let r = run(planck(dir.path()).args(["check", "project/main.plan"]));
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert!(r.out.contains("include-outside-root"), "{}", r.out);
    assert!(
        r.out
            .contains("`notes.plan` leads outside the project root through a symbolic link"),
        "{}",
        r.out
    );
    assert!(!r.out.contains("SECRET"), "a secret leaked: {}", r.out);
}

#[test]
fn a_linked_folder_does_not_bring_in_an_outside_plan() {
    let dir = project("include \"sub/other.plan\"\n");
    symlink("../outside", dir.path().join("project/sub")).unwrap();
    for command in ["check", "compile"] {
        let r = run(planck(dir.path()).args([command, "project/main.plan"]));
        assert_eq!(r.code, 1, "{command}: {}{}", r.out, r.err);
        let report = format!("{}{}", r.out, r.err);
        assert!(report.contains("include-outside-root"), "{report}");
        assert!(!report.contains("SECRET"), "{report}");
        assert!(!r.out.contains("leaked"), "{report}");
    }
}

#[test]
fn a_csv_linked_out_of_the_project_is_refused_unread() {
    let dir = project("actuals g from \"data.csv\"\n");
    symlink(
        "../outside/credentials.txt",
        dir.path().join("project/data.csv"),
    )
    .unwrap();
    let r = run(planck(dir.path()).args(["check", "project/main.plan"]));
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert!(r.out.contains("include-outside-root"), "{}", r.out);
    assert!(r.out.contains("`data.csv` leads outside"), "{}", r.out);
    assert!(!r.out.contains("SECRET"), "{}", r.out);
}

#[test]
fn a_link_to_a_device_is_not_read() {
    let dir = project("include \"zero.plan\"\nactuals g from \"zero.csv\"\n");
    symlink("/dev/zero", dir.path().join("project/zero.plan")).unwrap();
    symlink("/dev/zero", dir.path().join("project/zero.csv")).unwrap();
    let r = run(planck(dir.path()).args(["check", "project/main.plan"]));
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert_eq!(
        r.out.matches("include-outside-root").count(),
        2,
        "{}",
        r.out
    );
}

#[test]
fn pipes_are_refused_without_blocking() {
    let dir = project("include \"pipe.plan\"\nactuals g from \"pipe.csv\"\n");
    mkfifo(&dir.path().join("project/pipe.plan"));
    mkfifo(&dir.path().join("project/pipe.csv"));
    // A pipe in a checked folder is skipped, not waited on.
    mkfifo(&dir.path().join("project/stuck.plan"));
    let r = run(planck(dir.path()).args(["check", "project"]));
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert!(
        r.out
            .contains("cannot read `pipe.plan`: not a regular file (a named pipe)"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("cannot read `pipe.csv`: not a regular file (a named pipe)"),
        "{}",
        r.out
    );
    assert!(r.err.contains("skipped project/stuck.plan"), "{}", r.err);
    assert!(r.out.contains("checked 1 plan"), "{}", r.out);

    // Named on the command line, a pipe is an error, not a wait.
    let r = run(planck(dir.path()).args(["check", "project/stuck.plan"]));
    assert_eq!(r.code, 2, "{}{}", r.out, r.err);
    assert!(
        r.err.contains("not a regular file (a named pipe)"),
        "{}",
        r.err
    );

    // So is a planck.toml that is a pipe.
    mkfifo(&dir.path().join("project/planck.toml"));
    let r = run(planck(dir.path()).args(["check", "project/main.plan"]));
    assert_eq!(r.code, 2, "{}{}", r.out, r.err);
    assert!(r.err.contains("planck.toml"), "{}", r.err);
}

#[test]
fn a_checked_folder_skips_plans_linked_from_elsewhere() {
    let dir = project("");
    write(
        &dir.path().join("outside/secret.plan"),
        "plan \"SECRET-PLAN-4711\" { period 2026 currency CNY }\ngoal x { target 1 }\n",
    );
    symlink(
        "../outside/secret.plan",
        dir.path().join("project/evil.plan"),
    )
    .unwrap();
    let r = run(planck(dir.path()).args(["check", "project"]));
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(
        r.out.contains("checked 1 plan (1 file): no problems"),
        "{}",
        r.out
    );
    assert!(r.err.contains("skipped project/evil.plan"), "{}", r.err);
    assert!(!r.out.contains("SECRET"), "{}", r.out);

    // Named directly, a root plan linked out of its project is refused too.
    let r = run(planck(dir.path()).args(["check", "project/evil.plan"]));
    assert_eq!(r.code, 2, "{}{}", r.out, r.err);
    assert!(r.err.contains("outside the project"), "{}", r.err);
    assert!(!r.out.contains("SECRET"), "{}", r.out);
}

#[test]
fn a_linked_planck_toml_cannot_quote_an_outside_file() {
    let dir = project("");
    symlink(
        "../outside/credentials.txt",
        dir.path().join("project/planck.toml"),
    )
    .unwrap();
    let r = run(planck(dir.path()).args(["check", "project/main.plan"]));
    assert_eq!(r.code, 2, "{}{}", r.out, r.err);
    assert!(
        r.err.contains("symbolic link to a file outside its folder"),
        "{}",
        r.err
    );
    assert!(!r.err.contains("SECRET"), "{}", r.err);
}

#[test]
fn one_file_reached_by_two_paths_is_loaded_once() {
    let dir = project("include \"dims.plan\"\ninclude \"alias.plan\"\n");
    write(
        &dir.path().join("project/dims.plan"),
        "dimension region { east  west }\n",
    );
    symlink("dims.plan", dir.path().join("project/alias.plan")).unwrap();
    let r = run(planck(dir.path()).args(["check", "project/main.plan"]));
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(
        r.out.contains("checked 1 plan (2 files): no problems"),
        "{}",
        r.out
    );
}

/// A project ready to compile, with `out/` as the output folder.
fn compiled_project() -> tempfile::TempDir {
    let dir = project("");
    std::fs::create_dir_all(dir.path().join("project/out")).unwrap();
    dir
}

#[test]
fn compile_output_never_writes_through_a_planted_temp_link() {
    let dir = compiled_project();
    let victim = dir.path().join("outside/victim.txt");
    write(&victim, "precious");
    // Plant links at every temporary name the next few thousand processes could use.
    let last_pid: u32 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    for pid in last_pid..last_pid + 3000 {
        let name = format!("project/out/.plan.json.planck-{pid}.tmp");
        symlink(&victim, dir.path().join(name)).unwrap();
    }
    let r = run(planck(dir.path()).args([
        "compile",
        "project/main.plan",
        "-o",
        "project/out/plan.json",
    ]));
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let json = std::fs::read_to_string(dir.path().join("project/out/plan.json")).unwrap();
    assert!(json.starts_with('{'), "{json}");
    let meta = std::fs::symlink_metadata(dir.path().join("project/out/plan.json")).unwrap();
    assert!(meta.is_file());
}

#[test]
fn compile_output_refuses_special_files() {
    let dir = compiled_project();
    let fifo = dir.path().join("project/out/pipe.json");
    mkfifo(&fifo);
    let r = run(planck(dir.path()).args([
        "compile",
        "project/main.plan",
        "-o",
        "project/out/pipe.json",
    ]));
    assert_eq!(r.code, 2, "{}{}", r.out, r.err);
    assert!(
        r.err.contains("is a named pipe, not a regular file"),
        "{}",
        r.err
    );
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );

    let r = run(planck(dir.path()).args(["compile", "project/main.plan", "-o", "project/out"]));
    assert_eq!(r.code, 2, "{}{}", r.out, r.err);
    assert!(
        r.err.contains("is a folder, not a regular file"),
        "{}",
        r.err
    );
    assert!(dir.path().join("project/out").is_dir());
}

#[test]
fn compile_output_never_replaces_a_file_the_plan_reads() {
    let dir = project("include \"dims.plan\"\nactuals g from \"a.csv\"\n");
    write(
        &dir.path().join("project/dims.plan"),
        "dimension region { east }\n",
    );
    write(
        &dir.path().join("project/a.csv"),
        "period,amount\n2026-01,5\n",
    );
    write(&dir.path().join("project/planck.toml"), "[policy]\n");
    std::fs::create_dir_all(dir.path().join("project/sub")).unwrap();
    for target in [
        "main.plan",
        "dims.plan",
        "a.csv",
        "planck.toml",
        "./sub/../main.plan",
    ] {
        let before = std::fs::read_dir(dir.path().join("project"))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.file_name(), std::fs::read(e.path()).unwrap_or_default())
            })
            .collect::<std::collections::BTreeMap<_, _>>();
        let r =
            run(planck(&dir.path().join("project")).args(["compile", "main.plan", "-o", target]));
        assert_eq!(r.code, 2, "{target}: {}{}", r.out, r.err);
        assert!(
            r.err.contains("is a file this plan reads"),
            "{target}: {}",
            r.err
        );
        let after = std::fs::read_dir(dir.path().join("project"))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.file_name(), std::fs::read(e.path()).unwrap_or_default())
            })
            .collect::<std::collections::BTreeMap<_, _>>();
        assert_eq!(before, after, "{target}: the project changed");
    }
    // A link to a file the plan reads is the same file.
    symlink("main.plan", dir.path().join("project/link.json")).unwrap();
    let r =
        run(planck(&dir.path().join("project")).args(["compile", "main.plan", "-o", "link.json"]));
    assert_eq!(r.code, 2, "{}{}", r.out, r.err);
    assert!(r.err.contains("is a file this plan reads"), "{}", r.err);
}

#[test]
fn compile_output_writes_through_a_link_inside_the_project() {
    let dir = compiled_project();
    write(&dir.path().join("project/out/real.json"), "old");
    symlink("real.json", dir.path().join("project/out/link.json")).unwrap();
    let r = run(planck(dir.path()).args([
        "compile",
        "project/main.plan",
        "-o",
        "project/out/link.json",
    ]));
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let link = dir.path().join("project/out/link.json");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let json = std::fs::read_to_string(dir.path().join("project/out/real.json")).unwrap();
    assert!(json.starts_with("{\"version\""), "{json}");

    // A link (or linked folder) aiming the output outside the project is refused.
    let victim = dir.path().join("outside/victim.json");
    write(&victim, "precious");
    symlink(&victim, dir.path().join("project/out/evil.json")).unwrap();
    symlink("../outside", dir.path().join("project/elsewhere")).unwrap();
    for target in ["project/out/evil.json", "project/elsewhere/victim.json"] {
        let r = run(planck(dir.path()).args(["compile", "project/main.plan", "-o", target]));
        assert_eq!(r.code, 2, "{target}: {}{}", r.out, r.err);
        assert!(r.err.contains("outside the project"), "{target}: {}", r.err);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }
}

/// Run `args` with standard output on `/dev/full`.
fn run_to_full_disk(dir: &Path, args: &[&str]) -> Run {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = std::process::Command::new(std::path::PathBuf::from(env!("CARGO_BIN_EXE_planck")))
        .current_dir(dir)
        .args(args)
        .stdout(full)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        out: String::new(),
        err: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn a_failed_write_to_standard_output_exits_2() {
    let dir = project("");
    for args in [
        &["check", "project/main.plan"][..],
        &["check", "--format", "json", "project/main.plan"],
        &["schema"],
        &["explain"],
        &["explain", "shares-sum"],
        &["compile", "project/main.plan"],
    ] {
        let r = run_to_full_disk(dir.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.err);
        assert!(
            r.err.contains("No space left on device"),
            "{args:?}: {}",
            r.err
        );
    }
}

#[test]
fn init_never_replaces_what_is_there_even_a_dangling_link() {
    let dir = tempfile::tempdir().unwrap();
    symlink("nowhere.plan", dir.path().join("sales.plan")).unwrap();
    let r = run(planck(dir.path()).args(["init", "."]));
    assert_eq!(r.code, 2, "{}{}", r.out, r.err);
    assert!(r.err.contains("already exists"), "{}", r.err);
    let meta = std::fs::symlink_metadata(dir.path().join("sales.plan")).unwrap();
    assert!(meta.file_type().is_symlink());
    assert!(!dir.path().join("nowhere.plan").exists());
    assert!(!dir.path().join("planck.toml").exists());
}

#[test]
fn init_suggests_a_command_that_works() {
    for name in ["-weird", "two words", "it's", "华东 plan"] {
        let dir = tempfile::tempdir().unwrap();
        let r = run(planck(dir.path()).args(["init", "--", name]));
        assert_eq!(r.code, 0, "{name}: {}{}", r.out, r.err);
        let next = r
            .out
            .lines()
            .find_map(|l| l.strip_prefix("next: planck "))
            .unwrap();
        // Run the suggestion as a shell would.
        let bin = std::path::PathBuf::from(env!("CARGO_BIN_EXE_planck"));
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("\"$0\" {next}"))
            .arg(bin)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "{name}: `planck {next}` failed");
    }
}

#[test]
fn as_of_takes_four_digit_years_only() {
    let dir = project("");
    for date in ["+10000-01-01", "10000-01-01", "-0001-01-01", "2026-1-01"] {
        for command in ["check", "compile"] {
            let as_of = format!("--as-of={date}");
            let r = run(planck(dir.path()).args([command, &as_of, "project/main.plan"]));
            assert_eq!(r.code, 2, "{command} {date}: {}{}", r.out, r.err);
            assert!(r.err.contains("with a four-digit year"), "{}", r.err);
        }
    }
    let r = run(planck(dir.path()).args(["check", "--as-of", "0001-01-01", "project/main.plan"]));
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
}

#[test]
fn a_ten_thousand_deep_include_chain_loads() {
    const DEPTH: usize = 10_000;
    let names: Vec<String> = (0..DEPTH).map(|i| format!("f{i}.plan")).collect();
    let texts: Vec<String> = (0..DEPTH)
        .map(|i| {
            let next = if i + 1 < DEPTH {
                format!("include \"f{}.plan\"\n", i + 1)
            } else {
                String::new()
            };
            format!("strategy s{i} \"s\"\n{next}")
        })
        .collect();
    let root = format!("{PLAN}include \"f0.plan\"\n");
    // The test thread's stack is smaller than a program's main thread.
    let c = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let files: Vec<(&str, &[u8])> = names
                .iter()
                .zip(&texts)
                .map(|(n, t)| (n.as_str(), t.as_bytes()))
                .collect();
            common::compile_files(
                root,
                &files,
                &planck::config::Config::default(),
                planck::alloc::Detail::ExactRepTotals,
            )
        })
        .unwrap()
        .join()
        .unwrap();
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, Vec::<&str>::new());
    assert_eq!(c.files.len(), DEPTH + 1);
    assert_eq!(c.model.strategies.len(), DEPTH + 1);
}

#[test]
fn a_cycle_deep_in_a_chain_is_still_found() {
    let files: Vec<(&str, &[u8])> = vec![
        ("a.plan", b"include \"b.plan\"\n"),
        ("b.plan", b"include \"c.plan\"\n"),
        ("c.plan", b"include \"a.plan\"\n"),
    ];
    let c = common::compile_files(
        format!("{PLAN}include \"a.plan\"\n"),
        &files,
        &planck::config::Config::default(),
        planck::alloc::Detail::ExactRepTotals,
    );
    let cycles: Vec<&planck::diagnostic::Diagnostic> = c
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "include-cycle")
        .collect();
    assert_eq!(cycles.len(), 1);
    assert_eq!(
        cycles[0].help.as_deref(),
        Some("the chain is a.plan → b.plan → c.plan → a.plan: remove one of these includes")
    );
}

#[test]
fn file_names_in_command_line_messages_are_escaped() {
    let dir = project("");
    let evil = dir.path().join("project/\u{1b}[2J.plan");
    mkfifo(&evil);
    let r = run(planck(dir.path()).args(["check", "project"]));
    assert!(!r.err.contains('\u{1b}'), "{}", r.err);
    assert!(
        r.err.contains("skipped project/\\u{1b}[2J.plan"),
        "{}",
        r.err
    );
    let name = format!("project/{}", "\u{1b}]0;title\u{7}.plan");
    let r = run(planck(dir.path()).args(["check", &name]));
    assert_eq!(r.code, 2);
    assert!(
        !r.err.contains('\u{1b}') && !r.err.contains('\u{7}'),
        "{}",
        r.err
    );
}

/// Output files are as readable as any file the user creates: a new one follows the
/// umask, a replaced one keeps its mode (not the private mode of temporary files).
#[test]
fn output_files_follow_the_umask_and_keep_their_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = compiled_project();
    let mode = |p: &str| {
        std::fs::metadata(dir.path().join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    let run_under_umask = |args: &str| {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask 022 && exec \"$0\" {args}"))
            .arg(env!("CARGO_BIN_EXE_planck"))
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{args}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    run_under_umask("compile project/main.plan -o project/out/new.json");
    assert_eq!(mode("project/out/new.json"), 0o644);
    run_under_umask("report project/main.plan --format csv -o project/out/new.csv");
    assert_eq!(mode("project/out/new.csv"), 0o644);

    write(&dir.path().join("project/out/shared.json"), "old");
    std::fs::set_permissions(
        dir.path().join("project/out/shared.json"),
        std::fs::Permissions::from_mode(0o664),
    )
    .unwrap();
    run_under_umask("compile project/main.plan -o project/out/shared.json");
    assert_eq!(mode("project/out/shared.json"), 0o664);

    run_under_umask("init fresh");
    assert_eq!(mode("fresh/sales.plan"), 0o644);
}
