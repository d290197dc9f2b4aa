//! `ssotlint server`: the language server (LSP 3.17 over stdio).
//!
//! Layout: [`Ordered`] sits in front of tower-lsp's service and hands document
//! notifications to the state thread ([`world::World`]) the moment they are read, in
//! arrival order; everything else goes through [`Backend`] (tower-lsp's handlers, which
//! may run concurrently) and reaches the state through the same queue. Output to the
//! client goes through one task, so pushes leave in the order they were made.

pub mod actions;
pub mod document;
pub mod settings;
pub mod workspace;
pub mod world;

use std::cell::RefCell;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};
use tower_lsp_server::jsonrpc::{self, Request, Response};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};
use tower_service::Service;

use crate::server::document::Encoding;
use crate::server::settings::{ClientSettings, LogLevel};
use crate::server::world::{Job, Msg, Out, World};

/// Run the server on stdin/stdout until `exit` or end of input. Returns the process
/// exit code: 0 after `shutdown` + `exit`, 1 otherwise (as LSP specifies).
pub fn run() -> i32 {
    crate::memory::return_big_blocks();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let code = runtime.block_on(serve());
    // The state thread may be mid-lint; nothing it does matters after exit.
    runtime.shutdown_background();
    code
}

async fn serve() -> i32 {
    serve_on(tokio::io::stdin(), tokio::io::stdout()).await
}

/// The server on any pair of byte streams: stdio in [`run`], in-memory pipes in the fuzz
/// harness (`crate::fuzz::lsp`).
#[doc(hidden)]
pub async fn serve_on(
    input: impl AsyncRead + Unpin + Send + 'static,
    output: impl AsyncWrite + Unpin + Send + 'static,
) -> i32 {
    let (jobs_tx, jobs_rx) = mpsc::unbounded_channel::<Msg>();
    let (out_tx, out_rx) = mpsc::unbounded_channel::<Out>();
    let shut_down = Arc::new(AtomicBool::new(false));
    let client_slot: Arc<OnceLock<Client>> = Arc::new(OnceLock::new());
    let (service, socket) = LspService::build({
        let jobs = jobs_tx.clone();
        let shut_down = shut_down.clone();
        let client_slot = client_slot.clone();
        move |client| {
            let _ = client_slot.set(client.clone());
            Backend {
                client,
                jobs,
                out: out_tx,
                world_rx: std::sync::Mutex::new(Some(jobs_rx)),
                shut_down,
                state: std::sync::Mutex::new(None),
            }
        }
    })
    .custom_method(PARSE_ERROR, Backend::parse_error)
    .custom_method(INVALID_REQUEST, Backend::invalid_request)
    .finish();
    if let Some(client) = client_slot.get() {
        tokio::spawn(send_out(client.clone(), out_rx));
    }
    let stash = Stash::default();
    let service = Ordered {
        inner: service,
        jobs: jobs_tx,
        stash: stash.clone(),
    };
    let (sanitized_in, sanitized) = tokio::io::duplex(1 << 16);
    tokio::spawn(sanitize(input, sanitized_in, stash));
    Server::new(sanitized, output, socket).serve(service).await;
    if shut_down.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

/// Stand-ins for messages that are not JSON-RPC: tower-lsp's reader stops at the first
/// undecodable message, so [`sanitize`] swaps such a body for a call to one of these,
/// which answer with the proper JSON-RPC error and leave the server running.
const PARSE_ERROR: &str = "ssotlint/parseError";
const INVALID_REQUEST: &str = "ssotlint/invalidRequest";
/// Stand-in for a big notification that [`sanitize`] kept in the [`Stash`].
const STASHED: &str = "ssotlint/stashed";
/// Notifications over this size bypass tower-lsp's reader: its frame buffer grows to the
/// biggest message and never shrinks (a 10 MB `didOpen` left 16 MB after close, issue 13).
const STASH_OVER: usize = 1 << 20;

/// Big notifications in arrival order, from [`sanitize`] to [`Ordered::call`]: each
/// crosses tower-lsp's reader as a small [`STASHED`] stand-in, so it keeps its place.
#[derive(Clone, Default)]
pub struct Stash(Arc<std::sync::Mutex<std::collections::VecDeque<Request>>>);

impl Stash {
    fn push(&self, req: Request) {
        if let Ok(mut q) = self.0.lock() {
            q.push_back(req);
        }
    }

    fn pop(&self) -> Option<Request> {
        self.0.lock().ok()?.pop_front()
    }
}

/// Copy LSP frames from `input` to `output`, replacing bodies that are not JSON
/// (→ parse error, id null) or not a JSON-RPC message (→ invalid request), and moving
/// notifications over [`STASH_OVER`] bytes to `stash` (→ a [`STASHED`] stand-in).
#[doc(hidden)]
pub async fn sanitize(
    input: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    stash: Stash,
) {
    let mut input = BufReader::new(input);
    loop {
        let mut length = None;
        let mut line = String::new();
        loop {
            line.clear();
            match input.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let header = line.trim_end();
            if header.is_empty() {
                if length.is_some() {
                    break;
                }
                continue;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<usize>().ok();
                }
            }
        }
        // Read up to the declared length as it arrives: a huge Content-Length must not
        // be allocated up front (it aborted the server).
        // In bounded reads: tokio's stdin keeps a buffer as big as the biggest read.
        let length = length.unwrap_or(0);
        let mut body = Vec::new();
        let mut piece = vec![0; 1 << 16];
        while body.len() < length {
            let want = piece.len().min(length - body.len());
            match input.read(&mut piece[..want]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => body.extend_from_slice(&piece[..n]),
            }
        }
        let replacement = match serde_json::from_slice::<Value>(&body) {
            Err(_) => {
                Some(serde_json::json!({"jsonrpc": "2.0", "method": PARSE_ERROR, "id": null}))
            }
            Ok(v) if !is_message(&v) => {
                let id = v
                    .get("id")
                    .filter(|id| id.is_i64() || id.is_string())
                    .cloned();
                Some(serde_json::json!({"jsonrpc": "2.0", "method": INVALID_REQUEST, "id": id}))
            }
            Ok(v) if body.len() > STASH_OVER && v.get("id").is_none() => {
                match serde_json::from_value::<Request>(v) {
                    Ok(req) => {
                        stash.push(req);
                        Some(serde_json::json!({"jsonrpc": "2.0", "method": STASHED}))
                    }
                    Err(_) => None,
                }
            }
            Ok(_) => None,
        };
        if let Some(r) = replacement {
            body = r.to_string().into_bytes();
        }
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
        {
            return;
        }
    }
}

/// A request, notification or response as tower-lsp can decode it.
fn is_message(v: &Value) -> bool {
    let Some(o) = v.as_object() else { return false };
    let id_ok = o
        .get("id")
        .is_none_or(|id| id.is_null() || id.is_i64() || id.is_string());
    let method_ok = o.get("method").is_none_or(Value::is_string);
    o.get("jsonrpc") == Some(&Value::from("2.0"))
        && id_ok
        && method_ok
        && (o.contains_key("method") || o.contains_key("result") || o.contains_key("error"))
}

/// Forward the state thread's output to the client, strictly in order.
async fn send_out(client: Client, mut rx: mpsc::UnboundedReceiver<Out>) {
    while let Some(out) = rx.recv().await {
        match out {
            Out::Publish {
                uri,
                diagnostics,
                version,
            } => {
                client.publish_diagnostics(uri, diagnostics, version).await;
            }
            Out::Log(typ, message) => client.log_message(typ, message).await,
            Out::Show(typ, message) => client.show_message(typ, message).await,
            Out::RefreshDiagnostics => {
                let client = client.clone();
                // A request: its answer must not hold up the pushes behind it.
                tokio::spawn(async move {
                    let _ = client.workspace_diagnostic_refresh().await;
                });
            }
        }
    }
}

/// Front service: `didOpen`/`didChange`/`didClose` are queued to the state thread
/// synchronously in `call`, which the transport invokes in arrival order; tower-lsp's
/// own handlers run concurrently and could reorder them.
pub struct Ordered<S> {
    inner: S,
    jobs: mpsc::UnboundedSender<Msg>,
    stash: Stash,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S> Service<Request> for Ordered<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let req = match req.method() {
            STASHED => match self.stash.pop() {
                Some(stashed) => stashed,
                None => return Box::pin(async { Ok(None) }),
            },
            _ => req,
        };
        if req.id().is_none() {
            let msg = match req.method() {
                "textDocument/didOpen" => {
                    params::<DidOpenTextDocumentParams>(&req).map(|p| Msg::Open {
                        uri: p.text_document.uri,
                        version: p.text_document.version,
                        text: p.text_document.text,
                    })
                }
                "textDocument/didChange" => {
                    params::<DidChangeTextDocumentParams>(&req).map(|p| Msg::Change {
                        uri: p.text_document.uri,
                        version: p.text_document.version,
                        changes: p.content_changes,
                    })
                }
                "textDocument/didClose" => {
                    params::<DidCloseTextDocumentParams>(&req).map(|p| Msg::Close {
                        uri: p.text_document.uri,
                    })
                }
                _ => None,
            };
            if let Some(msg) = msg {
                let _ = self.jobs.send(msg);
                return Box::pin(async { Ok(None) });
            }
            return Box::pin(self.inner.call(req));
        }
        // A request keeps its place among the edits: tower-lsp polls handlers
        // concurrently, so the job its handler sends later goes into a slot queued now.
        let (slot, place) = oneshot::channel();
        let _ = self.jobs.send(Msg::Slot(place));
        Box::pin(SLOT.scope(RefCell::new(Some(slot)), self.inner.call(req)))
    }
}

tokio::task_local! {
    /// The queue slot of the request whose handler is running (see [`Ordered::call`]).
    static SLOT: RefCell<Option<oneshot::Sender<Job>>>;
}

/// Parse a notification's params; malformed ones fall through to tower-lsp, which
/// logs them.
fn params<T: serde::de::DeserializeOwned>(req: &Request) -> Option<T> {
    serde_json::from_value(req.params()?.clone()).ok()
}

/// What `initialize` learned and `initialized` needs.
struct InitState {
    root: Option<PathBuf>,
    work_done_progress: bool,
    watch_registration: bool,
}

pub struct Backend {
    client: Client,
    jobs: mpsc::UnboundedSender<Msg>,
    out: mpsc::UnboundedSender<Out>,
    world_rx: std::sync::Mutex<Option<mpsc::UnboundedReceiver<Msg>>>,
    shut_down: Arc<AtomicBool>,
    state: std::sync::Mutex<Option<InitState>>,
}

impl Backend {
    /// Run `f` on the state thread after everything queued before it; its answer.
    async fn ask<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut World) -> jsonrpc::Result<T> + Send + 'static,
    ) -> jsonrpc::Result<T> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |world| {
            let _ = tx.send(f(world));
        });
        // In the request's own slot when it has one (the first `ask` of a request).
        let slot = SLOT.try_with(|s| s.borrow_mut().take()).ok().flatten();
        let job = match slot {
            Some(slot) => slot.send(job).err(),
            None => Some(job),
        };
        if let Some(job) = job {
            self.jobs
                .send(Msg::Run(job))
                .map_err(|_| internal("the server is stopping"))?;
        }
        rx.await.map_err(|_| internal("the server is stopping"))?
    }

    async fn parse_error(&self) -> jsonrpc::Result<Value> {
        Err(jsonrpc::Error::parse_error())
    }

    async fn invalid_request(&self) -> jsonrpc::Result<Value> {
        Err(jsonrpc::Error::invalid_request())
    }

    fn tell(&self, f: impl FnOnce(&mut World) + Send + 'static) {
        let _ = self.jobs.send(Msg::Run(Box::new(f)));
    }
}

fn internal(message: &str) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::InternalError,
        message: message.to_string().into(),
        data: None,
    }
}

fn not_open(uri: &Uri) -> jsonrpc::Error {
    jsonrpc::Error::invalid_params(format!("document not open: {}", uri.as_str()))
}

fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    #[allow(deprecated)]
    let uri = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or_else(|| params.root_uri.clone())?;
    uri.to_file_path().map(|p| crate::config::normalize(&p))
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> jsonrpc::Result<InitializeResult> {
        let encoding = match params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
        {
            Some(offered) if offered.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        };
        let root = root_of(&params);
        let work_done_progress = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        let workspace = params.capabilities.workspace.as_ref();
        let watch_registration = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        let pull_refresh = workspace
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        let pulls = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.diagnostic.as_ref())
            .is_some();
        let (client_settings, problems) = ClientSettings::from_json(
            params
                .initialization_options
                .as_ref()
                .unwrap_or(&Value::Null),
        );
        if let Ok(mut state) = self.state.lock() {
            *state = Some(InitState {
                root: root.clone(),
                work_done_progress,
                watch_registration,
            });
        }
        let Some(rx) = self.world_rx.lock().ok().and_then(|mut r| r.take()) else {
            return Err(jsonrpc::Error::invalid_request());
        };
        let out = self.out.clone();
        let root_dir = root
            .clone()
            .unwrap_or_else(|| crate::config::normalize(std::path::Path::new(".")));
        let spawned = std::thread::Builder::new()
            .name("ssotlint-state".to_string())
            .spawn(move || {
                let mut world = World::new(out, root_dir);
                world.encoding = encoding;
                world.pull_refresh = pull_refresh;
                world.push = !pulls;
                world.configure(client_settings);
                for p in problems {
                    world.show_error(format!("ssotlint settings: {p}"));
                }
                world.run(rx);
            });
        if let Err(e) = spawned {
            return Err(internal(&format!("cannot start the state thread: {e}")));
        }
        let encoding_kind = match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        };
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "ssotlint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding_kind),
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::INCREMENTAL,
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new(actions::FIX_ALL),
                        ]),
                        ..CodeActionOptions::default()
                    },
                )),
                diagnostic_provider: Some(DiagnosticServerCapabilities::Options(
                    DiagnosticOptions {
                        identifier: Some("ssotlint".to_string()),
                        inter_file_dependencies: true,
                        workspace_diagnostics: true,
                        ..DiagnosticOptions::default()
                    },
                )),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let Some(state) = self.state.lock().ok().and_then(|mut s| s.take()) else {
            return;
        };
        if state.watch_registration {
            let globs = [
                "**/*.py",
                "**/*.pyi",
                "**/ssotlint.toml",
                "**/.ssotlint.toml",
                "**/pyproject.toml",
            ];
            let watchers: Vec<FileSystemWatcher> = globs
                .iter()
                .map(|g| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect();
            let registration = Registration {
                id: "ssotlint-watch".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                    watchers,
                })
                .ok(),
            };
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = client.register_capability(vec![registration]).await;
            });
        }
        let Some(root) = state.root else { return };
        let client = self.client.clone();
        let jobs = self.jobs.clone();
        tokio::spawn(async move {
            let token = NumberOrString::String("ssotlint-index".to_string());
            let progress = if state.work_done_progress
                && client
                    .create_work_done_progress(token.clone())
                    .await
                    .is_ok()
            {
                Some(
                    client
                        .progress(token, "ssotlint: indexing modules")
                        .with_message(root.display().to_string())
                        .begin()
                        .await,
                )
            } else {
                None
            };
            let walk_root = root.clone();
            let index =
                tokio::task::spawn_blocking(move || workspace::Index::build(&walk_root)).await;
            let Ok(index) = index else { return };
            let count = index.file_count();
            let _ = jobs.send(Msg::Run(Box::new(move |world: &mut World| {
                world.index_built(index)
            })));
            if let Some(progress) = progress {
                progress
                    .finish_with_message(format!("{count} module files"))
                    .await;
            }
        });
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let mut value = params.settings;
        let empty = value.is_null() || value.as_object().is_some_and(|o| o.is_empty());
        if empty {
            let item = ConfigurationItem {
                scope_uri: None,
                section: Some("ssotlint".to_string()),
            };
            match self.client.configuration(vec![item]).await {
                Ok(mut items) if !items.is_empty() => value = items.swap_remove(0),
                _ => return,
            }
        }
        let (settings, problems) = ClientSettings::from_json(&value);
        self.tell(move |world| {
            world.log(LogLevel::Info, "settings changed".to_string());
            world.configure(settings);
            for p in problems {
                world.show_error(format!("ssotlint settings: {p}"));
            }
        });
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.tell(move |world| {
            let config_changed = params.changes.iter().any(|e| {
                e.uri
                    .to_file_path()
                    .is_some_and(|p| world.is_config_file(&crate::config::normalize(&p)))
            });
            if config_changed {
                world.log(LogLevel::Info, "config file changed; reloading".to_string());
            }
            world.files_changed(params.changes);
        });
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> jsonrpc::Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        self.ask(move |world| {
            let encoding = world.encoding;
            let doc = world.linted(&uri).ok_or_else(|| not_open(&uri))?;
            Ok(DocumentDiagnosticReportResult::Report(
                DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: None,
                        items: world::lsp_diagnostics(doc, encoding),
                    },
                }),
            ))
        })
        .await
    }

    async fn workspace_diagnostic(
        &self,
        _: WorkspaceDiagnosticParams,
    ) -> jsonrpc::Result<WorkspaceDiagnosticReportResult> {
        self.ask(move |world| {
            let encoding = world.encoding;
            let mut uris: Vec<Uri> = world.docs.keys().cloned().collect();
            uris.sort();
            let mut items = Vec::new();
            for uri in uris {
                let Some(doc) = world.linted(&uri) else {
                    continue;
                };
                items.push(WorkspaceDocumentDiagnosticReport::Full(
                    WorkspaceFullDocumentDiagnosticReport {
                        uri: uri.clone(),
                        version: Some(i64::from(doc.version)),
                        full_document_diagnostic_report: FullDocumentDiagnosticReport {
                            result_id: None,
                            items: world::lsp_diagnostics(doc, encoding),
                        },
                    },
                ));
            }
            Ok(WorkspaceDiagnosticReportResult::Report(
                WorkspaceDiagnosticReport { items },
            ))
        })
        .await
    }

    async fn code_action(
        &self,
        params: CodeActionParams,
    ) -> jsonrpc::Result<Option<CodeActionResponse>> {
        self.ask(move |world| {
            let uri = params.text_document.uri;
            let encoding = world.encoding;
            let settings = world.settings.clone();
            let options = world.options.clone();
            let doc = world.linted(&uri).ok_or_else(|| not_open(&uri))?;
            let range = encoding
                .byte_range(&doc.source, params.range)
                .map_err(jsonrpc::Error::invalid_params)?;
            let only = params.context.only.as_deref();
            let found =
                actions::code_actions(&uri, doc, range, only, encoding, &settings, &options);
            Ok(Some(found))
        })
        .await
    }
}
