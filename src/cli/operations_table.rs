//! The documented settings are the real ones (issue 14, item 8): every `serve` flag is a row
//! of docs/operations.md's "Configuration" table with its variable and default, every row is
//! a flag, `--help` explains each default, and every flag the other pages name exists.

use std::collections::BTreeMap;

use clap::{ArgAction, CommandFactory};

use super::Cli;

const OPERATIONS: &str = include_str!("../../docs/operations.md");

/// Pages that describe running the service today. docs/design.md is left out: it is the
/// specification and names flags still to come in its "Not yet so" notes.
const PAGES: [(&str, &str); 9] = [
    ("README.md", include_str!("../../README.md")),
    ("CONTRIBUTING.md", include_str!("../../CONTRIBUTING.md")),
    ("docs/operations.md", OPERATIONS),
    (
        "docs/architecture.md",
        include_str!("../../docs/architecture.md"),
    ),
    (
        "docs/debitsuccess.md",
        include_str!("../../docs/debitsuccess.md"),
    ),
    ("docs/flolive.md", include_str!("../../docs/flolive.md")),
    ("docs/crmcom.md", include_str!("../../docs/crmcom.md")),
    (
        "docs/billing-care.md",
        include_str!("../../docs/billing-care.md"),
    ),
    ("docs/verizon.md", include_str!("../../docs/verizon.md")),
];

/// One row of the table: variable and default, by flag.
struct Row {
    variable: String,
    default: String,
}

/// The rows of the table under `## Configuration` whose first cell is a flag.
fn table() -> BTreeMap<String, Row> {
    let section = OPERATIONS
        .split("\n## ")
        .find(|s| s.starts_with("Configuration\n"))
        .expect("docs/operations.md has a Configuration section");
    let mut rows = BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with("| `--")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let unquote = |cell: &str| cell.trim_matches('`').to_owned();
        let flag = unquote(cells[1]);
        let row = Row {
            variable: unquote(cells[2]),
            default: cells[3].to_owned(),
        };
        assert!(
            rows.insert(flag.clone(), row).is_none(),
            "{flag} has two rows"
        );
    }
    assert!(rows.len() > 10, "the table was not found");
    rows
}

/// Every `serve` argument but `--help`.
fn serve() -> clap::Command {
    let mut cli = Cli::command();
    cli.build();
    cli.find_subcommand("serve").unwrap().clone()
}

fn is_switch(arg: &clap::Arg) -> bool {
    matches!(arg.get_action(), ArgAction::SetTrue)
}

fn arguments() -> Vec<clap::Arg> {
    serve()
        .get_arguments()
        .filter(|a| a.get_id() != "help")
        .cloned()
        .collect()
}

fn long(arg: &clap::Arg) -> String {
    format!(
        "--{}",
        arg.get_long().expect("every serve argument is a long flag")
    )
}

#[test]
fn every_serve_flag_is_in_the_configuration_table_with_its_variable_and_default() {
    let table = table();
    for arg in arguments() {
        let flag = long(&arg);
        let row = table
            .get(&flag)
            .unwrap_or_else(|| panic!("{flag} is missing from docs/operations.md's table"));
        let env = arg.get_env().expect("every flag has a variable");
        assert_eq!(row.variable, env.to_str().unwrap(), "{flag}'s variable");
        let defaults = arg.get_default_values();
        if is_switch(&arg) {
            assert_eq!(row.default, "off", "{flag}'s default");
        } else if let [default] = defaults {
            let default = format!("`{}`", default.to_str().unwrap());
            assert!(
                row.default.starts_with(&default),
                "{flag}: the table says {} where the default is {default}",
                row.default
            );
        }
    }
}

#[test]
fn every_row_of_the_configuration_table_is_a_serve_flag() {
    let flags: Vec<String> = arguments().iter().map(long).collect();
    for flag in table().keys() {
        assert!(
            flags.contains(flag),
            "docs/operations.md lists {flag}, which serve does not have"
        );
    }
}

#[test]
fn every_flag_the_pages_name_exists() {
    let mut known: Vec<String> = arguments().iter().map(long).collect();
    known.push("--help".into());
    // Other tools' flags the pages name: cargo test's.
    known.push("--include-ignored".into());
    // `user digest`'s own (docs/operations.md "WS-Security digest secrets").
    let mut cli = Cli::command();
    let digest = cli
        .find_subcommand_mut("user")
        .and_then(|user| user.find_subcommand_mut("digest"))
        .expect("the user digest command");
    known.extend(
        digest
            .get_arguments()
            .filter_map(|a| a.get_long())
            .map(|l| format!("--{l}")),
    );
    for (page, text) in PAGES {
        for mention in text.split("`--").skip(1) {
            let flag: String = mention
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            // "`-- --include-ignored`": cargo's separator, not a flag of ours.
            if flag.is_empty() {
                continue;
            }
            assert!(
                known.contains(&format!("--{flag}")),
                "{page} names --{flag}, which serve does not have"
            );
        }
    }
}

#[test]
fn help_explains_every_default() {
    for arg in arguments() {
        let flag = long(&arg);
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        let defaults = arg.get_default_values();
        if is_switch(&arg) {
            assert!(help.contains("Default: off"), "{flag}: {help}");
        } else if defaults.is_empty() {
            // No value by default: the help says what happens then.
            assert!(help.contains("Default: "), "{flag}: {help}");
        } else if defaults.iter().any(|d| d == "0") {
            // A zero that means something else ("one per core", "no limit") says so.
            assert!(help.contains("0 means"), "{flag}: {help}");
        }
        assert!(!help.is_empty(), "{flag} has no help");
    }
}
