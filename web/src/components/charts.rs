//! Charts drawn in SVG: horizontal bars (rankings, counts by category, the report's
//! funnel) as rows of text around an SVG bar, so they read at any card width; columns (a
//! count per day) and lines (reads over time) sized by their `viewBox` to fill their
//! card; a ring gauge for a rate; and a small bar for table cells. Each shows its numbers
//! next to the shapes, so a chart reads at a glance without hovering.

use leptos::prelude::*;

/// One bar: what it is, how long it is (`value / max`), and the words printed after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
    /// The colour, as a class of `.chart` (`read`, `confirm`, `urgent` …); empty: the accent.
    pub tone: &'static str,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: f64, text: impl Into<String>) -> Bar {
        Bar { label: label.into(), value, text: text.into(), tone: "" }
    }

    pub fn tone(mut self, tone: &'static str) -> Bar {
        self.tone = tone;
        self
    }
}

const WIDTH: f64 = 600.0;
/// Line charts sit in half-width cards: a narrower drawing keeps their text larger.
const LINE_WIDTH: f64 = 480.0;

fn fraction(value: f64, max: f64) -> f64 {
    if max <= 0.0 {
        0.0
    } else {
        (value / max).clamp(0.0, 1.0)
    }
}

/// One row of a bar chart: the label and the numbers are text, so they stay readable in a
/// narrow card; the bar is an SVG as wide as the room between them, filled to `share`
/// (from the left, or centred for a funnel).
fn bar_row(b: Bar, share: f64, centred: bool) -> impl IntoView {
    let percent = share * 100.0;
    // A value above nothing still shows as a sliver.
    let width = if b.value > 0.0 { percent.max(0.8) } else { 0.0 };
    let x = if centred { (100.0 - width) / 2.0 } else { 0.0 };
    let title = format!("{}：{}", b.label, b.text);
    let key = b.label.clone();
    view! {
        <div class=format!("bar-row {}", b.tone) title=title data-label=key>
            <span class="bar-label">{b.label}</span>
            <svg class="bar-track" aria-hidden="true">
                {(!centred).then(|| view! { <rect class="track" x="0" y="0" width="100%" height="100%" rx="4"></rect> })}
                <rect class="fill" x=format!("{x:.2}%") y="0" width=format!("{width:.2}%") height="100%" rx="4"></rect>
            </svg>
            <span class="bar-value">{b.text}</span>
        </div>
    }
}

/// Bars from the left, longest = `max` (or the largest value when `max` is 0).
#[component]
pub fn HBarChart(
    bars: Vec<Bar>,
    #[prop(optional)] max: f64,
    #[prop(optional, into)] id: Option<&'static str>,
) -> impl IntoView {
    let max = if max > 0.0 { max } else { bars.iter().map(|b| b.value).fold(0.0, f64::max) };
    let rows = bars
        .into_iter()
        .map(|b| {
            let share = fraction(b.value, max);
            bar_row(b, share, false)
        })
        .collect_view();
    view! { <div class="chart-bars" id=id role="img">{rows}</div> }
}

/// A funnel: each stage a bar centred under the first, as long as its share of `max`.
#[component]
pub fn Funnel(stages: Vec<Bar>, max: f64) -> impl IntoView {
    let rows = stages
        .into_iter()
        .map(|s| {
            let share = fraction(s.value, max);
            bar_row(s, share, true)
        })
        .collect_view();
    view! { <div class="chart-bars funnel" role="img">{rows}</div> }
}

/// A column per key (a day), its count on top when there is room; a few labels below.
#[component]
pub fn ColumnChart(columns: Vec<(String, f64)>, #[prop(optional, into)] id: Option<&'static str>) -> impl IntoView {
    let (height, base, top) = (200.0, 170.0, 18.0);
    let n = columns.len().max(1) as f64;
    let step = (WIDTH - 20.0) / n;
    let max = columns.iter().map(|c| c.1).fold(0.0, f64::max).max(1.0);
    // About eight labels along the axis, whatever the number of columns.
    let every = (columns.len() / 8).max(1);
    let numbers = step >= 18.0;
    let bars = columns
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let x = 10.0 + i as f64 * step;
            let h = fraction(value, max) * (base - top);
            let w = (step * 0.7).max(1.0);
            view! {
                <g class="column">
                    <title>{format!("{label}：{value}")}</title>
                    <rect class="fill" x=x + (step - w) / 2.0 y=base - h width=w height=h rx="2"></rect>
                    {(numbers && value > 0.0).then(|| view! {
                        <text class="value" x=x + step / 2.0 y=base - h - 4.0 text-anchor="middle">{value}</text>
                    })}
                    {(i % every == 0).then(|| view! {
                        <text class="axis" x=x + step / 2.0 y=base + 18.0 text-anchor="middle">{label}</text>
                    })}
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart columns" id=id viewBox=format!("0 0 {WIDTH} {height}") role="img" preserveAspectRatio="xMinYMin meet">
            <line class="baseline" x1="10" x2=WIDTH - 10.0 y1=base y2=base></line>
            {bars}
        </svg>
    }
}

/// A line per series over the same points, from 0 up to `max`; labels under a few points.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub tone: &'static str,
    pub values: Vec<f64>,
}

#[component]
pub fn LineChart(labels: Vec<String>, series: Vec<Series>, max: f64) -> impl IntoView {
    let (height, left, base, top, right) = (220.0, 40.0, 180.0, 16.0, 16.0);
    let n = labels.len();
    let span = (LINE_WIDTH - left - right) / (n.max(2) - 1) as f64;
    let max = max.max(1.0);
    let x = move |i: usize| if n < 2 { left + (LINE_WIDTH - left - right) / 2.0 } else { left + i as f64 * span };
    let y = move |v: f64| base - fraction(v, max) * (base - top);
    let every = (n / 6).max(1);
    let lines = series
        .iter()
        .map(|s| {
            let points =
                s.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect::<Vec<_>>();
            let area =
                format!("{:.1},{base} {} {:.1},{base}", x(0), points.join(" "), x(s.values.len().saturating_sub(1)));
            let last = s.values.last().copied().unwrap_or(0.0);
            let (lx, ly) = (x(s.values.len().saturating_sub(1)), y(last));
            view! {
                <g class=format!("series {}", s.tone)>
                    <polygon class="area" points=area></polygon>
                    <polyline class="line" points=points.join(" ")></polyline>
                    <circle class="dot" cx=lx cy=ly r="4"></circle>
                </g>
            }
        })
        .collect_view();
    let ticks = labels
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0 || *i + 1 == n)
        .map(|(i, l)| view! { <text class="axis" x=x(i) y=base + 18.0 text-anchor="middle">{l}</text> })
        .collect_view();
    let legend = series
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let lx = left + i as f64 * 140.0;
            let last = s.values.last().copied().unwrap_or(0.0);
            view! {
                <g class=format!("legend {}", s.tone)>
                    <rect class="swatch" x=lx y=height - 16.0 width="12" height="12" rx="2"></rect>
                    <text class="axis" x=lx + 18.0 y=height - 6.0>{format!("{} {}", s.name, last)}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart lines" viewBox=format!("0 0 {LINE_WIDTH} {height}") role="img" preserveAspectRatio="xMinYMin meet">
            <line class="grid" x1=left x2=LINE_WIDTH - right y1=top y2=top></line>
            <text class="axis" x=left - 6.0 y=top + 4.0 text-anchor="end">{max}</text>
            <text class="axis" x=left - 6.0 y=base + 4.0 text-anchor="end">"0"</text>
            <line class="baseline" x1=left x2=LINE_WIDTH - right y1=base y2=base></line>
            {lines}
            {ticks}
            {legend}
        </svg>
    }
}

/// A ring filled to `rate` (0..=1) with the percentage inside; `None` shows a dash.
#[component]
pub fn Gauge(
    rate: Option<f64>,
    #[prop(optional)] tone: &'static str,
    #[prop(optional, into)] id: Option<&'static str>,
) -> impl IntoView {
    let r = 42.0;
    let circumference = 2.0 * std::f64::consts::PI * r;
    let filled = rate.map_or(0.0, |v| v.clamp(0.0, 1.0)) * circumference;
    let text = rate.map_or_else(|| "—".to_string(), percent);
    view! {
        <svg class=format!("chart gauge {tone}") id=id viewBox="0 0 100 100" role="img">
            <circle class="track" cx="50" cy="50" r=r></circle>
            <circle class="fill" cx="50" cy="50" r=r stroke-dasharray=format!("{filled:.1} {circumference:.1}")
                transform="rotate(-90 50 50)"></circle>
            <text class="big" x="50" y="50" text-anchor="middle" dominant-baseline="central">{text}</text>
        </svg>
    }
}

/// Two rates in one small bar for a table cell: read (lighter) under confirmed.
#[component]
pub fn MiniBar(read: f64, confirmed: Option<f64>) -> impl IntoView {
    let w = 120.0;
    view! {
        <svg class="chart mini" viewBox=format!("0 0 {w} 10") width=w height="10" preserveAspectRatio="none" aria-hidden="true">
            <rect class="track" x="0" y="0" width=w height="10" rx="5"></rect>
            <rect class="fill read" x="0" y="0" width=fraction(read, 1.0) * w height="10" rx="5"></rect>
            {confirmed.map(|c| view! { <rect class="fill confirm" x="0" y="3" width=fraction(c, 1.0) * w height="4" rx="2"></rect> })}
        </svg>
    }
}

/// `87%` (or `87.5%` below 10 points from an edge, where a point matters).
pub fn percent(rate: f64) -> String {
    let p = rate * 100.0;
    if (p > 0.0 && p < 10.0) || (p > 90.0 && p < 100.0) {
        format!("{:.1}%", (p * 10.0).floor() / 10.0)
    } else {
        format!("{}%", p.round() as i64)
    }
}

/// `part / whole` as a rate, 0 when there is no whole.
pub fn rate(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}
