//! A small hand-written SVG line chart for `report --plot`: one panel per series (their
//! scales differ: percentages vs counts), commits along the x axis.

use std::fmt::Write;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Draw `series` (name → one value per commit, oldest first) against `labels`.
pub fn line_chart(title: &str, labels: &[String], series: &[(&str, Vec<f64>)]) -> String {
    const WIDTH: f64 = 720.0;
    const PANEL: f64 = 160.0;
    const LEFT: f64 = 60.0;
    const RIGHT: f64 = 20.0;
    const TOP: f64 = 40.0;
    const GAP: f64 = 40.0;
    const COLORS: [&str; 4] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
    let height = TOP + series.len() as f64 * (PANEL + GAP) + 20.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="22" font-size="14">{}</text>"#,
        escape(title)
    );
    let plot_w = WIDTH - LEFT - RIGHT;
    let n = labels.len();
    let x_of = |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    for (k, (name, values)) in series.iter().enumerate() {
        let top = TOP + k as f64 * (PANEL + GAP);
        let bottom = top + PANEL;
        let (mut lo, mut hi) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(*v), hi.max(*v))
            });
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if (hi - lo).abs() < f64::EPSILON {
            lo -= 1.0;
            hi += 1.0;
        }
        let y_of = |v: f64| bottom - (v - lo) / (hi - lo) * PANEL;
        let color = COLORS[k % COLORS.len()];
        let _ = writeln!(s, r#"<g>"#);
        let _ = writeln!(
            s,
            r#"<text x="{LEFT}" y="{}" fill="{color}">{}</text>"#,
            top - 6.0,
            escape(name)
        );
        let _ = writeln!(
            s,
            r##"<rect x="{LEFT}" y="{top}" width="{plot_w}" height="{PANEL}" fill="none" stroke="#ccc"/>"##
        );
        for v in [lo, hi] {
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
                LEFT - 4.0,
                y_of(v) + 4.0,
                fmt(v)
            );
        }
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x_of(i), y_of(*v)))
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"/>"#,
            points.join(" ")
        );
        for (i, v) in values.iter().enumerate() {
            let label = labels.get(i).map(String::as_str).unwrap_or("");
            let _ = writeln!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{color}"><title>{}: {}</title></circle>"#,
                x_of(i),
                y_of(*v),
                escape(label),
                fmt(*v)
            );
        }
        if let (Some(first), Some(last)) = (labels.first(), labels.last()) {
            let _ = writeln!(
                s,
                r#"<text x="{LEFT}" y="{}">{}</text>"#,
                bottom + 14.0,
                escape(first)
            );
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                WIDTH - RIGHT,
                bottom + 14.0,
                escape(last)
            );
        }
        let _ = writeln!(s, "</g>");
    }
    s.push_str("</svg>\n");
    s
}

fn fmt(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}
