//! The prefilter and reducer of a config file, as the CLI builds them for every rule but
//! SSOT000: what the examples that measure or compare the reducer start from.

use std::path::Path;

use ssotlint::prefilter::{body_needles, Prefilter};
use ssotlint::reduce::Reducer;
use ssotlint::rules::registry::RuleSelection;

/// The prefilter and the reducer of `config`'s settings, or the message that stops the example.
pub fn reducer_of(config: &str) -> Result<(Prefilter, Reducer), String> {
    let text = std::fs::read_to_string(config).map_err(|e| format!("cannot read {config}: {e}"))?;
    let settings = ssotlint::config::parse(Path::new(config), &text)
        .map_err(|e| format!("{config}: {e}"))?
        .unwrap_or_default();
    let selection = RuleSelection {
        ignore: vec!["SSOT000".into()],
        ..Default::default()
    };
    let needles =
        body_needles(&settings, &selection).ok_or_else(|| "no body needles".to_string())?;
    Ok((
        Prefilter::new(&settings, &selection),
        Reducer::new(&needles),
    ))
}
