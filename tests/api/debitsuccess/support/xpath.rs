//! The XPath SoapUI's "XPath Match" assertions use in our project, evaluated over a parsed
//! tree: a prologue of `declare namespace p='uri';`, then `count(PATH)` or `PATH`, where a
//! path is `/` and `//` steps of `p:name`, `*:name` or `*`, each with an optional `[n]`,
//! optionally ending in `text()`. Anything else panics, so the project cannot quietly use
//! an assertion this replay does not understand.

use std::collections::HashMap;

use super::tree::Node;

struct Step {
    descendant: bool,
    ns: Option<Option<String>>, // None: any namespace
    local: Option<String>,      // None: any name
    position: Option<usize>,
}

/// Evaluates `expression` (with its prologue) against `document`; the text SoapUI compares.
pub fn evaluate(expression: &str, document: &Node) -> Option<String> {
    let mut prefixes = HashMap::new();
    let mut rest = expression.trim();
    while let Some(after) = rest.strip_prefix("declare namespace ") {
        let (declaration, tail) = after.split_once(';').expect("declaration ends with ;");
        let (prefix, uri) = declaration.split_once('=').expect("p='uri'");
        let uri = uri.trim().trim_matches(|c| c == '\'' || c == '"');
        prefixes.insert(prefix.trim().to_owned(), uri.to_owned());
        rest = tail.trim();
    }
    if let Some(inner) = rest
        .strip_prefix("count(")
        .and_then(|r| r.strip_suffix(')'))
    {
        return Some(select(inner, document, &prefixes).len().to_string());
    }
    let (path, text) = match rest.strip_suffix("/text()") {
        Some(path) => (path, true),
        None => (rest, false),
    };
    let nodes = select(path, document, &prefixes);
    let first = nodes.first()?;
    assert!(
        text || first.children.is_empty(),
        "XPath Match on an element with children: {rest}"
    );
    Some(first.text.clone())
}

fn parse(path: &str, prefixes: &HashMap<String, String>) -> Vec<Step> {
    let mut steps = vec![];
    let mut rest = path;
    while !rest.is_empty() {
        let descendant = rest.starts_with("//");
        rest = rest
            .strip_prefix(if descendant { "//" } else { "/" })
            .unwrap_or_else(|| panic!("a step must start with /: {path}"));
        let end = rest.find('/').unwrap_or(rest.len());
        let (token, tail) = rest.split_at(end);
        rest = tail;
        let (name, position) = match token.split_once('[') {
            Some((name, predicate)) => {
                let n = predicate
                    .strip_suffix(']')
                    .and_then(|n| n.parse().ok())
                    .expect("[n]");
                (name, Some(n))
            }
            None => (token, None),
        };
        let (ns, local) = match name.split_once(':') {
            Some(("*", local)) => (None, Some(local.to_owned())),
            Some((prefix, local)) => {
                let uri = prefixes
                    .get(prefix)
                    .unwrap_or_else(|| panic!("undeclared prefix {prefix}"));
                (Some(Some(uri.clone())), Some(local.to_owned()))
            }
            None if name == "*" => (None, None),
            None => (Some(None), Some(name.to_owned())),
        };
        steps.push(Step {
            descendant,
            ns,
            local,
            position,
        });
    }
    steps
}

fn matches(step: &Step, node: &Node) -> bool {
    step.ns.as_ref().is_none_or(|ns| *ns == node.ns)
        && step.local.as_ref().is_none_or(|l| *l == node.local)
}

/// Steps from the document node (a virtual parent of the root element), so `/r` and `//r`
/// both reach the root, and `[n]` counts among each parent's matching children.
fn select(path: &str, root: &Node, prefixes: &HashMap<String, String>) -> Vec<Node> {
    let document = Node {
        ns: None,
        local: "#document".into(),
        attrs: vec![],
        children: vec![root.clone()],
        text: String::new(),
    };
    let mut context: Vec<&Node> = vec![&document];
    for step in parse(path, prefixes) {
        let parents: Vec<&Node> = if step.descendant {
            context.iter().flat_map(|n| n.descendants()).collect()
        } else {
            context.clone()
        };
        let mut next: Vec<&Node> = vec![];
        for parent in parents {
            let children: Vec<&Node> = parent
                .children
                .iter()
                .filter(|c| matches(&step, c))
                .collect();
            let chosen: Vec<&Node> = match step.position {
                Some(n) => children.get(n - 1).copied().into_iter().collect(),
                None => children,
            };
            for node in chosen {
                if !next.iter().any(|n| std::ptr::eq(*n, node)) {
                    next.push(node);
                }
            }
        }
        // Results in document order, as XPath returns them.
        let order = document.descendants();
        next.sort_by_key(|n| order.iter().position(|o| std::ptr::eq(*o, *n)));
        context = next;
    }
    context.into_iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::super::tree;
    use super::*;

    #[test]
    fn the_subset_selects_like_xpath() {
        let doc = tree::parse(
            "<r xmlns:a=\"urn:a\"><a:n><a:c>1</a:c></a:n><a:n><a:c>2</a:c><a:c>3</a:c></a:n><c>x</c></r>",
        );
        let ns = "declare namespace q='urn:a';\n";
        let eval = |p: &str| evaluate(&format!("{ns}{p}"), &doc);
        assert_eq!(eval("//q:c").as_deref(), Some("1"));
        assert_eq!(eval("//q:n[2]/q:c[2]").as_deref(), Some("3"));
        assert_eq!(eval("count(//q:c)").as_deref(), Some("3"));
        assert_eq!(eval("count(//q:c[1])").as_deref(), Some("2"));
        assert_eq!(eval("/r/c/text()").as_deref(), Some("x"));
        assert_eq!(eval("count(/r/*)").as_deref(), Some("3"));
        assert_eq!(eval("//*:c[1]").as_deref(), Some("1"));
        assert_eq!(eval("count(//r)").as_deref(), Some("1"));
        assert_eq!(eval("//q:missing"), None);
    }
}
