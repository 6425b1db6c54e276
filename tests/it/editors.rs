//! The editor packages and their documentation: the Vim files run in a headless Vim 9
//! (highlighting at positions, indentation of a sample), the VS Code package's files
//! parse and agree with one another, the Helix files agree with the grammar and the other
//! editors, and the configuration snippets of `docs/editors.md` parse and name `planck lsp`.

// Helpers that cannot go on panic, like the tests themselves.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap()
}

/// The fenced blocks of a Markdown file with the given info string.
fn blocks(markdown: &str, info: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_end() == format!("```{info}") => current = Some(String::new()),
            Some(text) if line.trim_end() == "```" => {
                out.push(std::mem::take(text));
                current = None;
            }
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    out
}

/// The 1-based byte column of `needle` on 1-based line `line` of `text`.
fn column(text: &str, line: usize, needle: &str) -> usize {
    text.lines().nth(line - 1).unwrap().find(needle).unwrap() + 1
}

#[test]
fn vim_highlights_and_indents_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let sample = read("editors/vim/test/sample.plan");
    // The sample with every indentation removed, for Vim to indent again.
    let flat: String = sample
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    let flat_path = dir.path().join("flat.plan");
    std::fs::write(&flat_path, flat).unwrap();
    let probes: Vec<(usize, &str, &str)> = vec![
        (1, "# A plan", "planComment"),
        (2, "plan", "planItem"),
        (2, "\"2026", "planString"),
        (2, "period", "planKeyword"),
        (2, "2026  c", "planPeriod"),
        (2, "CNY", "planCurrency"),
        (4, "dimension", "planDefine"),
        (4, "区域", "planName"),
        (6, "{\"", "planString"),
        (13, "2026-04", "planPeriod"),
        (17, "收入", "planName"),
        (18, "# the VP", "planComment"),
        (19, "1.5万", "planNumber"),
        (21, "60%", "planNumber"),
        (22, "even", "planConstant"),
        (24, "rest", "planConstant"),
    ];
    let mut checks = String::new();
    for (line, needle, _) in &probes {
        let col = column(&sample, *line, needle);
        checks.push_str(&format!(
            "call add(out, synIDattr(synID({line}, {col}, 1), 'name'))\n"
        ));
    }
    let result = dir.path().join("result.txt");
    let script = format!(
        "set nocompatible\n\
         let &runtimepath = '{vim},' . &runtimepath\n\
         filetype plugin indent on\n\
         syntax on\n\
         edit {sample}\n\
         let out = [&filetype, &shiftwidth, &commentstring]\n\
         {checks}\
         call writefile(out, '{result}')\n\
         edit {flat}\n\
         normal! gg=G\n\
         write\n\
         qa!\n",
        vim = repo("editors/vim").display(),
        sample = repo("editors/vim/test/sample.plan").display(),
        flat = flat_path.display(),
        result = result.display(),
    );
    let script_path = dir.path().join("test.vim");
    std::fs::write(&script_path, script).unwrap();
    let status = Command::new("vim")
        .args(["-Es", "-u", "NONE", "-i", "NONE", "-N", "-S"])
        .arg(&script_path)
        .status()
        .expect("vim 9 is installed");
    assert!(status.success(), "{status}");
    let got = std::fs::read_to_string(&result).unwrap();
    let got: Vec<&str> = got.lines().collect();
    assert_eq!(&got[..3], ["plan", "2", "# %s"]);
    let groups: Vec<&str> = probes.iter().map(|p| p.2).collect();
    assert_eq!(&got[3..], groups.as_slice());
    // Indented again, the flattened sample is the sample.
    assert_eq!(std::fs::read_to_string(&flat_path).unwrap(), sample);
}

#[test]
fn the_vscode_package_is_consistent() {
    let package: Value = serde_json::from_str(&read("editors/vscode/package.json")).unwrap();
    let contributes = &package["contributes"];
    assert_eq!(contributes["languages"][0]["id"], "plan");
    assert_eq!(contributes["languages"][0]["extensions"][0], ".plan");
    let grammar = &contributes["grammars"][0];
    assert_eq!(grammar["language"], "plan");
    let tm: Value = serde_json::from_str(&read(&format!(
        "editors/vscode/{}",
        grammar["path"].as_str().unwrap()
    )))
    .unwrap();
    assert_eq!(tm["scopeName"], grammar["scopeName"]);
    let config_path = contributes["languages"][0]["configuration"]
        .as_str()
        .unwrap();
    let config: Value =
        serde_json::from_str(&read(&format!("editors/vscode/{config_path}"))).unwrap();
    assert_eq!(config["comments"]["lineComment"], "#");
    assert_eq!(
        contributes["configuration"]["properties"]["planck.path"]["default"],
        "planck"
    );
    assert_eq!(package["main"], "./extension.js");
    let client = read("editors/vscode/extension.js");
    assert!(client.contains("args: [\"lsp\"]"), "{client}");
    assert!(client.contains("config.get(\"path\")"), "{client}");
    // The versions the tooling notes say work with Node 20.
    assert_eq!(package["devDependencies"]["@vscode/vsce"], "3.9.2");
    let lock: Value = serde_json::from_str(&read("editors/vscode/package-lock.json")).unwrap();
    assert_eq!(lock["packages"][""]["name"], "planck-plan");
}

#[test]
fn the_documented_configurations_parse_and_start_planck_lsp() {
    let doc = read("docs/editors.md");
    let toml_blocks = blocks(&doc, "toml");
    assert_eq!(toml_blocks.len(), 2);
    let helix: toml::Table = toml::from_str(&toml_blocks[0]).unwrap();
    let server = &helix["language-server"]["planck"];
    assert_eq!(server["command"].as_str(), Some("planck"));
    assert_eq!(server["args"].as_array().unwrap()[0].as_str(), Some("lsp"));
    let language = &helix["language"].as_array().unwrap()[0];
    assert_eq!(
        language["file-types"].as_array().unwrap()[0].as_str(),
        Some("plan")
    );
    assert_eq!(
        language["language-servers"].as_array().unwrap()[0].as_str(),
        Some("planck")
    );
    assert_eq!(language["comment-token"].as_str(), Some("#"));

    let json_blocks = blocks(&doc, "json");
    assert_eq!(json_blocks.len(), 2);
    let settings: Value = serde_json::from_str(&json_blocks[0]).unwrap();
    let package: Value = serde_json::from_str(&read("editors/vscode/package.json")).unwrap();
    for key in settings.as_object().unwrap().keys() {
        assert!(
            package["contributes"]["configuration"]["properties"]
                .get(key)
                .is_some(),
            "{key} is not a setting of the extension"
        );
    }

    // Vim and Neovim: the runtime path is the folder the Vim test runs, and the filetype
    // the one it detects.
    let vim = blocks(&doc, "vim");
    assert_eq!(vim.len(), 1);
    assert!(vim[0].contains("editors/vim"), "{}", vim[0]);
    let lua = blocks(&doc, "lua");
    assert_eq!(lua.len(), 1);
    assert!(
        lua[0].contains("cmd = { \"planck\", \"lsp\" }"),
        "{}",
        lua[0]
    );
    assert!(
        lua[0].contains("extension = { plan = \"plan\" }"),
        "{}",
        lua[0]
    );
    assert!(lua[0].contains("editors/vim"), "{}", lua[0]);
    assert!(read("editors/vim/ftdetect/plan.vim").contains("setfiletype plan"));

    // Zed: the setting the extension reads for the path of `planck`.
    let zed: Value = serde_json::from_str(&json_blocks[1]).unwrap();
    assert!(zed["lsp"]["planck"]["binary"]["path"].is_string(), "{zed}");
    let extension = read("editors/zed/src/lib.rs");
    assert!(
        extension.contains("LspSettings::for_worktree(id.as_ref(), worktree)"),
        "{extension}"
    );
    assert!(extension.contains(".and_then(|b| b.path)"), "{extension}");
}

/// An editor the test drives, if it is installed: `var` names it (a path), else `name` is
/// looked up on `PATH`. Without it the test is skipped, except under CI, whose script
/// installs it.
fn tool(var: &str, name: &str) -> Option<PathBuf> {
    let path = std::env::var_os(var).map_or_else(|| PathBuf::from(name), PathBuf::from);
    if Command::new(&path).arg("--version").output().is_err() {
        return missing(name, var);
    }
    Some(path)
}

/// A tool a test needs is not installed: under CI, whose script installs it, that fails
/// the test; elsewhere the test is skipped, and says so.
fn missing(what: &str, var: &str) -> Option<PathBuf> {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(
        !ci,
        "{what} is not installed (set {var}); .ci/run installs it"
    );
    eprintln!("skipped: {what} is not installed (set {var} to its path)");
    None
}

/// The Neovim setup of `docs/editors.md`, run as written in a headless Neovim (0.10 or
/// later, for `vim.fs.root`) with `planck` on `PATH`: opening a plan with a share
/// mistake starts `planck lsp` for the project and shows its diagnostic, at the byte
/// columns Neovim counts from the server's UTF-16 positions.
#[test]
fn neovim_starts_planck_lsp_with_the_documented_setup() {
    let Some(nvim) = tool("PLANCK_NVIM", "nvim") else {
        return;
    };
    let version = Command::new(&nvim).arg("--version").output().unwrap();
    let version = String::from_utf8(version.stdout).unwrap();
    let numbers: Vec<u32> = version
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("NVIM v"))
        .unwrap()
        .split(['.', '-'])
        .take(2)
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(numbers >= vec![0, 10], "Neovim 0.10 or later: {version}");

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let doc = read("docs/editors.md");
    let lua = blocks(&doc, "lua");
    let home = "\"~/src/planck/editors/vim\"";
    assert!(lua[0].contains(home), "{}", lua[0]);
    let init = lua[0].replace(home, &format!("{:?}", repo("editors/vim")));
    std::fs::write(root.join("init.lua"), init).unwrap();
    std::fs::write(root.join("planck.toml"), "").unwrap();
    std::fs::write(
        root.join("main.plan"),
        "plan \"计划\" { period 2026  currency CNY }
strategy 增长 \"增长\"
dimension 区域 \"区域\" { 华东 \"华东\"  华北 \"华北\" }
goal 收入 \"2026 收入\" {
  owner \"张伟\"
  target 12M CNY
  baseline 10M CNY in 2025
  supports 增长
  split 区域 { 华东 60%  华北 35% }
}
",
    )
    .unwrap();
    let result = root.join("result.txt");
    let check = format!(
        "local arrived = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 20)
local out = {{ vim.bo.filetype, tostring(arrived) }}
for _, c in ipairs(vim.lsp.get_clients({{ bufnr = 0 }})) do
  table.insert(out, c.name .. ' ' .. tostring(c.root_dir))
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, string.format('%s %d:%d-%d:%d %s %s', d.code, d.lnum, d.col,
    d.end_lnum, d.end_col, d.source, d.message))
end
vim.fn.writefile(out, {result:?})
vim.cmd('qa!')
",
        result = result.display().to_string(),
    );
    std::fs::write(root.join("check.lua"), check).unwrap();
    let planck = PathBuf::from(env!("CARGO_BIN_EXE_planck"));
    let path = std::env::join_paths(
        std::iter::once(planck.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let status = Command::new(&nvim)
        .args([
            "--headless",
            "--clean",
            "-u",
            "init.lua",
            "-c",
            "luafile check.lua",
        ])
        .arg("main.plan")
        .current_dir(&root)
        .env("PATH", path)
        .env("XDG_STATE_HOME", root.join("state"))
        .env("XDG_DATA_HOME", root.join("data"))
        .status()
        .unwrap();
    assert!(status.success(), "{status}");
    let got = std::fs::read_to_string(&result).unwrap();
    let got: Vec<&str> = got.lines().collect();
    // `{ 华东 60%  华北 35% }` is UTF-16 columns 11 to 29 of line 9 (1-based), bytes 15
    // to 41: each Chinese character is one unit and three bytes.
    assert_eq!(
        got,
        [
            "plan".to_string(),
            "true".to_string(),
            format!("planck {}", root.display()),
            "shares-sum 8:15-8:41 planck the shares of `split 区域` total 95%, not 100%"
                .to_string(),
        ]
    );
}

/// The Zed extension's files agree with one another and with the grammar, and the
/// install commands of `docs/editors.md`, run in this clone, name it and its commit, at
/// which the grammar's generated parser is committed.
#[test]
fn the_zed_extension_is_consistent_and_its_documented_install_names_this_clone() {
    let manifest: toml::Table = toml::from_str(&read("editors/zed/extension.toml")).unwrap();
    let config: toml::Table =
        toml::from_str(&read("editors/zed/languages/plan/config.toml")).unwrap();
    let grammar = config["grammar"].as_str().unwrap();
    assert_eq!(grammar, "plan");
    assert!(read("editors/tree-sitter-plan/grammar.js").contains("name: \"plan\""));
    assert_eq!(
        manifest["grammars"][grammar]["path"].as_str(),
        Some("editors/tree-sitter-plan")
    );
    assert_eq!(
        config["path_suffixes"].as_array().unwrap()[0].as_str(),
        Some("plan")
    );
    assert_eq!(
        config["line_comments"].as_array().unwrap()[0].as_str(),
        Some("# ")
    );
    let server = &manifest["language_servers"]["planck"];
    assert_eq!(
        server["languages"].as_array().unwrap()[0].as_str(),
        config["name"].as_str()
    );
    let extension = read("editors/zed/src/lib.rs");
    assert!(
        extension.contains("args: vec![\"lsp\".to_string()]"),
        "{extension}"
    );
    assert!(
        extension.contains("worktree.which(\"planck\")"),
        "{extension}"
    );
    // One highlighting query, in the grammar's folder for every editor and in the
    // extension's for Zed.
    assert_eq!(
        read("editors/zed/languages/plan/highlights.scm"),
        read("editors/tree-sitter-plan/queries/highlights.scm")
    );

    // The documented commands, but for `cargo install`, with a temporary home.
    let doc = read("docs/editors.md");
    let zed = &doc[doc.find("## Zed").unwrap()..];
    let commands = blocks(zed, "sh").remove(0);
    let commands: String = commands
        .lines()
        .filter(|l| !l.starts_with("cargo install"))
        .map(|l| format!("{l}\n"))
        .collect();
    let home = tempfile::tempdir().unwrap();
    let clone = repo("").canonicalize().unwrap();
    let status = Command::new("bash")
        .args(["-euc", &commands])
        .current_dir(&clone)
        .env("HOME", home.path())
        .env_remove("PWD")
        .status()
        .unwrap();
    assert!(status.success(), "{status}");
    let installed: toml::Table = toml::from_str(
        &std::fs::read_to_string(home.path().join("planck-zed/extension.toml")).unwrap(),
    )
    .unwrap();
    let entry = &installed["grammars"]["plan"];
    assert_eq!(
        entry["repository"].as_str().unwrap(),
        format!("file://{}", clone.display())
    );
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(&clone)
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap();
    let rev = entry["rev"].as_str().unwrap();
    assert_eq!(rev, head.trim());
    // Zed builds `src/parser.c` under the grammar's path, as committed at that commit.
    let object = format!("{rev}:editors/tree-sitter-plan/src/parser.c");
    let status = Command::new("git")
        .args(["cat-file", "-e", &object])
        .current_dir(&clone)
        .status()
        .unwrap();
    assert!(status.success(), "{object} is not committed");
    assert!(
        home.path()
            .join("planck-zed/languages/plan/highlights.scm")
            .is_file()
    );
}

/// The Zed extension compiles to a WebAssembly component for `wasm32-wasip2`, the target
/// Zed builds extensions for. The build takes a minute, so it runs only when
/// `PLANCK_ZED_BUILD` is set, as `.ci/run` sets it once it has added that target
/// (`rustup target add wasm32-wasip2`) and fetched the extension's dependencies (`cargo
/// fetch --manifest-path editors/zed/Cargo.toml`): the build itself runs offline.
#[test]
fn the_zed_extension_compiles_to_a_webassembly_component() {
    let target = "wasm32-wasip2";
    if std::env::var_os("PLANCK_ZED_BUILD").is_none() {
        eprintln!("skipped: set PLANCK_ZED_BUILD to build the Zed extension for {target}");
        return;
    }
    let target_dir = repo("target/zed-extension");
    let output = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--offline",
            "--locked",
            "--target",
            target,
        ])
        .arg("--manifest-path")
        .arg(repo("editors/zed/Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the Zed extension does not build (were its dependencies fetched?):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let wasm = std::fs::read(target_dir.join(target).join("release/planck_zed.wasm")).unwrap();
    // `\0asm`, then the component layer's version: a component, not a core module.
    assert_eq!(wasm[..8], [0, b'a', b's', b'm', 0x0d, 0, 1, 0]);
    // The extension's entry points, by the names of Zed's extension interface.
    let text = String::from_utf8_lossy(&wasm);
    for export in ["init-extension", "language-server-command"] {
        assert!(text.contains(export), "{export} is not in the component");
    }
}

/// Every `.plan` file of the repository that planck parses without a syntax error.
fn valid_plans() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![
        repo("examples"),
        repo("tests/fmt"),
        repo("tests/ui"),
        repo("tests/mistakes"),
        repo("editors/vim/test"),
        repo("editors/vscode/test"),
    ];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "plan") {
                let text = std::fs::read_to_string(&path).unwrap();
                let (_, diagnostics) = planck::syntax::parse(planck::source::FileId(0), &text);
                if diagnostics
                    .iter()
                    .all(|d| d.code != planck::diagnostic::Code::Syntax)
                {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    out
}

/// Python with the tree-sitter bindings, which `editors/tree-sitter-plan/test/check.py`
/// needs (with a C compiler).
fn tree_sitter_python() -> Option<PathBuf> {
    let python = tool("PLANCK_PYTHON", "python3")?;
    let ok = Command::new(&python)
        .args(["-c", "import tree_sitter"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return missing("Python with the tree-sitter bindings", "PLANCK_PYTHON");
    }
    Some(python)
}

fn check_grammar(python: &Path, args: &[&str], files: &[PathBuf]) -> String {
    stdout_of(
        Command::new(python)
            .arg(repo("editors/tree-sitter-plan/test/check.py"))
            .arg(repo("editors/tree-sitter-plan"))
            .args(args)
            .args(files),
    )
}

/// What a command that must succeed prints; its error output when it fails.
fn stdout_of(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The tree-sitter grammar (its committed parser) reads every plan planck reads without
/// a syntax error, and finds the error in one it does not; every query of the grammar
/// and of the Zed extension compiles; highlighting gives each kind of token its colour,
/// never two to one node.
#[test]
fn the_tree_sitter_grammar_reads_every_valid_plan_and_highlights_it() {
    let Some(python) = tree_sitter_python() else {
        return;
    };
    let plans = valid_plans();
    assert!(plans.len() >= 40, "{plans:?}");
    assert_eq!(check_grammar(&python, &["parse"], &plans), "");

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.plan");
    std::fs::write(&broken, "goal g {\n  target\n}\n").unwrap();
    let found = check_grammar(&python, &["parse"], std::slice::from_ref(&broken));
    assert!(
        found.starts_with(&format!("{}:", broken.display())),
        "{found}"
    );
    assert_ne!(found, "");

    let mut queries: Vec<PathBuf> = Vec::new();
    for dir in [
        "editors/tree-sitter-plan/queries",
        "editors/zed/languages/plan",
    ] {
        for entry in std::fs::read_dir(repo(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "scm") {
                queries.push(path);
            }
        }
    }
    queries.sort();
    assert_eq!(queries.len(), 5, "{queries:?}");
    let compiled = check_grammar(&python, &["query"], &queries);
    assert_eq!(compiled.lines().count(), 5, "{compiled}");

    let captures = check_grammar(
        &python,
        &["captures"],
        &[
            repo("editors/tree-sitter-plan/queries/highlights.scm"),
            repo("editors/vim/test/sample.plan"),
        ],
    );
    // No node has two colours.
    let mut ranges: Vec<&str> = captures
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    let all = ranges.len();
    ranges.dedup();
    assert_eq!(ranges.len(), all, "{captures}");
    let expected = [
        "0:0-0:70 comment # A plan for the Vim test: highlighting at positions, and indentation.",
        "1:0-1:4 keyword plan",
        "1:5-1:18 string \"2026 计划\"",
        "1:21-1:27 keyword period",
        "1:28-1:32 string.special 2026",
        "1:34-1:42 keyword currency",
        "1:43-1:46 type.builtin CNY",
        "3:0-3:9 keyword dimension",
        "3:10-3:16 type 区域",
        "4:2-4:8 constant 华东",
        "4:20-4:29 property potential",
        "4:30-4:32 number 5M",
        "4:33-4:36 type.builtin CNY",
        "5:9-5:19 string \"华北 {\"",
        "9:2-9:6 keyword lead",
        "9:7-9:13 variable 张伟",
        "10:2-10:5 keyword rep",
        "10:6-10:12 function 张伟",
        "12:10-12:17 string.special 2026-04",
        "16:5-16:11 function 收入",
        "17:16-17:26 comment # the VP {",
        "18:9-18:15 number 1.5万",
        "19:8-19:14 type 区域",
        "20:4-20:10 constant 华东",
        "20:11-20:14 number 60%",
        "21:12-21:19 type quarter",
        "21:20-21:24 constant.builtin even",
        "23:4-23:10 constant 华北",
        "23:11-23:15 constant.builtin rest",
        "25:2-25:7 keyword allow",
        "25:8-25:24 constant missing-baseline",
    ];
    for line in expected {
        assert!(
            captures.lines().any(|l| l == line),
            "{line} not in\n{captures}"
        );
    }
}

/// With the tree-sitter CLI: the committed parser is what `tree-sitter generate` makes
/// of `grammar.js`, and the corpus tests pass. The CLI is not installed by CI (building
/// it takes far longer than the rest of CI); run this after changing the grammar:
/// `PLANCK_TREE_SITTER=path/to/tree-sitter cargo test --test editors tree_sitter_cli`.
#[test]
fn tree_sitter_cli_generates_the_committed_parser_and_passes_the_corpus() {
    let cli = std::env::var_os("PLANCK_TREE_SITTER")
        .map_or_else(|| PathBuf::from("tree-sitter"), PathBuf::from);
    if Command::new(&cli).arg("--version").output().is_err() {
        eprintln!("skipped: the tree-sitter CLI is not installed (set PLANCK_TREE_SITTER)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    std::fs::copy(
        repo("editors/tree-sitter-plan/grammar.js"),
        work.join("grammar.js"),
    )
    .unwrap();
    std::fs::copy(
        repo("editors/tree-sitter-plan/tree-sitter.json"),
        work.join("tree-sitter.json"),
    )
    .unwrap();
    std::fs::create_dir_all(work.join("test/corpus")).unwrap();
    for entry in std::fs::read_dir(repo("editors/tree-sitter-plan/test/corpus")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            work.join("test/corpus").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    let run = |args: &[&str]| {
        let out = Command::new(&cli)
            .args(args)
            .current_dir(work)
            .env("HOME", work)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tree-sitter {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["generate"]);
    for generated in ["src/parser.c", "src/grammar.json", "src/node-types.json"] {
        let made = std::fs::read_to_string(work.join(generated)).unwrap();
        assert!(
            made == read(&format!("editors/tree-sitter-plan/{generated}")),
            "{generated} is out of date: run `tree-sitter generate` in editors/tree-sitter-plan"
        );
    }
    let report = run(&["test"]);
    assert!(!report.contains('✗'), "{report}");
}

/// What a tree-sitter query names: the named nodes, the fields under the node that
/// holds them (`(parent, field)`), the anonymous nodes (`"{"`) and the captures.
#[derive(Debug, Default)]
struct QueryNames {
    named: Vec<String>,
    fields: Vec<(String, String)>,
    anonymous: Vec<String>,
    captures: Vec<String>,
}

fn query_names(query: &str) -> QueryNames {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '?' | '!');
    let chars: Vec<char> = query.chars().collect();
    let word_at = |start: usize| -> (String, usize) {
        let end = (start..chars.len())
            .find(|&j| !is_word(chars[j]))
            .unwrap_or(chars.len());
        (chars[start..end].iter().collect(), end)
    };
    let mut names = QueryNames::default();
    // What each open `(` or `[` starts: a named node, or `None` for an alternation, a
    // group or `(_`; `Some("#")` for a predicate, whose strings are not nodes.
    let mut open: Vec<Option<String>> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ';' {
            i = (i..chars.len())
                .find(|&j| chars[j] == '\n')
                .unwrap_or(chars.len());
        } else if c == '"' {
            let mut text = String::new();
            i += 1;
            while chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                text.push(chars[i]);
                i += 1;
            }
            i += 1;
            if open.last() != Some(&Some("#".to_string())) {
                names.anonymous.push(text);
            }
        } else if c == '(' {
            i += 1;
            while chars[i].is_whitespace() {
                i += 1;
            }
            if chars[i] == '#' {
                open.push(Some("#".to_string()));
                continue;
            }
            let (word, end) = word_at(i);
            if word.is_empty() || word == "_" {
                open.push(None);
            } else {
                names.named.push(word.clone());
                open.push(Some(word));
                i = end;
            }
        } else if c == '[' {
            open.push(None);
            i += 1;
        } else if c == ')' || c == ']' {
            open.pop().unwrap();
            i += 1;
        } else if c == '@' {
            let (word, end) = word_at(i + 1);
            names.captures.push(word);
            i = end;
        } else if is_word(c) {
            let (word, end) = word_at(i);
            assert_eq!(chars[end], ':', "`{word}` is neither a node nor a field");
            let parent = open.iter().rev().flatten().next().unwrap().clone();
            names.fields.push((parent, word));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    assert!(open.is_empty(), "unbalanced query");
    names
}

/// The scopes of Helix's themes (its book's "Syntax highlighting" scopes), the names its
/// highlight queries capture.
const HELIX_SCOPES: &[&str] = &[
    "attribute",
    "type",
    "type.builtin",
    "type.parameter",
    "type.enum.variant",
    "constructor",
    "constant",
    "constant.builtin",
    "constant.builtin.boolean",
    "constant.character",
    "constant.character.escape",
    "constant.numeric",
    "constant.numeric.integer",
    "constant.numeric.float",
    "string",
    "string.regexp",
    "string.special",
    "string.special.path",
    "string.special.url",
    "string.special.symbol",
    "comment",
    "comment.line",
    "comment.block",
    "variable",
    "variable.builtin",
    "variable.parameter",
    "variable.other.member",
    "label",
    "punctuation",
    "punctuation.delimiter",
    "punctuation.bracket",
    "punctuation.special",
    "keyword",
    "keyword.control",
    "keyword.operator",
    "keyword.directive",
    "keyword.function",
    "keyword.storage",
    "keyword.storage.type",
    "keyword.storage.modifier",
    "operator",
    "function",
    "function.builtin",
    "function.method",
    "function.macro",
    "function.special",
    "tag",
    "namespace",
    "special",
];

/// The shared highlight query's captures that Helix's themes name otherwise.
const HELIX_RENAMES: &[(&str, &str)] = &[
    ("@number", "@constant.numeric"),
    ("@property", "@variable.other.member"),
    ("@string.escape", "@constant.character.escape"),
];

/// A query without its opening comment.
fn without_header(query: &str) -> String {
    query
        .lines()
        .skip_while(|l| l.starts_with(';'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The Helix files agree with the grammar and the other editors: `languages.toml` (the
/// file the documentation appends) names the file type, comment token, indentation and
/// grammar the others do and starts `planck lsp`; its queries name only nodes and fields
/// of the grammar and captures Helix's themes colour; the highlight query is the shared
/// one with Helix's names.
#[test]
fn the_helix_files_agree_with_the_grammar_and_the_other_editors() {
    let helix: toml::Table = toml::from_str(&read("editors/helix/languages.toml")).unwrap();
    let server = &helix["language-server"]["planck"];
    assert_eq!(server["command"].as_str(), Some("planck"));
    assert_eq!(server["args"].as_array().unwrap().len(), 1);
    assert_eq!(server["args"][0].as_str(), Some("lsp"));
    let languages = helix["language"].as_array().unwrap();
    assert_eq!(languages.len(), 1);
    let language = &languages[0];
    assert_eq!(language["name"].as_str(), Some("plan"));
    assert!(
        language.get("grammar").is_none(),
        "the grammar is the language's name"
    );
    assert_eq!(language["language-servers"][0].as_str(), Some("planck"));
    assert_eq!(language["roots"][0].as_str(), Some("planck.toml"));

    let tree_sitter: Value =
        serde_json::from_str(&read("editors/tree-sitter-plan/tree-sitter.json")).unwrap();
    let grammar = &tree_sitter["grammars"][0];
    assert_eq!(language["scope"].as_str(), grammar["scope"].as_str());
    let file_types: Vec<&str> = language["file-types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(file_types, ["plan"]);
    assert_eq!(grammar["file-types"], serde_json::json!(file_types));
    let zed: toml::Table = toml::from_str(&read("editors/zed/languages/plan/config.toml")).unwrap();
    assert_eq!(zed["path_suffixes"][0].as_str(), Some(file_types[0]));
    let package: Value = serde_json::from_str(&read("editors/vscode/package.json")).unwrap();
    assert_eq!(
        package["contributes"]["languages"][0]["extensions"],
        serde_json::json!([format!(".{}", file_types[0])])
    );

    let comment = language["comment-token"].as_str().unwrap();
    assert_eq!(comment, "#");
    assert_eq!(
        zed["line_comments"][0].as_str().unwrap().trim_end(),
        comment
    );
    let vscode: Value =
        serde_json::from_str(&read("editors/vscode/language-configuration.json")).unwrap();
    assert_eq!(vscode["comments"]["lineComment"].as_str(), Some(comment));
    assert_eq!(
        language["indent"]["tab-width"].as_integer(),
        zed["tab_size"].as_integer()
    );
    assert_eq!(language["indent"]["unit"].as_str(), Some("  "));

    // The grammar, built from the clone's path the documentation fills in.
    let grammars = helix["grammar"].as_array().unwrap();
    assert_eq!(grammars.len(), 1);
    assert_eq!(grammars[0]["name"].as_str(), Some("plan"));
    assert_eq!(zed["grammar"].as_str(), Some("plan"));
    assert!(read("editors/tree-sitter-plan/grammar.js").contains("name: \"plan\""));
    let path = grammars[0]["source"]["path"].as_str().unwrap();
    let inside = path.strip_prefix("/path/to/planck/").unwrap();
    assert!(repo(inside).join("src/parser.c").is_file(), "{path}");

    // The documentation shows the file as it is.
    let doc = read("docs/editors.md");
    let helix_doc = &doc[doc.find("## Helix").unwrap()..doc.find("## Zed").unwrap()];
    let shown: toml::Table = toml::from_str(&blocks(helix_doc, "toml").remove(0)).unwrap();
    assert_eq!(shown, helix);

    // The queries, checked against the node types of the grammar.
    let node_types: Value =
        serde_json::from_str(&read("editors/tree-sitter-plan/src/node-types.json")).unwrap();
    let node_types = node_types.as_array().unwrap();
    let has = |name: &str, named: bool| {
        node_types
            .iter()
            .any(|t| t["type"] == name && t["named"] == named)
    };
    let mut files: Vec<String> = std::fs::read_dir(repo("editors/helix/queries/plan"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files, ["highlights.scm", "indents.scm"]);
    for file in &files {
        let query = read(&format!("editors/helix/queries/plan/{file}"));
        let names = query_names(&query);
        assert!(!names.captures.is_empty(), "{file}");
        for name in &names.named {
            assert!(has(name, true), "{file}: no node `{name}` in the grammar");
        }
        for name in &names.anonymous {
            assert!(
                has(name, false),
                "{file}: no token \"{name}\" in the grammar"
            );
        }
        for (parent, field) in &names.fields {
            let node = node_types.iter().find(|t| t["type"] == *parent).unwrap();
            assert!(
                node["fields"].get(field).is_some(),
                "{file}: `{parent}` has no field `{field}`"
            );
        }
        for capture in &names.captures {
            let known = match file.as_str() {
                "highlights.scm" => HELIX_SCOPES.contains(&capture.as_str()),
                _ => ["indent", "outdent"].contains(&capture.as_str()),
            };
            assert!(known, "{file}: Helix has no capture `@{capture}`");
        }
    }

    let mut shared = without_header(&read("editors/tree-sitter-plan/queries/highlights.scm"));
    for (from, to) in HELIX_RENAMES {
        assert!(shared.contains(from), "{from}");
        shared = shared.replace(from, to);
    }
    assert_eq!(
        without_header(&read("editors/helix/queries/plan/highlights.scm")),
        shared
    );
}

/// Helix's queries compile against the committed parser, and its highlighting colours the
/// Vim sample's tokens as the shared query does, under Helix's names.
#[test]
fn the_helix_queries_compile_and_colour_as_the_shared_query() {
    let Some(python) = tree_sitter_python() else {
        return;
    };
    let queries = [
        repo("editors/helix/queries/plan/highlights.scm"),
        repo("editors/helix/queries/plan/indents.scm"),
    ];
    let compiled = check_grammar(&python, &["query"], &queries);
    assert_eq!(compiled.lines().count(), 2, "{compiled}");

    let sample = repo("editors/vim/test/sample.plan");
    let captures =
        |query: &str| check_grammar(&python, &["captures"], &[repo(query), sample.clone()]);
    let helix = captures("editors/helix/queries/plan/highlights.scm");
    let shared = captures("editors/tree-sitter-plan/queries/highlights.scm");
    let renamed: String = shared
        .lines()
        .map(|line| {
            let (range, rest) = line.split_once(' ').unwrap();
            let (name, text) = rest.split_once(' ').unwrap();
            let name = HELIX_RENAMES
                .iter()
                .find(|(from, _)| from[1..] == *name)
                .map_or(name, |(_, to)| &to[1..]);
            format!("{range} {name} {text}\n")
        })
        .collect();
    assert_eq!(helix, renamed);
    for line in [
        "18:9-18:15 constant.numeric 1.5万",
        "4:20-4:29 variable.other.member potential",
        "16:5-16:11 function 收入",
    ] {
        assert!(helix.lines().any(|l| l == line), "{line} not in\n{helix}");
    }
}

/// Helix, if it is installed: `PLANCK_HELIX` names it (a path), else `hx` on `PATH`. CI
/// does not install it (building Helix takes far longer than the rest of CI), so without
/// it the test is skipped, under CI too; run the Helix tests after changing its files:
/// `PLANCK_HELIX=path/to/hx cargo test --test editors helix`.
fn helix() -> Option<PathBuf> {
    let hx = std::env::var_os("PLANCK_HELIX").map_or_else(|| PathBuf::from("hx"), PathBuf::from);
    if Command::new(&hx).arg("--version").output().is_err() {
        eprintln!("skipped: Helix is not installed (set PLANCK_HELIX to its `hx`)");
        return None;
    }
    Some(hx)
}

/// `PATH` with the folders of the given programs first.
fn path_with(programs: &[&Path]) -> std::ffi::OsString {
    let folders = programs
        .iter()
        .filter_map(|p| p.parent())
        .map(Path::to_path_buf);
    std::env::join_paths(folders.chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())))
        .unwrap()
}

/// A home where the Helix setup of `docs/editors.md` ran as written.
struct HelixHome {
    home: tempfile::TempDir,
    /// `PATH` with `planck` and `hx` first.
    path: std::ffi::OsString,
    planck: PathBuf,
    /// What the documented commands printed.
    stdout: String,
}

impl HelixHome {
    /// Runs the documented commands (but `cargo install`) in this clone, with a temporary
    /// home and `planck` on `PATH`.
    fn set_up(hx: &Path) -> HelixHome {
        let doc = read("docs/editors.md");
        let section = &doc[doc.find("## Helix").unwrap()..doc.find("## Zed").unwrap()];
        let commands: String = blocks(section, "sh")
            .remove(0)
            .lines()
            .filter(|l| !l.starts_with("cargo install"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(commands.ends_with("hx --health plan\n"), "{commands}");
        let home = tempfile::tempdir().unwrap();
        let planck = PathBuf::from(env!("CARGO_BIN_EXE_planck"));
        let hx = if hx.components().count() > 1 {
            hx.canonicalize().unwrap()
        } else {
            hx.to_path_buf()
        };
        let path = path_with(&[&planck, &hx]);
        let out = HelixHome::command("bash", home.path(), &path)
            .args(["-euc", &commands])
            .current_dir(repo("").canonicalize().unwrap())
            .output()
            .unwrap();
        // `hx --health` colours its marks even when it does not print to a terminal.
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stdout = stdout
            .split('\x1b')
            .enumerate()
            .map(|(i, part)| match i {
                0 => part,
                _ => part.split_once('m').map_or(part, |(_, rest)| rest),
            })
            .collect();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        HelixHome {
            home,
            path,
            planck,
            stdout,
        }
    }

    /// A command that finds Helix's files in `home` only.
    fn command(program: &str, home: &Path, path: &std::ffi::OsStr) -> Command {
        let mut command = Command::new(program);
        command
            .env("HOME", home)
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .env_remove("PWD")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_CACHE_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_STATE_HOME")
            .env_remove("HELIX_RUNTIME")
            // Helix reads its runtime files next to the crate `cargo` runs first.
            .env_remove("CARGO_MANIFEST_DIR");
        command
    }
}

/// The Helix setup of `docs/editors.md`, run as written with a temporary home and
/// `planck` on `PATH`: `hx --grammar build` compiles the grammar from this clone, with no
/// network, and `hx --health plan` finds planck's language server, the parser and the
/// queries.
#[test]
fn helix_builds_the_grammar_and_finds_planck_with_the_documented_setup() {
    let Some(hx) = helix() else {
        return;
    };
    let setup = HelixHome::set_up(&hx);
    let stdout = &setup.stdout;
    let config = setup.home.path().join(".config/helix");
    let installed: toml::Table =
        toml::from_str(&std::fs::read_to_string(config.join("languages.toml")).unwrap()).unwrap();
    let clone = repo("").canonicalize().unwrap();
    assert_eq!(
        installed["grammar"][0]["source"]["path"].as_str().unwrap(),
        clone.join("editors/tree-sitter-plan").display().to_string()
    );
    assert!(
        stdout.contains("grammars built now\n\t[\"plan\"]\n"),
        "{stdout}"
    );
    assert!(
        config.join("runtime/grammars/plan.so").is_file(),
        "{stdout}"
    );
    for line in [
        format!("  ✓ planck: {}", setup.planck.display()),
        "Tree-sitter parser: ✓".to_string(),
        "Highlight queries: ✓".to_string(),
        "Indent queries: ✓".to_string(),
    ] {
        assert!(stdout.lines().any(|l| l == line), "{line} not in\n{stdout}");
    }
}

/// A tmux server of its own, stopped when dropped.
struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        stdout_of(Command::new("tmux").arg("-S").arg(&self.socket).args(args))
    }

    /// Escape, alone: a key sent right after it would read as that key with Alt.
    fn escape(&self) {
        self.run(&["send-keys", "-t", "hx", "Escape"]);
        std::thread::sleep(std::time::Duration::from_millis(300));
    }

    /// The screen, once `ready` holds for it (within a minute).
    fn screen_when(&self, ready: impl Fn(&str) -> bool) -> String {
        let start = std::time::Instant::now();
        loop {
            let screen = self.run(&["capture-pane", "-p", "-t", "hx"]);
            if ready(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(60),
                "{screen}"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .status();
    }
}

/// Helix with the documented setup, driven in a terminal (tmux) on a plan with a share
/// mistake in a project: the diagnostic of `planck lsp` is shown at the end of its line
/// and in the diagnostics picker (space d), hover (space k) on a goal shows what planck
/// computes for it, the grammar's query colours a number, `:format` lays the file out as
/// `planck fmt` does, with the documented setting, once the mistake is mended, the inlay
/// hints give each member's amount, and the indent query indents a new line in braces.
#[test]
fn helix_shows_planck_diagnostics_hover_and_formatting_in_a_terminal() {
    let Some(hx) = helix() else {
        return;
    };
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let setup = HelixHome::set_up(&hx);
    let project = tempfile::tempdir().unwrap();
    let root = project.path().canonicalize().unwrap();
    std::fs::write(root.join("planck.toml"), "").unwrap();
    // The plan and the editor settings (for inlay hints) of the documentation.
    let doc = read("docs/editors.md");
    let section = &doc[doc.find("## Helix").unwrap()..doc.find("## Zed").unwrap()];
    let plan = blocks(section, "plan expect=shares-sum").remove(0);
    std::fs::write(root.join("main.plan"), &plan).unwrap();
    let settings = blocks(section, "toml").remove(1);
    assert!(
        settings.contains("display-inlay-hints = true"),
        "{settings}"
    );
    let config = setup.home.path().join(".config/helix/config.toml");
    std::fs::write(config, settings).unwrap();
    let tmux = Tmux {
        socket: root.join("tmux.socket"),
    };
    let status = HelixHome::command("tmux", setup.home.path(), &setup.path)
        .arg("-S")
        .arg(&tmux.socket)
        .args(["-f", "/dev/null", "new-session", "-d", "-s", "hx"])
        .args(["-x", "150", "-y", "40", "-c"])
        .arg(&root)
        .args(["hx", "main.plan"])
        .env("TERM", "xterm-256color")
        .status()
        .unwrap();
    assert!(status.success(), "{status}");

    let screen = tmux.screen_when(|s| s.contains("total 95%, not 100%"));
    let line = screen.lines().find(|l| l.contains("split 区域")).unwrap();
    assert!(
        line.trim_end()
            .ends_with("the shares of `split 区域` total 95%, not 100%"),
        "{screen}"
    );

    // The diagnostics picker lists it with its code.
    tmux.run(&["send-keys", "-t", "hx", "Space", "d"]);
    tmux.screen_when(|s| {
        s.lines().any(|l| {
            l.contains("> ERROR")
                && l.contains("planck shares-sum the shares of `split 区域` total 95%")
        })
    });
    tmux.escape();

    // Hover on the goal's name: what planck computes for the goal.
    tmux.run(&["send-keys", "-t", "hx", "-l", "/收入"]);
    tmux.run(&["send-keys", "-t", "hx", "Enter", "Space", "k"]);
    let screen = tmux.screen_when(|s| s.contains("(growth +20%)"));
    for shown in [
        "goal 收入 — 2026 收入",
        "• target: 12M CNY",
        "• baseline: 10M CNY (growth +20%)",
    ] {
        assert!(screen.contains(shown), "{shown} not in\n{screen}");
    }

    // Helix colours the name with the grammar and its highlight query.
    tmux.escape();
    tmux.run(&["send-keys", "-t", "hx", "g", "g"]);
    tmux.run(&["send-keys", "-t", "hx", "-l", "/12M"]);
    tmux.run(&["send-keys", "-t", "hx", "Enter"]);
    tmux.run(&["send-keys", "-t", "hx", "-l", ":tree-sitter-highlight-name"]);
    tmux.run(&["send-keys", "-t", "hx", "Enter"]);
    tmux.screen_when(|s| s.lines().any(|l| l.ends_with(" constant.numeric")));

    // `:format`, then `:w`: the file is laid out as `planck fmt` lays it out.
    let formatted = Command::new(&setup.planck)
        .args(["fmt", "--stdout", "-"])
        .stdin(std::fs::File::open(root.join("main.plan")).unwrap())
        .output()
        .unwrap();
    let formatted = String::from_utf8(formatted.stdout).unwrap();
    assert_ne!(formatted, plan);
    tmux.escape();
    tmux.run(&["send-keys", "-t", "hx", "-l", ":format"]);
    tmux.run(&["send-keys", "-t", "hx", "Enter"]);
    tmux.screen_when(|s| {
        s.lines()
            .any(|l| l.trim_end().ends_with("strategy 增长 \"增长\""))
            && s.contains("\n    2\n")
    });
    tmux.run(&["send-keys", "-t", "hx", "-l", ":w"]);
    tmux.run(&["send-keys", "-t", "hx", "Enter"]);
    tmux.screen_when(|s| s.contains("'main.plan' written"));
    assert_eq!(
        std::fs::read_to_string(root.join("main.plan")).unwrap(),
        formatted
    );

    // With `rest` for `35%` the goal allocates, and the inlay hints give each amount.
    tmux.run(&["send-keys", "-t", "hx", "-l", "/35%"]);
    tmux.run(&["send-keys", "-t", "hx", "Enter", "c"]);
    tmux.run(&["send-keys", "-t", "hx", "-l", "rest"]);
    tmux.escape();
    let screen = tmux.screen_when(|s| s.contains("华北 rest = 4.8M }"));
    assert!(
        screen.contains("split 区域 { 华东 60% = 7.2M  华北 rest = 4.8M }"),
        "{screen}"
    );
    assert!(!screen.contains("total 95%"), "{screen}");

    // The indent query: a new line inside braces is one level in, and the closing brace
    // Helix pairs with the opening one goes back to the level of the line that opens them.
    tmux.run(&["send-keys", "-t", "hx", "g", "e", "o"]);
    tmux.run(&["send-keys", "-t", "hx", "-l", "dimension 产品 \"产品\" {"]);
    tmux.run(&["send-keys", "-t", "hx", "Enter"]);
    tmux.run(&["send-keys", "-t", "hx", "-l", "硬件 \"硬件\""]);
    tmux.escape();
    let screen = tmux.screen_when(|s| s.contains("硬件 \"硬件\""));
    let lines: Vec<&str> = screen.lines().collect();
    let opening = lines
        .iter()
        .position(|l| l.ends_with("dimension 产品 \"产品\" {"))
        .unwrap();
    let column = |line: &str, text: &str| line.find(text).unwrap();
    let start = column(lines[opening], "dimension");
    assert_eq!(column(lines[opening + 1], "硬件"), start + 2, "{screen}");
    assert_eq!(column(lines[opening + 2], "}"), start, "{screen}");
    assert!(lines[opening + 2].ends_with(" }"), "{screen}");
}
