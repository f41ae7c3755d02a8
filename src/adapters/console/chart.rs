//! A horizontal bar chart as inline SVG, drawn on the server (issue 19 item 3: "a small
//! chart — SVG rendered server-side is fine"; docs/console.md "Charts"): counts by label,
//! one bar per label, scaled to the largest. No script, no style attribute (the console's
//! Content-Security-Policy allows neither): geometry and colour are SVG presentation
//! attributes. Every label goes through [`escape`], so the markup is safe to print as is.

use crate::adapters::http::html::escape;

/// Drawing sizes, in SVG user units (the SVG scales to its container).
const WIDTH: i64 = 640;
const LABEL_WIDTH: i64 = 200;
const COUNT_WIDTH: i64 = 70;
const ROW: i64 = 26;
const BAR: i64 = 18;
/// Longest label drawn; a longer one is cut with an ellipsis (its whole text is the bar's
/// tooltip).
const MAX_LABEL_CHARS: usize = 28;

/// SVG markup, already escaped: print it without escaping again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Svg(pub String);

impl std::fmt::Display for Svg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A bar chart of `bars` (label, count) in the order given, titled `title` (the accessible
/// name). Negative counts draw as zero; an empty chart says "no data".
pub fn bar_chart(title: &str, bars: &[(String, i64)]) -> Svg {
    let largest = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(0);
    let span = WIDTH - LABEL_WIDTH - COUNT_WIDTH;
    let height = ROW * (bars.len().max(1) as i64) + 4;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" \
         aria-label=\"{t}\"><title>{t}</title>",
        t = escape(title)
    );
    if bars.is_empty() {
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" fill=\"#555\" font-size=\"13\">no data</text>",
            ROW / 2 + 5
        ));
    }
    for (row, (label, count)) in bars.iter().enumerate() {
        let count = (*count).max(0);
        let y = ROW * row as i64 + 2;
        // Integer arithmetic: i128 so a huge count cannot overflow the product.
        let width = if largest == 0 {
            0
        } else {
            (i128::from(count) * i128::from(span) / i128::from(largest)) as i64
        };
        // A non-zero count is always visible.
        let width = if count > 0 { width.max(2) } else { 0 };
        let text_y = y + BAR / 2 + 5;
        svg.push_str(&format!(
            "<g><title>{full}: {count}</title>\
             <text x=\"0\" y=\"{text_y}\" fill=\"#222\" font-size=\"13\">{short}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{width}\" height=\"{BAR}\" fill=\"#2f6f9f\"/>\
             <text x=\"{}\" y=\"{text_y}\" fill=\"#222\" font-size=\"13\">{count}</text></g>",
            LABEL_WIDTH + width + 6,
            full = escape(label),
            short = escape(&shortened(label)),
        ));
    }
    svg.push_str("</svg>");
    Svg(svg)
}

fn shortened(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        return label.to_owned();
    }
    let mut short: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(items: &[(&str, i64)]) -> Vec<(String, i64)> {
        items.iter().map(|(l, n)| (l.to_string(), *n)).collect()
    }

    /// The `width` attributes of the chart's rectangles, in order.
    fn widths(svg: &Svg) -> Vec<i64> {
        svg.0
            .split("<rect ")
            .skip(1)
            .map(|rect| {
                let after = rect.split("width=\"").nth(1).unwrap();
                after.split('"').next().unwrap().parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn bars_are_scaled_to_the_largest_count() {
        let svg = bar_chart(
            "jobs",
            &bars(&[("done", 100), ("failed", 50), ("queued", 0)]),
        );
        let span = WIDTH - LABEL_WIDTH - COUNT_WIDTH;
        assert_eq!(widths(&svg), vec![span, span / 2, 0]);
        assert!(svg.0.contains(">100</text>") && svg.0.contains(">50</text>"));
        assert!(svg.0.starts_with("<svg ") && svg.0.ends_with("</svg>"));
    }

    #[test]
    fn a_small_count_is_still_visible_and_negatives_are_zero() {
        let svg = bar_chart("c", &bars(&[("big", 1_000_000), ("one", 1), ("neg", -5)]));
        assert_eq!(widths(&svg)[1], 2);
        assert_eq!(widths(&svg)[2], 0);
    }

    #[test]
    fn labels_and_title_are_escaped() {
        let svg = bar_chart("a <b> & \"c\"", &bars(&[("<script>alert(1)</script>", 3)]));
        assert!(!svg.0.contains("<script>"));
        assert!(svg.0.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(svg
            .0
            .contains("aria-label=\"a &lt;b&gt; &amp; &quot;c&quot;\""));
    }

    #[test]
    fn an_empty_chart_says_so() {
        let svg = bar_chart("nothing", &[]);
        assert!(svg.0.contains("no data"));
        assert!(widths(&svg).is_empty());
    }

    #[test]
    fn long_labels_are_cut_but_kept_whole_in_the_tooltip() {
        let long = "x".repeat(40);
        let svg = bar_chart("t", &bars(&[(long.as_str(), 1)]));
        assert!(svg.0.contains(&format!("<title>{long}: 1</title>")));
        assert!(svg
            .0
            .contains(&format!(">{}…</text>", "x".repeat(MAX_LABEL_CHARS - 1))));
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        let svg = bar_chart("t", &bars(&[("max", i64::MAX), ("half", i64::MAX / 2)]));
        let span = WIDTH - LABEL_WIDTH - COUNT_WIDTH;
        let widths = widths(&svg);
        assert_eq!(widths[0], span);
        // i64::MAX is odd: its half is a hair under half, and widths round down.
        assert!((span / 2 - 1..=span / 2).contains(&widths[1]), "{widths:?}");
    }
}
