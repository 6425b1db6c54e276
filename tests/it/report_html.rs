//! The HTML report in a real browser: each example's page is rendered by headless
//! Chromium, which must log no console message (a blocked request or a script error
//! would be one), show the page's key figures (total target, win rate, attainment) in
//! its rendered text, and take a screenshot that is not blank.
//!
//! Without `/usr/bin/chromium` the test fails when `CI` is set and says it skipped
//! otherwise. With `PLANCK_UPDATE_SCREENSHOT=1` the Chinese example's screenshot is
//! copied to `docs/report.png`.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use planck::report::table::{full_amount, percent};
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

const CHROMIUM: &str = "/usr/bin/chromium";

const EXAMPLES: &[(&str, &str, Option<&str>)] = &[
    ("quickstart", "examples/quickstart.plan", Some("2026-06-30")),
    ("fiscal-year", "examples/fiscal-year.plan", None),
    ("east-china", "examples/east-china/plan.plan", None),
];

fn planck(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_planck"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// What Chromium printed and logged for a page.
struct Rendered {
    dom: String,
    console: Vec<String>,
}

fn chromium(page: &Path, extra: &[String]) -> Rendered {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("timeout")
        .arg("120")
        .arg(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium failed: {:?}", out.status);
    Rendered {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        console: String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(str::to_string)
            .collect(),
    }
}

/// The text a reader sees: the DOM without its tags, entities decoded.
fn visible_text(dom: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in dom.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap()).unwrap()
}

/// Whether Chromium is here to run the test: in CI it must be.
fn chromium_present() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{CHROMIUM} is missing; .ci/run installs it"
    );
    eprintln!("skipped: {CHROMIUM} is not installed");
    false
}

/// The detector the other tests rely on: a page that makes a request and runs a script
/// is caught.
#[test]
fn console_messages_are_seen() {
    if !chromium_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head><body><img src=\"http://192.0.2.1/x.png\"><script>console.error('x')</script></body></html>",
    )
    .unwrap();
    assert!(
        chromium(&bad, &["--dump-dom".into()]).console.len() >= 2,
        "console messages are not seen"
    );
}

// One test per example, so the test harness renders them side by side.
#[test]
fn quickstart_renders_in_chromium() {
    renders_in_chromium(0);
}

#[test]
fn fiscal_year_renders_in_chromium() {
    renders_in_chromium(1);
}

#[test]
fn east_china_renders_in_chromium() {
    renders_in_chromium(2);
}

/// Render the example's HTML report; fail on console messages, an empty page, a key
/// figure missing from the rendered text, or a blank screenshot.
fn renders_in_chromium(example: usize) {
    if !chromium_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    {
        let (name, path, as_of) = &EXAMPLES[example];
        let page: PathBuf = dir.path().join(format!("{name}.html"));
        let shot: PathBuf = dir.path().join(format!("{name}.png"));
        let mut args = vec!["report", path, "--format", "html", "-o"];
        let page_arg = page.to_str().unwrap().to_string();
        args.push(&page_arg);
        let mut json_args = vec!["report", path, "--format", "json"];
        if let Some(d) = as_of {
            args.extend(["--as-of", d]);
            json_args.extend(["--as-of", d]);
        }
        planck(&args);
        let report: Value = serde_json::from_slice(&planck(&json_args)).unwrap();

        // One run reads the page and takes its picture.
        let shot_arg = format!("--screenshot={}", shot.display());
        let rendered = chromium(
            &page,
            &[
                "--dump-dom".into(),
                shot_arg,
                "--window-size=1200,2400".into(),
            ],
        );
        assert!(
            rendered.console.is_empty(),
            "{name}: console messages:\n{}",
            rendered.console.join("\n")
        );
        let text = visible_text(&rendered.dom);
        assert!(text.split_whitespace().count() > 100, "{name}: empty page");
        let mut figures = Vec::new();
        for goal in report["goals"].as_array().unwrap() {
            let total = &goal["total"];
            figures.push(format!(
                "{} {}",
                full_amount(dec(&total["target"])),
                goal["unit"].as_str().unwrap()
            ));
            if !total["attainment"].is_null() {
                figures.push(percent(Some(dec(&total["attainment"]))));
            }
        }
        for funnel in report["funnels"].as_array().unwrap() {
            figures.push(format!(
                "win rate {}",
                percent(Some(dec(&funnel["win_rate"])))
            ));
        }
        assert!(!figures.is_empty(), "{name}: {figures:?}");
        for figure in &figures {
            assert!(
                text.contains(figure.as_str()),
                "{name}: `{figure}` not shown"
            );
        }

        let png = std::fs::read(&shot).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{name}: no screenshot");
        // A blank page compresses to a few kilobytes; charts, tables and text do not.
        assert!(
            png.len() > 40_000,
            "{name}: screenshot of {} bytes",
            png.len()
        );
        if *name == "east-china" && std::env::var_os("PLANCK_UPDATE_SCREENSHOT").is_some() {
            let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.png");
            std::fs::write(target, &png).unwrap();
        }
    }
}
