//! `planck lsp` driven over standard input and output with real JSON-RPC framing, as an
//! editor drives it. Positions are UTF-16 code units, so Chinese names are one unit each.

// A test helper that cannot go on panics, like the tests themselves.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A client speaking to one `planck lsp` process.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications read while waiting for something else.
    notifications: Vec<Value>,
    next_id: i64,
    /// The server's capabilities, from its answer to `initialize`.
    capabilities: Value,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_planck"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(m) = read_message(&mut reader) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            notifications: Vec::new(),
            next_id: 1,
            capabilities: Value::Null,
        };
        let init = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        );
        assert_eq!(init["serverInfo"]["name"], "planck");
        assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
        client.capabilities = init["capabilities"].clone();
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        self.send_all(std::slice::from_ref(message));
    }

    /// Messages framed and written at once, so the server reads them together.
    fn send_all(&mut self, messages: &[Value]) {
        let mut bytes = Vec::new();
        for message in messages {
            let body = serde_json::to_vec(message).unwrap();
            write!(bytes, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
            bytes.extend(body);
        }
        self.stdin.write_all(&bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answered within a minute")
    }

    /// The whole response (result or error) to a request.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self.next();
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            self.notifications.push(m);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(i) = self.notifications.iter().position(is_it) {
            let m = self.notifications.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self.next();
            if is_it(&m) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.notifications.push(m);
        }
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "plan", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    /// Shut down and exit; the server must end with success.
    fn shutdown(mut self) {
        let r = self.call("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null);
        assert!(r.get("error").is_none());
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (dir, root)
}

fn pos(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({ "start": pos(l1, c1), "end": pos(l2, c2) })
}

/// A plan with a Chinese dimension, split and rep, and a shares mistake.
const MAIN: &str = "plan \"计划\" { period 2026  currency CNY }
include \"org.plan\"
strategy 增长 \"增长\"
dimension 区域 \"区域\" { 华东 \"华东\"  华北 \"华北\" }
goal 收入 \"2026 收入\" {
  owner 张伟
  target 12M CNY
  baseline 10M CNY in 2025
  supports 增长
  split 区域 { 华东 60%  华北 35% }
}
";

const ORG: &str = "team 销售 \"销售部\" {
  lead 张伟
  rep 张伟 \"张伟\" { capacity 20M CNY }
}
";

#[test]
fn diagnostics_equal_check_and_follow_edits() {
    let (_dir, root) = project(&[("main.plan", MAIN), ("org.plan", ORG)]);
    let main = uri(&root.join("main.plan"));
    let mut client = Client::start(&root);
    client.open(&main, MAIN);
    let diags = client.diagnostics(&main);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "shares-sum");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "planck");
    assert_eq!(
        d["message"],
        "the shares of `split 区域` total 95%, not 100%"
    );
    // `{ 华东 60%  华北 35% }` on line 9 (0-based) from character 11 to 29: each
    // Chinese character is one UTF-16 unit.
    assert_eq!(d["range"], range(9, 11, 9, 29));
    assert_eq!(
        d["relatedInformation"][0]["message"],
        "help: shares total 95%: add 5% to a member, or give one member `rest`"
    );

    // The same as `planck check --format json`: code, message and columns.
    let out = Command::new(env!("CARGO_BIN_EXE_planck"))
        .args(["check", "--format", "json", "main.plan"])
        .current_dir(&root)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &json["diagnostics"][0];
    assert_eq!(c["code"], d["code"]);
    assert_eq!(c["message"], d["message"]);
    assert_eq!(c["line"], 10);
    assert_eq!(c["column"], 12);
    assert_eq!(c["end_column"], 30);

    // Fix the share by an edit of the range `35` (UTF-16 columns 24..26).
    client.change(
        &main,
        2,
        json!([{ "range": range(9, 24, 9, 26), "text": "40" }]),
    );
    assert_eq!(client.diagnostics(&main), Vec::<Value>::new());
    client.shutdown();
}

/// MAIN with the shares fixed: 华东 60% of 12M is 7.2M, 华北 the rest, 4.8M.
fn fixed_main() -> String {
    MAIN.replace("华北 35%", "华北 rest")
}

/// Reps with capacity, a funnel, grades and a deal: the numbers hover shows.
const PIPE: &str = r#"plan "p" { period 2026  currency CNY  as_of 2026-06-30 }
strategy s "s"
team 销售 "销售部" {
  rep 张伟 "张伟" { capacity 10M CNY }
  rep 李娜 "李娜" { capacity 10M CNY }
}
funnel 漏斗 "漏斗" {
  deal_size 100k CNY
  stage 线索 { convert 50%  dwell 10d }
  stage 商机 { convert 40%  dwell 20d }
  stage 成交
}
grades { A "A" 80%  B "B" 50% }
goal 收入 "收入" {
  owner 销售
  target 12M CNY
  baseline 10M CNY in 2025
  supports s
  funnel 漏斗
  split rep even
}
deal 大单 "大单" { owner 张伟  stage 商机  grade A  amount 1M CNY  close 2026-09-30 }
"#;

fn hover_text(client: &mut Client, doc: &Value, line: u32, character: u32) -> String {
    let h = client.request(
        "textDocument/hover",
        json!({ "textDocument": doc, "position": pos(line, character) }),
    );
    h["contents"]["value"].as_str().unwrap().to_string()
}

#[test]
fn hover_shows_goal_member_and_strategy_numbers() {
    let main_text = fixed_main();
    let (_dir, root) = project(&[("main.plan", &main_text), ("org.plan", ORG)]);
    let main = uri(&root.join("main.plan"));
    let mut client = Client::start(&root);
    client.open(&main, &main_text);
    assert_eq!(client.diagnostics(&main), Vec::<Value>::new());
    let doc = json!({ "uri": main });
    let h = client.request(
        "textDocument/hover",
        json!({ "textDocument": doc, "position": pos(4, 6) }),
    );
    assert_eq!(
        h["contents"]["value"],
        "**goal** `收入` — 2026 收入\n- target: 12M CNY\n- baseline: 10M CNY (growth +20%)\n\
         - period: 2026-01-01..2026-12-31\n- SMART: S ✓ · M ✓ · A ✓ · R ✓ · T ✓\n\
         - allocation: `split 区域`: 华东 7.2M CNY, 华北 4.8M CNY"
    );
    // `收入` is characters 5..7 of `goal 收入 "2026 收入" {`.
    assert_eq!(h["range"], range(4, 5, 4, 7));
    assert_eq!(
        hover_text(&mut client, &doc, 9, 14),
        "**member of `区域`** `华东`\n- `收入`: 7.2M CNY"
    );
    assert_eq!(
        hover_text(&mut client, &doc, 8, 12),
        "**strategy** `增长`\n- supported by: `收入`"
    );
    // Between two names, on a keyword: nothing.
    let none = client.request(
        "textDocument/hover",
        json!({ "textDocument": doc, "position": pos(6, 3) }),
    );
    assert_eq!(none, Value::Null);
    client.shutdown();
}

#[test]
fn hover_shows_reps_funnels_stages_deals_and_grades() {
    let (_dir, root) = project(&[("p.plan", PIPE)]);
    let main = uri(&root.join("p.plan"));
    let mut client = Client::start(&root);
    client.open(&main, PIPE);
    let codes: Vec<Value> = client
        .diagnostics(&main)
        .iter()
        .map(|d| d["code"].clone())
        .collect();
    assert_eq!(codes, [json!("behind-pace"), json!("low-coverage")]);
    let doc = json!({ "uri": main });
    assert_eq!(
        hover_text(&mut client, &doc, 13, 6),
        "**goal** `收入`\n- target: 12M CNY\n- baseline: 10M CNY (growth +20%)\n\
         - period: 2026-01-01..2026-12-31\n- SMART: S ✓ · M ✓ · A ✓ · R ✓ · T ✓\n\
         - allocation: `split rep` even\n- reps: 2\n\
         - progress: actual 0 CNY, expected to date 5,950,684.93 CNY, attainment 0%, forecast 800k CNY, off track"
    );
    assert_eq!(
        hover_text(&mut client, &doc, 3, 7),
        "**rep** `张伟`\n- team: `销售`\n- capacity: 10M CNY over the plan period\n\
         - `收入`: 6M CNY of capacity 10M CNY (60% utilised)"
    );
    assert_eq!(
        hover_text(&mut client, &doc, 2, 6),
        "**team** `销售` — 销售部\n- `收入` · `张伟`: 6M CNY of capacity 10M CNY (60% utilised)\n\
         - `收入` · `李娜`: 6M CNY of capacity 10M CNY (60% utilised)"
    );
    assert_eq!(
        hover_text(&mut client, &doc, 6, 8),
        "**funnel** `漏斗`\n- win rate: 20%\n- cycle: 30 days\n- deal size: 100k CNY\n\
         - `线索`: 20% to win\n- `商机`: 40% to win\n- `成交`: 100% to win"
    );
    assert_eq!(
        hover_text(&mut client, &doc, 9, 9),
        "**stage of `漏斗`** `商机`\n- converts: 40%\n- dwell: 20 days\n- probability to win: 40%\n\
         - entries reaching it: 50%\n- funnel win rate: 20%\n- funnel cycle: 30 days"
    );
    assert_eq!(
        hover_text(&mut client, &doc, 21, 6),
        "**deal** `大单`\n- amount: 1M CNY\n- stage: `商机` of funnel `漏斗`\n- grade: `A`\n\
         - probability: 80%\n- weighted value: 800k CNY\n- close: 2026-09-30"
    );
    // The deal's stage refers to the funnel's stage: the same hover.
    assert!(hover_text(&mut client, &doc, 21, 31).starts_with("**stage of `漏斗`** `商机`"));
    assert_eq!(
        hover_text(&mut client, &doc, 12, 10),
        "**grade** `A`\n- probability: 80%"
    );
    client.shutdown();
}

#[test]
fn definition_references_and_rename_work_across_files() {
    let main_text = fixed_main();
    let (_dir, root) = project(&[("main.plan", &main_text), ("org.plan", ORG)]);
    let main = uri(&root.join("main.plan"));
    let org = uri(&root.join("org.plan"));
    let mut client = Client::start(&root);
    client.open(&main, &main_text);
    let doc = json!({ "uri": main });
    // `owner 张伟` in main.plan → `rep 张伟` in org.plan.
    let d = client.request(
        "textDocument/definition",
        json!({ "textDocument": doc, "position": pos(5, 9) }),
    );
    assert_eq!(d, json!({ "uri": org, "range": range(2, 6, 2, 8) }));
    let refs = client.request(
        "textDocument/references",
        json!({ "textDocument": doc, "position": pos(5, 9), "context": { "includeDeclaration": true } }),
    );
    assert_eq!(
        refs,
        json!([
            { "uri": org, "range": range(2, 6, 2, 8) },
            { "uri": main, "range": range(5, 8, 5, 10) },
            { "uri": org, "range": range(1, 7, 1, 9) },
        ])
    );
    let refs = client.request(
        "textDocument/references",
        json!({ "textDocument": doc, "position": pos(5, 9), "context": { "includeDeclaration": false } }),
    );
    assert_eq!(refs.as_array().unwrap().len(), 2);
    let prepared = client.request(
        "textDocument/prepareRename",
        json!({ "textDocument": doc, "position": pos(9, 14) }),
    );
    assert_eq!(prepared, range(9, 13, 9, 15));
    let edit = client.request(
        "textDocument/rename",
        json!({ "textDocument": doc, "position": pos(5, 8), "newName": "李娜" }),
    );
    let mut main_edits = edit["changes"][&main].as_array().unwrap().clone();
    let mut org_edits = edit["changes"][&org].as_array().unwrap().clone();
    let key = |e: &Value| e["range"]["start"]["line"].as_u64().unwrap();
    main_edits.sort_by_key(key);
    org_edits.sort_by_key(key);
    assert_eq!(
        main_edits,
        [json!({ "range": range(5, 8, 5, 10), "newText": "李娜" })]
    );
    assert_eq!(
        org_edits,
        [
            json!({ "range": range(1, 7, 1, 9), "newText": "李娜" }),
            json!({ "range": range(2, 6, 2, 8), "newText": "李娜" }),
        ]
    );
    // A member renamed: its definition and the split entry.
    let edit = client.request(
        "textDocument/rename",
        json!({ "textDocument": doc, "position": pos(9, 13), "newName": "east" }),
    );
    let mut edits = edit["changes"][&main].as_array().unwrap().clone();
    edits.sort_by_key(key);
    assert_eq!(
        edits,
        [
            json!({ "range": range(3, 20, 3, 22), "newText": "east" }),
            json!({ "range": range(9, 13, 9, 15), "newText": "east" }),
        ]
    );
    // A name taken in the same namespace (teams and reps share one), or not a name.
    let taken = client.call(
        "textDocument/rename",
        json!({ "textDocument": doc, "position": pos(5, 8), "newName": "销售" }),
    );
    assert_eq!(
        taken["error"]["message"],
        "a team or rep named `销售` already exists"
    );
    let taken = client.call(
        "textDocument/rename",
        json!({ "textDocument": doc, "position": pos(9, 13), "newName": "华北" }),
    );
    assert_eq!(
        taken["error"]["message"],
        "a member named `华北` already exists in `区域`"
    );
    let bad = client.call(
        "textDocument/rename",
        json!({ "textDocument": doc, "position": pos(5, 8), "newName": "a b" }),
    );
    assert_eq!(
        bad["error"]["message"],
        "`a b` is not a name: a name is a letter or `_` followed by letters, digits or `_`"
    );
    assert_eq!(bad["error"]["code"], -32803);
    client.shutdown();
}

#[test]
fn inlay_hints_show_each_entry_amount() {
    let main_text = fixed_main();
    let (_dir, root) = project(&[("main.plan", &main_text), ("org.plan", ORG)]);
    let main = uri(&root.join("main.plan"));
    let mut client = Client::start(&root);
    client.open(&main, &main_text);
    let hints = client.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": main }, "range": range(0, 0, 20, 0) }),
    );
    // After `华东 60%` (ending at character 19) and `华北 rest` (at 28).
    assert_eq!(
        hints,
        json!([
            { "position": pos(9, 19), "label": "= 7.2M", "paddingLeft": true,
              "tooltip": "allocated to this entry: 7.2M CNY" },
            { "position": pos(9, 28), "label": "= 4.8M", "paddingLeft": true,
              "tooltip": "allocated to this entry: 4.8M CNY" },
        ])
    );
    // Only the hints inside the range asked for.
    let hints = client.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": main }, "range": range(0, 0, 8, 0) }),
    );
    assert_eq!(hints, json!([]));
    client.shutdown();
}

#[test]
fn formatting_goes_through_fmt_and_leaves_a_broken_file_alone() {
    let text = "plan \"p\" { period 2026  currency CNY }\nstrategy   增长\n";
    let (_dir, root) = project(&[("a.plan", text)]);
    let a = uri(&root.join("a.plan"));
    let mut client = Client::start(&root);
    client.open(&a, text);
    let options = json!({ "tabSize": 2, "insertSpaces": true });
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": a }, "options": options }),
    );
    assert_eq!(
        edits,
        json!([{ "range": range(0, 0, 2, 0),
                 "newText": "plan \"p\" { period 2026  currency CNY }\n\nstrategy 增长\n" }])
    );
    client.change(&a, 2, json!([{ "text": "goal g { target 1M CNY\n" }]));
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": a }, "options": options }),
    );
    assert_eq!(edits, json!([]));
    client.shutdown();
}

#[test]
fn an_included_file_is_checked_through_its_root() {
    let org = ORG.replace("lead 张伟", "lead 张伟\n  区域 西北");
    let (_dir, root) = project(&[("main.plan", &fixed_main()), ("org.plan", &org)]);
    let org_uri = uri(&root.join("org.plan"));
    let mut client = Client::start(&root);
    // Only the included file is open: its root is found beside it.
    client.open(&org_uri, &org);
    let diags = client.diagnostics(&org_uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "unresolved-name");
    assert_eq!(diags[0]["message"], "no member of `区域` named `西北`");
    assert_eq!(diags[0]["range"], range(2, 5, 2, 7));
    // Fixed in the editor, before it is saved.
    client.change(
        &org_uri,
        2,
        json!([{ "range": range(2, 5, 2, 7), "text": "华东" }]),
    );
    assert_eq!(client.diagnostics(&org_uri), Vec::<Value>::new());
    client.shutdown();
}

fn labels(result: &Value) -> Vec<String> {
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn completion_offers_what_fits_the_context() {
    let text = "plan \"p\" { period 2026  currency CNY }
dimension 区域 { 华东  华北 }
strategy 增长
team 销售 {
  rep 张伟 { capacity 1M CNY }
}
goal 收入 {
  target 1M CNY
  allow 
  split 区域 { 华 }
  owner 
  supports 
}
deal d { 区域  }

";
    let (_dir, root) = project(&[("a.plan", text)]);
    let a = uri(&root.join("a.plan"));
    let mut client = Client::start(&root);
    client.open(&a, text);
    let mut complete = |line: u32, character: u32| {
        let r = client.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": a }, "position": pos(line, character) }),
        );
        labels(&r)
    };
    // After `allow`: the lint codes of the registry, and only those.
    let codes = complete(8, 8);
    assert!(codes.contains(&"missing-baseline".to_string()), "{codes:?}");
    assert!(
        codes.contains(&"growth-exceeds-policy".to_string()),
        "{codes:?}"
    );
    assert!(!codes.contains(&"syntax".to_string()), "{codes:?}");
    // Inside `split 区域 { 华| }`: the dimension's members (and `rest`).
    assert_eq!(complete(9, 14), ["华东", "华北", "rest"]);
    // After `owner` in a goal: reps and teams; after `supports`: strategies.
    assert_eq!(complete(10, 8), ["张伟", "销售"]);
    assert_eq!(complete(11, 11), ["增长"]);
    // At the start of a goal statement: the goal's keywords.
    assert_eq!(
        complete(7, 2),
        [
            "owner", "target", "baseline", "period", "supports", "parent", "funnel", "split",
            "allow"
        ]
    );
    // After a coordinate's dimension in a deal: its members.
    assert_eq!(complete(13, 12), ["华东", "华北"]);
    // At the top level: the item keywords.
    assert_eq!(
        complete(15, 0),
        [
            "plan",
            "include",
            "strategy",
            "dimension",
            "team",
            "goal",
            "funnel",
            "grades",
            "deal",
            "actuals",
            "deals"
        ]
    );
    client.shutdown();
}

#[test]
fn symbols_folding_and_semantic_tokens() {
    let main_text = fixed_main();
    let (_dir, root) = project(&[("main.plan", &main_text), ("org.plan", ORG)]);
    let main = uri(&root.join("main.plan"));
    let mut client = Client::start(&root);
    client.open(&main, &main_text);
    let doc = json!({ "uri": main });
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": doc }),
    );
    let names: Vec<(String, u64)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["kind"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("计划".to_string(), 2),
            ("增长".to_string(), 14),
            ("区域".to_string(), 10),
            ("收入".to_string(), 19)
        ]
    );
    let goal = &symbols[3];
    assert_eq!(goal["detail"], "2026 收入");
    assert_eq!(goal["range"], range(4, 0, 10, 1));
    assert_eq!(goal["selectionRange"], range(4, 5, 4, 7));
    assert_eq!(goal["children"][0]["name"], "split 区域");
    assert_eq!(symbols[2]["children"][1]["name"], "华北");
    assert_eq!(
        symbols[2]["children"][1]["selectionRange"],
        range(3, 29, 3, 31)
    );

    let folds = client.request("textDocument/foldingRange", json!({ "textDocument": doc }));
    assert_eq!(
        folds,
        json!([{ "startLine": 4, "endLine": 10, "kind": "region" }])
    );

    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": doc }),
    );
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    // Decode to (line, character, length, type, modifiers).
    let mut decoded = Vec::new();
    let (mut line, mut character) = (0, 0);
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            character = t[1];
        } else {
            character += t[1];
        }
        decoded.push((line, character, t[2], t[3], t[4]));
    }
    // Token types are indices into the legend the server announced.
    let legend: Vec<&str> = client.capabilities["semanticTokensProvider"]["legend"]["tokenTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let at = |l: u64, c: u64| {
        let t = decoded.iter().find(|t| t.0 == l && t.1 == c).unwrap();
        (legend[t.3 as usize], t.2, t.4)
    };
    assert_eq!(at(0, 0), ("keyword", 4, 0));
    assert_eq!(at(0, 5), ("string", 4, 0));
    // `goal 收入`: the goal's name, a declaration, two units long.
    assert_eq!(at(4, 5), ("function", 2, 1));
    // `owner 张伟`: a rep, used.
    assert_eq!(at(5, 8), ("variable", 2, 0));
    assert_eq!(at(6, 9), ("number", 3, 0));
    // `split 区域 { 华东 60%`: the dimension and its member.
    assert_eq!(at(9, 8), ("namespace", 2, 0));
    assert_eq!(at(9, 13), ("enumMember", 2, 0));
    client.shutdown();
}

#[test]
fn hostile_requests_get_answers_not_crashes() {
    let main_text = fixed_main();
    let (_dir, root) = project(&[("main.plan", &main_text), ("org.plan", ORG)]);
    let main = uri(&root.join("main.plan"));
    let mut client = Client::start(&root);
    client.open(&main, &main_text);
    let doc = json!({ "uri": main });
    // Positions far outside the text.
    for (line, character) in [(0, 9999), (9999, 0), (4294967295, 4294967295)] {
        let p = json!({ "textDocument": doc, "position": pos(line, character) });
        client.request("textDocument/hover", p.clone());
        client.request("textDocument/definition", p.clone());
        client.request("textDocument/completion", p);
    }
    // Unknown and non-file URIs, a file outside the project.
    for other in [
        "file:///nowhere/x.plan",
        "untitled:Untitled-1",
        "https://example.com/a.plan",
        "file:///etc/passwd",
    ] {
        let p = json!({ "textDocument": { "uri": other }, "position": pos(0, 0) });
        assert_eq!(client.request("textDocument/hover", p.clone()), Value::Null);
        assert_eq!(client.request("textDocument/definition", p), Value::Null);
        let r = json!({ "textDocument": { "uri": other }, "range": range(0, 0, 1, 0) });
        assert_eq!(client.request("textDocument/inlayHint", r), Value::Null);
    }
    // Parameters of the wrong shape, and a method planck does not know.
    let bad = client.call("textDocument/hover", json!({ "textDocument": 5 }));
    assert_eq!(bad["error"]["code"], -32602);
    let unknown = client.call("workspace/fooBar", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    // A half-typed file, edited keystroke by keystroke: every answer comes.
    let typed = "plan \"p\" { period 2026  currency CNY }\ngoal g { split 区域 { 华东 6";
    for (i, c) in typed.char_indices().skip(40) {
        let partial = &typed[..i + c.len_utf8()];
        client.change(&main, 2 + i as i32, json!([{ "text": partial }]));
        let p = json!({ "textDocument": doc, "position": pos(1, 30) });
        client.request("textDocument/hover", p.clone());
        client.request("textDocument/completion", p);
        client.request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": doc }),
        );
        client.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": doc }),
        );
    }
    // An edit with a range past the end, and one inside a Chinese character's units.
    client.change(
        &main,
        999,
        json!([{ "range": range(50, 0, 60, 0), "text": "}" }]),
    );
    client.change(
        &main,
        1000,
        json!([{ "range": range(1, 16, 1, 17), "text": "x" }]),
    );
    let diags = client.diagnostics(&main);
    assert!(diags.iter().all(|d| d["source"] == "planck"), "{diags:?}");
    client.shutdown();
}

/// The numbers docs/editors.md states about its example: `= 3M` after `east 60%` and
/// `= 2M` after `west rest`.
#[test]
fn the_documented_example_gets_the_documented_hints() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/editors.md")).unwrap();
    let start = doc.find("```plan\n").unwrap() + "```plan\n".len();
    let text = &doc[start..start + doc[start..].find("```").unwrap()];
    let (_dir, root) = project(&[("sales.plan", text)]);
    let sales = uri(&root.join("sales.plan"));
    let mut client = Client::start(&root);
    client.open(&sales, text);
    assert_eq!(client.diagnostics(&sales), Vec::<Value>::new());
    let hints = client.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": sales }, "range": range(0, 0, 100, 0) }),
    );
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["= 3M", "= 2M"]);
    let line = text.lines().position(|l| l.contains("east 60%")).unwrap() as u32;
    let after_share = text
        .lines()
        .nth(line as usize)
        .unwrap()
        .find("60%")
        .unwrap() as u32
        + 3;
    assert_eq!(hints[0]["position"], pos(line, after_share));
    client.shutdown();
}

/// `exit` without `shutdown` before it ends the server with 1, as the protocol says; so
/// does a connection closed without either.
#[test]
fn exit_without_shutdown_exits_with_1() {
    let (_dir, root) = project(&[("main.plan", MAIN), ("org.plan", ORG)]);
    let mut client = Client::start(&root);
    client.open(&uri(&root.join("main.plan")), MAIN);
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().unwrap().code(), Some(1));

    let client = Client::start(&root);
    let Client {
        mut child, stdin, ..
    } = client;
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

/// A plan whose check takes a while: `goals` goals split by region, quarter and month,
/// each with Chinese names.
fn large_plan(goals: usize) -> String {
    let mut text = String::from(
        "plan \"计划\" { period 2026  currency CNY }
strategy 增长 \"增长\"
dimension 区域 \"区域\" { 华东 \"华东\"  华北 \"华北\"  华南 \"华南\" }
team 销售 \"销售部\" {
  lead 张伟
  rep 张伟 \"张伟\" { capacity 20M CNY }
}
",
    );
    for i in 0..goals {
        text.push_str(&format!(
            "goal 目标{i} \"目标 {i}\" {{
  owner 张伟
  target 12M CNY
  baseline 10M CNY in 2025
  supports 增长
  split 区域 {{ 华东 50%  华北 30%  华南 rest }}
  split quarter {{ Q1 20%  Q2 25%  Q3 25%  Q4 30% }}
  split month even
}}
"
        ));
    }
    text
}

/// Keystrokes sent faster than a large plan is checked: the server publishes once, for
/// the final text, and never the diagnostics of a text that an edit has overtaken.
#[test]
fn a_burst_of_edits_is_published_once_for_the_final_text() {
    let text = large_plan(300);
    let (_dir, root) = project(&[("big.plan", &text)]);
    let big = uri(&root.join("big.plan"));
    let mut client = Client::start(&root);
    client.open(&big, &text);
    // Its first check is under way (or about to start) when the keystrokes come.
    std::thread::sleep(Duration::from_millis(30));
    // A new goal typed at the end, one character per edit, all in one write: each
    // prefix but the last is a syntax error, the last a share mistake.
    let typed = "goal 新 \"新\" { owner 张伟  target 1M CNY  baseline 1M CNY in 2025  \
                 supports 增长  split 区域 { 华东 70%  华北 20% } }";
    let line = text.lines().count() as u32;
    let mut burst = Vec::new();
    let mut version = 1;
    for (column, c) in typed.chars().enumerate() {
        version += 1;
        burst.push(
            json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": { "uri": big, "version": version },
                "contentChanges": [{
                    "range": range(line, column as u32, line, column as u32),
                    "text": c.to_string()
                }]
            }}),
        );
    }
    client.send_all(&burst);
    let last = version;
    // Every message up to the publication of the final version.
    let mut published = Vec::new();
    loop {
        let m = client.next();
        if m["method"] == "textDocument/publishDiagnostics" {
            let v = m["params"]["version"].as_i64().unwrap();
            published.push(v);
            if v == i64::from(last) {
                let diags = m["params"]["diagnostics"].as_array().unwrap().clone();
                let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
                assert_eq!(codes, ["shares-sum"], "{diags:?}");
                assert_eq!(
                    diags[0]["message"],
                    "the shares of `split 区域` total 90%, not 100%"
                );
                // `{ 华东 70%  华北 20% }`, in UTF-16 units of the new line.
                let units = |s: &str| s.encode_utf16().count() as u32;
                let start = units(&typed[..typed.find("{ 华东").unwrap()]);
                let end = units(&typed[..typed.find("20% }").unwrap() + "20% }".len()]);
                assert_eq!((start, end), (85, 103));
                assert_eq!(diags[0]["range"], range(line, start, line, end));
                break;
            }
        }
    }
    // A request after the burst is answered on the final text, and nothing more was
    // published meanwhile.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": big } }),
    );
    assert_eq!(symbols.as_array().unwrap().last().unwrap()["name"], "新");
    published.extend(
        client
            .notifications
            .iter()
            .filter(|m| m["method"] == "textDocument/publishDiagnostics")
            .map(|m| m["params"]["version"].as_i64().unwrap()),
    );
    // The opened text may have been published before the keystrokes came in; after
    // them, only the final text is.
    let after_open: Vec<i64> = published.iter().copied().filter(|&v| v > 1).collect();
    assert_eq!(after_open, [i64::from(last)], "{published:?}");
    client.shutdown();
}

/// A request whose plan is still being analysed when a newer edit comes in is answered
/// `ContentModified`: its answer would be for a text that is gone.
#[test]
fn a_request_overtaken_by_an_edit_gets_content_modified() {
    let text = large_plan(300);
    let (_dir, root) = project(&[("big.plan", &text)]);
    let big = uri(&root.join("big.plan"));
    let mut client = Client::start(&root);
    client.open(&big, &text);
    let line = text.lines().count() as u32;
    let edit = |version: i32, t: &str| {
        json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": big, "version": version },
            "contentChanges": [{ "range": range(line, 0, line, 0), "text": t }]
        }})
    };
    // An edit, a request, and an edit, in one write.
    let hover = json!({ "jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {
        "textDocument": { "uri": big }, "position": pos(7, 6)
    }});
    client.send_all(&[edit(2, "# 注释"), hover, edit(3, "#")]);
    let answer = loop {
        let m = client.next();
        if m["id"] == 99 {
            break m;
        }
        client.notifications.push(m);
    };
    assert_eq!(answer["error"]["code"], -32801, "{answer}");
    assert_eq!(
        answer["error"]["message"],
        "the plan changed while planck was answering"
    );
    // The final text, `## 注释` on the last line, is published; nothing older after it.
    loop {
        let m = client.next();
        if m["method"] == "textDocument/publishDiagnostics" {
            assert_eq!(m["params"]["version"], 3, "{m}");
            assert_eq!(m["params"]["diagnostics"], json!([]));
            break;
        }
    }
    // The same request now gets its answer: the goal on line 7.
    let h = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": big }, "position": pos(7, 6) }),
    );
    assert!(
        h["contents"]["value"].as_str().unwrap().contains("目标0"),
        "{h}"
    );
    client.shutdown();
}
