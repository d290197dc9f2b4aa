//! The commands that check nothing: `rule`, `rules`, `init`, `install-hook` and
//! `check --show-settings`. Part of the binary.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use ssotlint::git::Installed;
use ssotlint::{LintOptions, Rule, SettingsStore};

use crate::cli::InitArgs;

pub(crate) fn install_hook(force: bool) -> Result<ExitCode, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let message = match ssotlint::git::install_hook(&cwd, force)? {
        Installed::New(path) => format!("Installed the ssotlint pre-commit hook at {}", path.display()),
        Installed::Updated(path) => format!("Updated the ssotlint pre-commit hook at {}", path.display()),
        Installed::KeptPrevious(path, local) => format!(
            "Installed the ssotlint pre-commit hook at {}; the previous hook is now {} and runs first",
            path.display(),
            local.display()
        ),
    };
    println!("{message}");
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn show_rule(code: &str) -> Result<ExitCode, String> {
    let rule = Rule::from_code(code)
        .ok_or_else(|| format!("unknown rule `{code}` (see `ssotlint rules`)"))?;
    println!("# {} ({})\n", rule.name(), rule.code());
    println!("{}\n", rule.summary());
    println!(
        "Default severity: {}. {}\n",
        rule.default_severity().as_str(),
        rule.spec().fix.describe()
    );
    print!("{}", rule.doc());
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn list_rules(markdown: bool) -> Result<ExitCode, String> {
    if markdown {
        print!("{}", ssotlint::rules::markdown_page());
        return Ok(ExitCode::SUCCESS);
    }
    for rule in Rule::ALL {
        println!("{}  {:<34} {}", rule.code(), rule.name(), rule.summary());
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn run_init(args: InitArgs) -> Result<ExitCode, String> {
    let options = ssotlint::init::InitOptions {
        dir: args.dir.unwrap_or_else(|| PathBuf::from(".")),
        pyproject: args.pyproject,
        dry_run: args.dry_run,
        force: args.force,
        min_imports: args.min_imports,
        quiet: args.quiet,
    };
    let outcome = ssotlint::init::run(&options)?;
    for warning in &outcome.discovery.warnings {
        eprintln!("warning: {warning}");
    }
    let d = &outcome.discovery;
    let changes = d.changes;
    match &outcome.written {
        None => print!("{}", outcome.text),
        Some(path) if !args.quiet => println!(
            "Wrote {}: {} canonical symbol{} proposed from {} files, {changes} import{} would change.",
            path.display(),
            d.proposals.len(),
            if d.proposals.len() == 1 { "" } else { "s" },
            d.files,
            if changes == 1 { "" } else { "s" },
        ),
        Some(_) => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// `--show-settings`: what applies to one path, after lookup and overrides.
pub(crate) fn show_settings(
    paths: &[PathBuf],
    store: &Arc<SettingsStore>,
    options: &LintOptions,
) -> Result<ExitCode, String> {
    let path = &paths[0];
    let absolute = ssotlint::config::normalize(path);
    let settings = if absolute.is_dir() {
        store.for_dir(&absolute)
    } else {
        store.for_file(&absolute)
    }
    .map_err(|e| e.to_string())?;
    let selection = options.selection(&settings);
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| format!("{i:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::new();
    out.push_str(&format!("Resolved settings for: {}\n", path.display()));
    out.push_str(&format!(
        "config file: {}\n",
        settings
            .config_path
            .as_ref()
            .map_or("none (defaults)".to_string(), |p| p.display().to_string())
    ));
    out.push_str(&format!("root: {}\n", settings.root.display()));
    let src: Vec<String> = settings
        .src
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    out.push_str(&format!("project.src: [{}]\n", list(&src)));
    let first_party: Vec<String> = settings.modules.first_party().iter().cloned().collect();
    out.push_str(&format!(
        "project.first-party: [{}]{}\n",
        list(&first_party),
        if settings.first_party.is_none() {
            " (found under src)"
        } else {
            ""
        }
    ));
    out.push_str(&format!("lint.select: [{}]\n", list(&selection.select)));
    out.push_str(&format!("lint.ignore: [{}]\n", list(&selection.ignore)));
    out.push_str("enabled rules:\n");
    for rule in Rule::ALL.iter().filter(|r| selection.is_enabled(**r)) {
        out.push_str(&format!(
            "  {} {} ({})\n",
            rule.code(),
            rule.name(),
            settings.severity_of(*rule).as_str()
        ));
    }
    let raw = match &settings.config_path {
        Some(config) => store
            .overrides()
            .merged_text(config)
            .map_err(|e| e.to_string())?,
        None => store.overrides().text(),
    };
    out.push_str("configuration (with --config overrides):\n");
    out.push_str(&raw);
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
