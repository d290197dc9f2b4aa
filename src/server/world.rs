//! The server's state, owned by one thread. Every document update and every request
//! that reads documents goes through its queue, so edits apply strictly in arrival
//! order and a request sees every edit sent before it. Queued updates are drained
//! before linting, so a burst of keystrokes is linted once, at its last version.
//! Open documents are the first layer of module lookups ([`WorkspaceFiles`]): an edit
//! to one re-lints the open documents whose last lint looked that module up.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticSeverity, MessageType, NumberOrString, TextDocumentContentChangeEvent,
    Uri,
};

use crate::config::{self, ConfigError, ConfigSource, Settings, SettingsStore, CONFIG_FILES};
use crate::diagnostic::Diagnostic;
use crate::lint::{diagnostics_of, LintOptions};
use crate::project::{record_dependencies, ModuleLocation};
use crate::rules::registry::Severity;
use crate::server::document::{Document, Encoding, Lint};
use crate::server::settings::{ClientSettings, LogLevel};
use crate::server::workspace::{Index, WorkspaceFiles};

/// A job for the state thread.
pub enum Msg {
    Open {
        uri: Uri,
        version: i32,
        text: String,
    },
    Change {
        uri: Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    },
    Close {
        uri: Uri,
    },
    /// Anything else: configuration, workspace events, requests (they answer through
    /// a channel captured by the closure).
    Run(Job),
    /// A request's place in the queue, taken when it arrived: its job comes through
    /// the channel once its handler runs (or never, when it needs no state).
    Slot(tokio::sync::oneshot::Receiver<Job>),
}

/// Work for the state thread.
pub type Job = Box<dyn FnOnce(&mut World) + Send>;

/// What the state thread asks the async side to send to the client, in order.
pub enum Out {
    Publish {
        uri: Uri,
        diagnostics: Vec<lsp::Diagnostic>,
        version: Option<i32>,
    },
    Log(MessageType, String),
    Show(MessageType, String),
    /// `workspace/diagnostic/refresh`, for clients that pull.
    RefreshDiagnostics,
}

/// A document over this many bytes is big: its lint primes the module index from its
/// facts, and opening or closing it trims the heap after the next publish.
const BIG_DOCUMENT: usize = 1 << 20;

pub struct World {
    out: UnboundedSender<Out>,
    pub encoding: Encoding,
    pub root: PathBuf,
    pub client: ClientSettings,
    pub docs: HashMap<Uri, Document>,
    pub settings: Arc<Settings>,
    pub options: LintOptions,
    pub files: Arc<WorkspaceFiles>,
    pub pull_refresh: bool,
    /// Push diagnostics; off when the client pulls them (it would show both).
    pub push: bool,
    /// Documents opened over `project.max-file-size`: not kept, their edits ignored.
    pub too_big: std::collections::HashSet<Uri>,
    /// A big document was opened or closed: once published, hand the memory of its
    /// first lint's temporaries (a second copy of its facts), or all of it, back to the
    /// system. After a close this waits for `sync_overlay`: trimmed before the module
    /// index dropped what it memoised from the text, a closed 10.5 MB document kept
    /// 10 MB of heap pages (issue 13, `python3 bench/lsp_memory.py`).
    trim: bool,
    /// Documents opened or edited since their text was last copied into `files`
    /// (copied once per burst, before the next lint).
    edited: HashSet<Uri>,
    /// Paths closed since then: module lookups went back to the disk.
    closed: Vec<PathBuf>,
    /// Edited modules that open documents import from: their next lint memoises their
    /// bindings from the facts it assembles, so the importers' lints do not parse them.
    prime: HashSet<String>,
}

impl World {
    pub fn new(out: UnboundedSender<Out>, root: PathBuf) -> World {
        let files = Arc::new(WorkspaceFiles::default());
        let settings = Settings::default_at(&root).with_module_files(files.clone());
        World {
            out,
            encoding: Encoding::Utf16,
            root,
            client: ClientSettings::default(),
            docs: HashMap::new(),
            settings: Arc::new(settings),
            options: LintOptions::default(),
            files,
            pull_refresh: false,
            push: true,
            too_big: std::collections::HashSet::new(),
            trim: false,
            edited: HashSet::new(),
            closed: Vec::new(),
            prime: HashSet::new(),
        }
    }

    /// Process jobs until every sender is gone (the server stopped).
    pub fn run(mut self, mut rx: UnboundedReceiver<Msg>) {
        while let Some(msg) = rx.blocking_recv() {
            self.handle(msg);
            while let Ok(msg) = rx.try_recv() {
                self.handle(msg);
            }
            self.publish_changed();
            if std::mem::take(&mut self.trim) {
                crate::memory::release_freed();
            }
        }
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::Open { uri, version, text } => {
                let path = self.path_of(&uri);
                self.log(
                    LogLevel::Debug,
                    format!("open {} v{version}", path.display()),
                );
                if let Some(warning) = self.settings.too_big(text.len() as u64) {
                    self.send(Out::Show(
                        MessageType::WARNING,
                        format!("ssotlint: {}: {warning}", path.display()),
                    ));
                    self.too_big.insert(uri);
                    return;
                }
                self.trim |= text.len() > BIG_DOCUMENT;
                let module = crate::python::modules::module_of(&path, &self.settings.src);
                self.edited.insert(uri.clone());
                self.docs
                    .insert(uri, Document::with_module(path, version, text, module));
            }
            Msg::Change {
                uri,
                version,
                changes,
            } => {
                let encoding = self.encoding;
                if self.too_big.contains(&uri) {
                    return;
                }
                let Some(doc) = self.docs.get_mut(&uri) else {
                    self.log(
                        LogLevel::Error,
                        format!(
                            "didChange for a document that is not open: {}",
                            uri.as_str()
                        ),
                    );
                    return;
                };
                doc.version = version;
                self.edited.insert(uri.clone());
                let mut errors = Vec::new();
                for change in changes {
                    if let Err(e) = doc.apply(change, encoding) {
                        errors.push(e);
                    }
                }
                for e in errors {
                    self.log(
                        LogLevel::Error,
                        format!("didChange {} v{version}: change ignored: {e}", uri.as_str()),
                    );
                }
            }
            Msg::Close { uri } => {
                self.too_big.remove(&uri);
                let closed = self.docs.remove(&uri);
                let had = closed.is_some();
                if let Some(doc) = closed {
                    // Trimmed after the next publish, once the module index has
                    // forgotten what it memoised from the document's text.
                    self.trim |= doc.source.text().len() > BIG_DOCUMENT;
                    self.files.close(&doc.path);
                    self.edited.remove(&uri);
                    self.closed.push(doc.path);
                }
                if had && self.push {
                    self.send(Out::Publish {
                        uri,
                        diagnostics: Vec::new(),
                        version: None,
                    });
                }
            }
            Msg::Run(job) => job(self),
            Msg::Slot(slot) => {
                if let Ok(job) = slot.blocking_recv() {
                    job(self);
                }
            }
        }
    }

    fn path_of(&self, uri: &Uri) -> PathBuf {
        match uri.to_file_path() {
            Some(p) => config::normalize(&p),
            None => self.root.join("untitled.py"),
        }
    }

    pub fn send(&self, out: Out) {
        // The receiver only goes away when the server is stopping.
        let _ = self.out.send(out);
    }

    pub fn log(&self, level: LogLevel, message: String) {
        if level > self.client.log_level || level == LogLevel::Off {
            return;
        }
        let typ = match level {
            LogLevel::Error => MessageType::ERROR,
            LogLevel::Warn => MessageType::WARNING,
            LogLevel::Info => MessageType::INFO,
            _ => MessageType::LOG,
        };
        self.send(Out::Log(typ, message));
    }

    /// Tell the user (a popup) and log it.
    pub fn show_error(&self, message: String) {
        self.log(LogLevel::Error, message.clone());
        self.send(Out::Show(MessageType::ERROR, message));
    }

    /// Lint a document if its text, the settings or a module it looked up changed
    /// since the last time.
    pub fn linted(&mut self, uri: &Uri) -> Option<&Document> {
        self.sync_overlay();
        let settings = self.settings.clone();
        let options = self.options.clone();
        let doc = self.docs.get_mut(uri)?;
        if doc.linted.is_none() {
            let module = crate::python::modules::module_of(&doc.path, &settings.src);
            doc.set_module(module.clone());
            // The assembled facts live only while the rules run; code actions keep the
            // comments (`# noqa` edits), the chunks keep the rest.
            let facts = doc.facts();
            // The module index learns a big document's module from the facts at hand
            // before the rules run: a rule looking up the document's own module (its
            // classes' bases, its names) read the text again and ran the recognizer over
            // all of it, half a 10 MB document's peak (issue 13). Below 1 MiB priming
            // on every keystroke cost more CPU than it saved (`bench/lsp_latency.py`,
            // one-class layouts). An edited module with open importers is primed too,
            // for their lints.
            if let Some(module) = &module {
                let big = doc.source.text().len() > BIG_DOCUMENT;
                let here = big
                    && settings.modules.locate(&module.name)
                        == Some(ModuleLocation::File(doc.path.clone()));
                if self.prime.remove(&module.name) || here {
                    settings
                        .modules
                        .prime(&module.name, &facts, doc.source.text());
                }
            }
            let (diagnostics, read) = record_dependencies(|| {
                diagnostics_of(
                    &doc.path,
                    &doc.source,
                    &facts,
                    module.as_ref(),
                    &settings,
                    &options,
                )
            });
            let mut comments = facts.comments;
            comments.shrink_to_fit();
            doc.linted = Some(Lint {
                diagnostics,
                comments,
                modules: read.modules.into_keys().collect(),
            });
        }
        Some(doc)
    }

    /// Copy the texts of documents edited since the last lint into the module lookup's
    /// first layer, forget what the module index memoised about their modules and mark
    /// the open documents whose lint looked one of them up (directly or along a
    /// re-export chain) for a new lint: the cost is bounded by the open importers.
    fn sync_overlay(&mut self) {
        if self.edited.is_empty() && self.closed.is_empty() {
            return;
        }
        let mut changed: Vec<(PathBuf, bool)> =
            self.closed.drain(..).map(|path| (path, false)).collect();
        for uri in std::mem::take(&mut self.edited) {
            if let Some(doc) = self.docs.get(&uri) {
                self.files.set_open(doc.path.clone(), doc.source.clone());
                changed.push((doc.path.clone(), true));
            }
        }
        for (path, open) in changed {
            let Some(module) = crate::python::modules::module_of(&path, &self.settings.src) else {
                continue;
            };
            self.settings.modules.forget(&module.name);
            let mut importers = Vec::new();
            for doc in self.docs.values_mut() {
                let stale = doc.path != path
                    && doc
                        .linted
                        .as_ref()
                        .is_some_and(|l| l.modules.contains(&module.name));
                if stale {
                    doc.linted = None;
                    importers.push(doc.path.display().to_string());
                }
            }
            if importers.is_empty() {
                continue;
            }
            if open {
                self.prime.insert(module.name.clone());
            }
            importers.sort();
            self.log(
                LogLevel::Debug,
                format!(
                    "{} {} in the editor: re-linting {}",
                    path.display(),
                    if open { "changed" } else { "closed" },
                    importers.join(", ")
                ),
            );
            if self.pull_refresh && !self.push {
                self.send(Out::RefreshDiagnostics);
            }
        }
    }

    /// Push diagnostics for every document whose current version has not been pushed.
    fn publish_changed(&mut self) {
        if !self.push {
            return;
        }
        self.sync_overlay();
        let mut stale: Vec<Uri> = self
            .docs
            .iter()
            .filter(|(_, d)| d.published != Some(d.version) || d.linted.is_none())
            .map(|(u, _)| u.clone())
            .collect();
        // Edited modules first: their lint primes the module index for their importers.
        let prime = &self.prime;
        let src = &self.settings.src;
        stale.sort_by_key(|uri| {
            !self.docs.get(uri).is_some_and(|d| {
                crate::python::modules::module_of(&d.path, src)
                    .is_some_and(|m| prime.contains(&m.name))
            })
        });
        for uri in stale {
            let encoding = self.encoding;
            let Some(doc) = self.linted(&uri) else {
                continue;
            };
            let version = doc.version;
            let diagnostics = lsp_diagnostics(doc, encoding);
            if let Some(doc) = self.docs.get_mut(&uri) {
                doc.published = Some(version);
            }
            self.send(Out::Publish {
                uri,
                diagnostics,
                version: Some(version),
            });
        }
    }

    /// Forget every lint result (settings changed) and re-push.
    pub fn invalidate(&mut self) {
        for doc in self.docs.values_mut() {
            doc.linted = None;
            doc.published = None;
        }
        if self.pull_refresh {
            self.send(Out::RefreshDiagnostics);
        }
    }

    /// New editor settings: rule overrides apply at once, the config is reloaded.
    pub fn configure(&mut self, client: ClientSettings) {
        self.options = LintOptions {
            select: client.select.clone(),
            extend_ignore: client.ignore.clone(),
            ..LintOptions::default()
        };
        self.client = client;
        self.reload_config();
    }

    /// Load the config again; on error tell the user and keep the last good settings.
    pub fn reload_config(&mut self) {
        match self.load_settings() {
            Ok(settings) => {
                let from = settings.config_path.as_ref().map_or_else(
                    || "defaults (no config file)".to_string(),
                    |p| p.display().to_string(),
                );
                self.log(LogLevel::Info, format!("settings loaded from {from}"));
                self.settings = settings;
            }
            Err(e) => self.show_error(format!(
                "ssotlint: {e} (still using the last valid configuration)"
            )),
        }
        self.invalidate();
    }

    /// The settings of the workspace root, resolved as `ssotlint check` run from the
    /// root resolves them; module lookups read the editor's workspace files.
    fn load_settings(&self) -> Result<Arc<Settings>, ConfigError> {
        let config = self
            .client
            .config_path
            .as_ref()
            .map(|path| self.root.join(path));
        SettingsStore::open(
            ConfigSource::Disk,
            Some(self.files.clone()),
            config.as_deref(),
            &self.root,
        )?
        .for_dir(&self.root)
    }

    /// Is `path` a file the settings are read from?
    pub fn is_config_file(&self, path: &Path) -> bool {
        if let Some(p) = &self.client.config_path {
            if path == p || path == self.root.join(p) {
                return true;
            }
        }
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| CONFIG_FILES.contains(&n))
    }

    /// The background index is ready.
    pub fn index_built(&mut self, index: Index) {
        self.log(
            LogLevel::Info,
            format!("indexed {} module files", index.file_count()),
        );
        self.files.set(index);
        self.reload_config();
    }

    /// Files changed on disk: update the index; reload the config (which also starts a
    /// fresh module cache, so SSOT005 and re-exports see the change).
    pub fn files_changed(&mut self, events: Vec<lsp::FileEvent>) {
        for event in &events {
            let Some(path) = event.uri.to_file_path().map(|p| config::normalize(&p)) else {
                continue;
            };
            if event.typ == lsp::FileChangeType::DELETED {
                self.files.update(|i| i.deleted(&path));
            } else if event.typ == lsp::FileChangeType::CREATED {
                let is_dir = path.is_dir();
                self.files.update(|i| i.created(&path, is_dir));
            }
        }
        if !events.is_empty() {
            self.reload_config();
        }
    }

    /// The current document's lint result (after linting it if needed).
    pub fn lint_result(&mut self, uri: &Uri) -> Option<(&Document, &Lint)> {
        let doc = self.linted(uri)?;
        let linted = doc.linted.as_ref()?;
        Some((doc, linted))
    }
}

/// A diagnostic as LSP sees it.
pub fn lsp_diagnostic(doc: &Document, d: &Diagnostic, encoding: Encoding) -> lsp::Diagnostic {
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        _ => DiagnosticSeverity::INFORMATION,
    };
    lsp::Diagnostic {
        range: encoding.range(&doc.source, &d.range),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.rule.code().to_string())),
        code_description: d
            .rule
            .url()
            .parse()
            .ok()
            .map(|href| lsp::CodeDescription { href }),
        source: Some("ssotlint".to_string()),
        message: d.message.clone(),
        related_information: None,
        tags: None,
        data: None,
    }
}

pub fn lsp_diagnostics(doc: &Document, encoding: Encoding) -> Vec<lsp::Diagnostic> {
    doc.linted
        .iter()
        .flat_map(|l| l.diagnostics.iter())
        .map(|d| lsp_diagnostic(doc, d, encoding))
        .collect()
}
