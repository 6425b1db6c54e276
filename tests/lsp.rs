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
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("planck"))
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
        };
        let init = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        );
        assert_eq!(init["serverInfo"]["name"], "planck");
        assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
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
    let out = Command::new(assert_cmd::cargo::cargo_bin!("planck"))
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
