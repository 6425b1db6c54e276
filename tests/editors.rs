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
