//! `planck lsp`: a language server over standard input and output.
//!
//! The main loop only reads messages and hands them to one worker thread, which owns
//! the open documents and the analyses, so the editor is never kept waiting on a large
//! plan. The worker runs the phases exactly as `planck check` does (`state.rs`).
//! Analysis waits until edits pause for [`DEBOUNCE`]; the worker first takes in every
//! message already queued, so a burst of edits to one document is applied as one and
//! analysed once. The main loop counts the edits it receives, the worker those it
//! applies: while they differ, a newer text is on its way, so a running analysis stops
//! between two phases or two goals (`planck::compile_cancellable`) and publishes
//! nothing; it is redone on the newer text. Requests are answered in the order they
//! came, on the text as it was when they were sent (a request overtaken by an edit
//! while its plan was analysed gets `ContentModified`).
//!
//! The binary gives the server its connection and a [`Host`]: the real file system
//! (reads confined as `check` confines them), the `.plan` files of a folder, and the
//! date. The server itself touches no file.

pub mod completion;
pub mod format;
pub mod hints;
pub mod hover;
pub mod index;
pub mod navigate;
pub mod outline;
pub mod position;
pub mod state;

use crate::resolve::load::FileSystem;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use serde_json::{Value, json};
use state::{Publish, State};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// How long edits must pause before a plan is analysed again.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// What the server needs from outside: files (through [`FileSystem`], with its
/// confinement rules), the `.plan` files of a folder (to find the root plan of an
/// included file), and today's date (for progress, as `check` uses it).
pub trait Host: FileSystem + Send {
    /// The `.plan` files directly inside a folder (regular files only).
    fn plan_files(&self, dir: &Path) -> Vec<PathBuf>;
    fn today(&self) -> Option<chrono::NaiveDate>;
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `shutdown`, then `exit`: the server exits with success.
    ShutDown,
    /// `exit` without `shutdown`, or the connection closed: the server exits with 1.
    WithoutShutdown,
}

/// The notifications that change what a plan reads. The main loop counts them as they
/// come in and the worker as it applies them, with this one list.
fn is_edit(method: &str) -> bool {
    matches!(
        method,
        "textDocument/didOpen"
            | "textDocument/didChange"
            | "textDocument/didClose"
            | "textDocument/didSave"
            | "workspace/didChangeWatchedFiles"
    )
}

/// The `ContentModified` error code of the protocol: the answer would be for a text
/// that has since changed.
const CONTENT_MODIFIED: i32 = -32801;

/// Serve one client until it says `exit` or closes the connection.
pub fn run(connection: &Connection, host: Box<dyn Host>) -> Result<Ending, String> {
    let (id, _params) = connection
        .initialize_start()
        .map_err(|e| format!("the client did not initialize: {e}"))?;
    connection
        .initialize_finish(id, initialize_result())
        .map_err(|e| format!("the client did not initialize: {e}"))?;
    let (to_worker, from_main) = std::sync::mpsc::channel::<Message>();
    let out = connection.sender.clone();
    let send = move |m: Message| {
        // A closed connection ends the main loop too.
        let _ = out.send(m);
    };
    let received = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&received);
    let worker = std::thread::Builder::new()
        .name("planck-analysis".to_string())
        .spawn(move || work(&from_main, &send, State::new(host, counted)))
        .map_err(|e| format!("cannot start the analysis thread: {e}"))?;
    let mut ending = Ending::WithoutShutdown;
    for message in &connection.receiver {
        match message {
            Message::Request(req) => {
                match connection.handle_shutdown(&req) {
                    Ok(true) => {
                        ending = Ending::ShutDown;
                        break;
                    }
                    Ok(false) => {}
                    Err(e) => return Err(format!("shutdown failed: {e}")),
                }
                if to_worker.send(Message::Request(req)).is_err() {
                    break;
                }
            }
            Message::Notification(n) if n.method == "exit" => break,
            other => {
                if let Message::Notification(n) = &other
                    && is_edit(&n.method)
                {
                    // Counted before the worker can see it: the worker's analysis of
                    // the older text stops.
                    received.fetch_add(1, Ordering::SeqCst);
                }
                if to_worker.send(other).is_err() {
                    break;
                }
            }
        }
    }
    // Stop an analysis under way: nobody will read its result.
    received.fetch_add(1, Ordering::SeqCst);
    drop(to_worker);
    worker
        .join()
        .map_err(|_| "the analysis thread stopped".to_string())?;
    Ok(ending)
}

fn initialize_result() -> Value {
    json!({
        "capabilities": {
            "positionEncoding": "utf-16",
            "textDocumentSync": {
                "openClose": true,
                "change": 2,
                "save": { "includeText": false }
            },
            "hoverProvider": true,
            "definitionProvider": true,
            "referencesProvider": true,
            "renameProvider": { "prepareProvider": true },
            "completionProvider": { "triggerCharacters": [" ", "."] },
            "inlayHintProvider": true,
            "documentSymbolProvider": true,
            "foldingRangeProvider": true,
            "semanticTokensProvider": {
                "legend": outline::legend(),
                "full": true
            },
            "documentFormattingProvider": true
        },
        "serverInfo": { "name": "planck", "version": env!("CARGO_PKG_VERSION") }
    })
}

/// The worker: owns the state and handles every message in order.
fn work(from_main: &Receiver<Message>, send: &dyn Fn(Message), mut state: State) {
    let mut pending: VecDeque<Message> = VecDeque::new();
    loop {
        // What has already come in is read first, so edits queued one behind another
        // are applied together before the next analysis.
        pending.extend(from_main.try_iter());
        let message = if let Some(m) = pending.pop_front() {
            m
        } else if state.dirty.is_empty() {
            match from_main.recv() {
                Ok(m) => m,
                Err(_) => return,
            }
        } else {
            match from_main.recv_timeout(DEBOUNCE) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    // Stale (an edit came in meanwhile) publishes nothing; the
                    // documents stay changed and are analysed again.
                    if let Some(publish) = state.refresh() {
                        send_diagnostics(publish, send);
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        };
        match message {
            Message::Notification(n) => {
                let n = coalesce(n, &mut pending, &mut state);
                notification(&mut state, n, send);
            }
            Message::Request(req) => {
                let id = req.id.clone();
                // A request is answered on the text as it is now, the text it was
                // sent for; if newer text comes in while the plan is analysed, the
                // answer would be stale.
                if !state.dirty.is_empty() {
                    let Some(publish) = state.refresh() else {
                        send(Message::Response(Response::new_err(
                            id,
                            CONTENT_MODIFIED,
                            "the plan changed while planck was answering".to_string(),
                        )));
                        continue;
                    };
                    send_diagnostics(publish, send);
                }
                let response = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    request(&mut state, req)
                }))
                .unwrap_or_else(|_| {
                    Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        "planck could not answer this request".to_string(),
                    )
                });
                send(Message::Response(response));
            }
            Message::Response(_) => {}
        }
    }
}

/// A notification taken off the queue, counted as applied if it is an edit. A
/// `didChange` takes with it the `didChange`s of the same document queued right behind
/// it: their changes in order, under the last one's version, applied as one edit.
fn coalesce(
    first: Notification,
    pending: &mut VecDeque<Message>,
    state: &mut State,
) -> Notification {
    if is_edit(&first.method) {
        state.applied += 1;
    }
    if first.method != "textDocument/didChange" {
        return first;
    }
    let Notification { method, params } = first;
    let Ok(mut merged) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params)
    else {
        // Parameters of the wrong shape: nothing to apply.
        return Notification::new(method, Value::Null);
    };
    while let Some(Message::Notification(next)) = pending.front()
        && next.method == method
        && next.params["textDocument"]["uri"].as_str() == Some(merged.text_document.uri.as_str())
    {
        let Some(Message::Notification(next)) = pending.pop_front() else {
            break;
        };
        state.applied += 1;
        if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(next.params)
        {
            merged.text_document.version = p.text_document.version;
            merged.content_changes.extend(p.content_changes);
        }
    }
    Notification::new(method, merged)
}

fn send_diagnostics(publish: Publish, send: &dyn Fn(Message)) {
    for (uri, version, diagnostics) in publish {
        let params = lsp_types::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        send(Message::Notification(Notification::new(
            "textDocument/publishDiagnostics".to_string(),
            params,
        )));
    }
}

fn notification(state: &mut State, n: Notification, send: &dyn Fn(Message)) {
    match n.method.as_str() {
        "textDocument/didOpen" => {
            if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
            {
                let d = p.text_document;
                state.open(d.uri, d.text, d.version);
            }
        }
        "textDocument/didChange" => {
            if let Ok(p) =
                serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
            {
                state.change(
                    &p.text_document.uri,
                    p.text_document.version,
                    p.content_changes,
                );
            }
        }
        "textDocument/didClose" => {
            if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
            {
                let publish = state.close(&p.text_document.uri);
                send_diagnostics(publish, send);
            }
        }
        "textDocument/didSave" => {
            if let Ok(p) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                && let Some(path) = state.path_of(&p.text_document.uri)
            {
                state.touch(path);
            }
        }
        "workspace/didChangeWatchedFiles" => {
            if let Ok(p) =
                serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(n.params)
            {
                for change in p.changes {
                    if let Some(path) = state.path_of(&change.uri) {
                        state.touch(path);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Parse a request's parameters and answer it; bad parameters are the client's error.
fn answer<P: serde::de::DeserializeOwned, R: serde::Serialize>(
    req: Request,
    state: &mut State,
    f: impl FnOnce(&mut State, P) -> Result<R, String>,
) -> Response {
    match serde_json::from_value::<P>(req.params) {
        Err(e) => Response::new_err(
            req.id,
            ErrorCode::InvalidParams as i32,
            format!("invalid parameters for {}: {e}", req.method),
        ),
        Ok(params) => match f(state, params) {
            Ok(result) => Response::new_ok(req.id, result),
            Err(message) => Response::new_err(req.id, ErrorCode::RequestFailed as i32, message),
        },
    }
}

fn request(state: &mut State, req: Request) -> Response {
    use lsp_types::request::{self as r, Request as _};
    match req.method.as_str() {
        r::HoverRequest::METHOD => answer(req, state, |s, p| Ok(hover::hover(s, &p))),
        r::GotoDefinition::METHOD => answer(req, state, |s, p| Ok(navigate::definition(s, &p))),
        r::References::METHOD => answer(req, state, |s, p| Ok(navigate::references(s, &p))),
        r::PrepareRenameRequest::METHOD => {
            answer(req, state, |s, p| Ok(navigate::prepare_rename(s, &p)))
        }
        r::Rename::METHOD => answer(req, state, |s, p| navigate::rename(s, &p)),
        r::Completion::METHOD => answer(req, state, |s, p| Ok(completion::completion(s, &p))),
        r::InlayHintRequest::METHOD => answer(req, state, |s, p| Ok(hints::inlay_hints(s, &p))),
        r::DocumentSymbolRequest::METHOD => {
            answer(req, state, |s, p| Ok(outline::document_symbols(s, &p)))
        }
        r::FoldingRangeRequest::METHOD => {
            answer(req, state, |s, p| Ok(outline::folding_ranges(s, &p)))
        }
        r::SemanticTokensFullRequest::METHOD => {
            answer(req, state, |s, p| Ok(outline::semantic_tokens(s, &p)))
        }
        r::Formatting::METHOD => answer(req, state, |s, p| Ok(format::formatting(s, &p))),
        _ => Response::new_err(
            req.id,
            ErrorCode::MethodNotFound as i32,
            format!("planck does not handle {}", req.method),
        ),
    }
}
