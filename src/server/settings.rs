//! Editor settings: `initializationOptions` and `workspace/didChangeConfiguration`
//! carry `{ configPath, select, ignore, logLevel }`, at the top level or under
//! `ssotlint` (VS Code and Neovim send the section object).

use std::path::PathBuf;

use serde_json::Value;

use crate::rules::registry::Rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClientSettings {
    pub config_path: Option<PathBuf>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub log_level: LogLevel,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            config_path: None,
            select: None,
            ignore: Vec::new(),
            log_level: LogLevel::Info,
        }
    }
}

impl ClientSettings {
    /// Read settings from JSON; problems (wrong types, unknown codes) are returned as
    /// messages and the offending value is left at its default.
    pub fn from_json(value: &Value) -> (ClientSettings, Vec<String>) {
        let value = value.get("ssotlint").unwrap_or(value);
        let mut problems = Vec::new();
        let mut settings = ClientSettings::default();
        if !value.is_object() {
            if !value.is_null() {
                problems.push("settings must be an object".to_string());
            }
            return (settings, problems);
        }
        match value.get("configPath") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.is_empty() => {}
            Some(Value::String(s)) => settings.config_path = Some(PathBuf::from(s)),
            Some(_) => problems.push("configPath must be a string".to_string()),
        }
        match value.get("select") {
            None | Some(Value::Null) => {}
            Some(v) => settings.select = codes(v, "select", &mut problems),
        }
        match value.get("ignore") {
            None | Some(Value::Null) => {}
            Some(v) => settings.ignore = codes(v, "ignore", &mut problems).unwrap_or_default(),
        }
        match value.get("logLevel") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => match s.to_ascii_lowercase().as_str() {
                "off" => settings.log_level = LogLevel::Off,
                "error" => settings.log_level = LogLevel::Error,
                "warn" | "warning" => settings.log_level = LogLevel::Warn,
                "info" => settings.log_level = LogLevel::Info,
                "debug" | "trace" => settings.log_level = LogLevel::Debug,
                other => problems.push(format!(
                    "logLevel `{other}` is not one of off, error, warn, info, debug"
                )),
            },
            Some(_) => problems.push("logLevel must be a string".to_string()),
        }
        (settings, problems)
    }
}

fn codes(value: &Value, key: &str, problems: &mut Vec<String>) -> Option<Vec<String>> {
    let Some(items) = value.as_array() else {
        problems.push(format!("{key} must be a list of rule codes"));
        return None;
    };
    let mut out = Vec::new();
    for item in items {
        match item.as_str().map(|s| s.trim().to_ascii_uppercase()) {
            Some(code) if Rule::is_valid_prefix(&code) => out.push(code),
            Some(code) => problems.push(format!("{key}: unknown rule code or prefix `{code}`")),
            None => problems.push(format!("{key} must be a list of rule codes")),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_nested_settings_and_reports_problems() {
        let (s, problems) = ClientSettings::from_json(&json!({
            "ssotlint": {"configPath": "/x/ssotlint.toml", "select": ["ssot001", "NOPE"], "ignore": ["SSOT005"], "logLevel": "debug"}
        }));
        assert_eq!(s.config_path, Some(PathBuf::from("/x/ssotlint.toml")));
        assert_eq!(s.select, Some(vec!["SSOT001".to_string()]));
        assert_eq!(s.ignore, vec!["SSOT005".to_string()]);
        assert_eq!(s.log_level, LogLevel::Debug);
        assert_eq!(
            problems,
            vec!["select: unknown rule code or prefix `NOPE`".to_string()]
        );
    }
}
