//! Replays the committed cargo-fuzz corpus (`fuzz/corpus/<target>/`) through the same entry
//! functions the fuzz targets call (`billing_compat::fuzzing`), so ordinary `cargo test`
//! keeps every seed and every input that once crashed (issue 8). A panic fails the test and
//! names the file.

use std::path::Path;

use billing_compat::fuzzing;

#[test]
fn every_fuzz_target_has_a_corpus_and_every_corpus_file_decodes_without_panicking() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut replayed = 0;
    for target in fuzzing::TARGETS {
        let dir = root.join(target);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("no corpus for {target} at {}: {e}", dir.display()));
        let mut files = 0;
        for entry in entries {
            let path = entry.expect("corpus entry").path();
            if !path.is_file() {
                continue;
            }
            let data = std::fs::read(&path).expect("corpus file");
            let outcome = std::panic::catch_unwind(|| fuzzing::run(target, &data));
            assert!(
                matches!(outcome, Ok(true)),
                "{target}: {} panicked",
                path.display()
            );
            files += 1;
        }
        assert!(files >= 5, "{target}: only {files} corpus files");
        replayed += files;
    }
    assert!(replayed >= 30);
}

#[test]
fn unknown_target_names_are_refused() {
    assert!(!fuzzing::run("no_such_target", b"{}"));
}
