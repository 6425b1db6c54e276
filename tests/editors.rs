//! The editor packages and their documentation: the Vim files run in a headless Vim 9
//! (highlighting at positions, indentation of a sample), the VS Code package's files
//! parse and agree with one another, and the configuration snippets of
//! `docs/editors.md` parse and name `planck lsp`.

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
    assert_eq!(toml_blocks.len(), 1);
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
    assert_eq!(json_blocks.len(), 1);
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
}

/// An editor the test drives, if it is installed: `var` names it (a path), else `name` is
/// looked up on `PATH`. Without it the test is skipped, except under CI, whose script
/// installs it.
fn tool(var: &str, name: &str) -> Option<PathBuf> {
    let path = std::env::var_os(var).map_or_else(|| PathBuf::from(name), PathBuf::from);
    let found = Command::new(&path).arg("--version").output().is_ok();
    if !found {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
        assert!(
            !ci,
            "{name} is not installed (set {var}); .ci/run installs it"
        );
        eprintln!("skipped: {name} is not installed (set {var} to its path)");
        return None;
    }
    Some(path)
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
    let planck = PathBuf::from(assert_cmd::cargo::cargo_bin!("planck"));
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
