//! `install-hook`: the pre-commit hook script, written where git runs hooks from.

use std::path::{Path, PathBuf};

use super::repo;

/// The hook script `install-hook` writes; `hooks/pre-commit` is the same file.
pub const HOOK_SCRIPT: &str = include_str!("../../hooks/pre-commit");

/// The line that tells our hook apart from one somebody else wrote.
const HOOK_MARKER: &str = "# ssotlint-managed-hook";

/// What `install-hook` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    New(PathBuf),
    Updated(PathBuf),
    /// The previous hook was kept under this name and is called first.
    KeptPrevious(PathBuf, PathBuf),
}

/// Write the pre-commit hook into the directory git runs hooks from.
pub fn install_hook(cwd: &Path, force: bool) -> Result<Installed, String> {
    let dir = match repo::open(cwd)? {
        repo::Opened::Lib(repo) => repo::hooks_dir(&repo)?,
        repo::Opened::Cli(cli) => cli.hooks_dir()?,
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let hook = dir.join("pre-commit");
    let outcome = match std::fs::symlink_metadata(&hook) {
        Err(_) => Installed::New(hook.clone()),
        Ok(_) => {
            let existing = std::fs::read(&hook).unwrap_or_default();
            let ours = String::from_utf8_lossy(&existing).contains(HOOK_MARKER);
            if ours {
                Installed::Updated(hook.clone())
            } else if !force {
                return Err(format!(
                    "{} exists and was not written by ssotlint; rerun with --force to keep it as \
                     pre-commit.local (called first) and install the ssotlint hook",
                    hook.display()
                ));
            } else {
                let local = dir.join("pre-commit.local");
                if std::fs::symlink_metadata(&local).is_ok() {
                    return Err(format!(
                        "{} already exists; move it away before installing over {}",
                        local.display(),
                        hook.display()
                    ));
                }
                std::fs::rename(&hook, &local).map_err(|e| {
                    format!(
                        "{}: cannot rename to {}: {e}",
                        hook.display(),
                        local.display()
                    )
                })?;
                Installed::KeptPrevious(hook.clone(), local)
            }
        }
    };
    std::fs::write(&hook, hook_script(std::env::current_exe().ok().as_deref()))
        .map_err(|e| format!("{}: cannot write: {e}", hook.display()))?;
    make_executable(&hook)?;
    Ok(outcome)
}

/// [`HOOK_SCRIPT`] with `installed_by` set to `binary` (shell-quoted), the fallback
/// when `ssotlint` is not on `PATH` (installed with `cargo run`, or from a venv that
/// is not active when git runs the hook).
pub fn hook_script(binary: Option<&Path>) -> String {
    match binary.and_then(Path::to_str) {
        Some(path) => HOOK_SCRIPT.replacen(
            "installed_by=''",
            &format!("installed_by='{}'", path.replace('\'', "'\\''")),
            1,
        ),
        None => HOOK_SCRIPT.to_string(),
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: cannot make executable: {e}", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), String> {
    Ok(())
}
