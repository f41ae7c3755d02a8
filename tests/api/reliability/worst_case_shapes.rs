//! Worst-case body shapes for the decoders (issue 13, item 2), each filled to just under
//! the 1 MiB body limit: the shapes that make a hash-less duplicate check, a sibling scan,
//! a per-element copy or a repeated concatenation cost the square of the body.
//!
//! A shape is the *inside* of a request: JSON members (`"k":v,…`, no braces) or XML child
//! elements. Each target wraps it with what the endpoint needs (an envelope, a root,
//! credentials), so the same shape reaches every decoder.

/// The budget of a shape: the wrapper and credentials fit in what is left under 1 MiB.
pub const BUDGET: usize = 1_000_000;

/// What the XML gate allows by default (`XmlLimits`): shapes meant to be decoded stay
/// under these; the `over …` shapes are meant to be refused by the gate.
const MAX_ELEMENTS: usize = 9_900;
/// SOAP puts four elements (Envelope, Body, operation, request) above the shape; the gate
/// allows 32 levels.
const ALLOWED_DEPTH: usize = 26;
const MAX_ATTRIBUTES: usize = 32;
const MAX_TEXT: usize = 64 * 1024;

pub struct Shape {
    pub name: &'static str,
    pub text: String,
}

/// Repeats `piece(i)` while it fits in `budget` bytes (and at most `count` times).
fn fill(budget: usize, count: usize, piece: impl Fn(usize) -> String) -> String {
    let mut out = String::with_capacity(budget);
    for i in 0..count {
        let next = piece(i);
        if out.len() + next.len() > budget {
            break;
        }
        out.push_str(&next);
    }
    out
}

fn shape(name: &'static str, text: String) -> Shape {
    Shape { name, text }
}

/// JSON members. `known` is a field the endpoint reads (a repeat of it is refused by the
/// decoder itself, not ignored as an unknown field would be).
pub fn json(known: &str) -> Vec<Shape> {
    let deep = format!("{}1{}", "[".repeat(120), "]".repeat(120));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(120), "}".repeat(120));
    vec![
        shape(
            "131 000 distinct keys",
            members(BUDGET, |i| format!("\"{i:x}\":0,")),
        ),
        shape(
            "distinct long keys",
            members(BUDGET, |i| format!("\"{i:0>60}\":0,")),
        ),
        shape(
            "one unknown key repeated",
            members(BUDGET, |_| "\"zz\":0,".into()),
        ),
        shape(
            "a known key then its repeats",
            members(BUDGET, |_| format!("\"{known}\":\"x\",")),
        ),
        shape(
            "120-deep arrays, many times",
            members(BUDGET, |i| format!("\"d{i}\":{deep},")),
        ),
        shape(
            "120-deep objects, many times",
            members(BUDGET, |i| format!("\"o{i}\":{deep_object},")),
        ),
        shape(
            "an array of empty objects",
            format!("\"list\":[{}{{}}]", "{},".repeat(BUDGET / 3 - 10)),
        ),
        shape(
            "100 000 keys inside a known field",
            format!(
                "\"{known}\":{{{}}}",
                members(BUDGET - 100, |i| format!("\"{i:x}\":0,"))
            ),
        ),
        shape(
            "a long string of escapes",
            format!("\"{known}\":\"{}\"", "\\u00e9".repeat(BUDGET / 6 - 10)),
        ),
        shape(
            "a long plain string",
            format!("\"{known}\":\"{}\"", "x".repeat(BUDGET - 100)),
        ),
    ]
}

/// JSON members `piece(0),piece(1),…` within `budget` bytes, without the last comma.
fn members(budget: usize, piece: impl Fn(usize) -> String) -> String {
    let mut text = fill(budget, usize::MAX, piece);
    text.pop();
    text
}

/// XML child elements for a parent at depth 4 or less.
pub fn xml(known: &str) -> Vec<Shape> {
    // Long names, so the towers the element cap allows fill the budget.
    let tag = "d".repeat(48);
    let deep = format!(
        "{}x{}",
        format!("<{tag}>").repeat(ALLOWED_DEPTH),
        format!("</{tag}>").repeat(ALLOWED_DEPTH)
    );
    let attributes: String = (0..MAX_ATTRIBUTES)
        .map(|i| format!(" a{i}=\"{}\"", "v".repeat(100)))
        .collect();
    let declarations: String = (0..MAX_ATTRIBUTES)
        .map(|i| format!(" xmlns:p{i}=\"urn:{i}:{}\"", "u".repeat(100)))
        .collect();
    let long_uri = format!("urn:{}", "u".repeat(BUDGET - 150_000));
    vec![
        shape(
            "9 900 siblings of one name",
            fill(BUDGET, MAX_ELEMENTS, |_| {
                format!("<{known}>{}</{known}>", "x".repeat(80))
            }),
        ),
        shape(
            "9 900 distinct sibling names",
            fill(BUDGET, MAX_ELEMENTS, |i| {
                format!("<n{i:0>45}>x</n{i:0>45}>")
            }),
        ),
        shape(
            "distinct names, each then repeated",
            fill(BUDGET, MAX_ELEMENTS, |i| {
                let n = i % (MAX_ELEMENTS / 2);
                format!("<n{n:0>45}>x</n{n:0>45}>")
            }),
        ),
        shape(
            "26-deep nesting, many times",
            fill(BUDGET, MAX_ELEMENTS / ALLOWED_DEPTH, |_| deep.clone()),
        ),
        shape(
            "32 long attributes on every element",
            fill(BUDGET, MAX_ELEMENTS, |_| format!("<e{attributes}/>")),
        ),
        shape(
            "32 namespace declarations on every element",
            fill(BUDGET, MAX_ELEMENTS, |i| {
                format!("<p{}:e{declarations}/>", i % MAX_ATTRIBUTES)
            }),
        ),
        shape(
            "one 850 KB namespace used by 9 890 elements",
            format!(
                "<l:w xmlns:l=\"{long_uri}\">{}</l:w>",
                "<l:e l:a=\"1\"/>".repeat(MAX_ELEMENTS - 10)
            ),
        ),
        shape(
            "texts at the length limit",
            fill(BUDGET, MAX_ELEMENTS, |_| {
                format!("<{known}>{}</{known}>", "x".repeat(MAX_TEXT - 100))
            }),
        ),
        shape(
            "one text of 180 000 references",
            format!("<{known}>{}</{known}>", "&amp;&#233;".repeat(180_000 / 2)),
        ),
        shape(
            "200 000 comments",
            fill(BUDGET, usize::MAX, |_| "<!--c-->".to_owned()),
        ),
        shape(
            "CDATA sections in one element",
            format!(
                "<{known}>{}</{known}>",
                "<![CDATA[x]]>".repeat(BUDGET / 13 - 10)
            ),
        ),
        shape(
            "over the element limit: 200 000 empty siblings",
            fill(BUDGET, usize::MAX, |_| "<e/>".to_owned()),
        ),
    ]
}
