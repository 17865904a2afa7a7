//! The integration tests: the real `gleaner` executable against real
//! on-disk stores, real SPARQL and real files. Golden files live in
//! `output/`; re-bless them with `GLEANER_BLESS=1 cargo test --release`.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const EXAMPLE: &str = "tests/data/belarus-2020-08-16.txt";

fn gleaner() -> Command {
    Command::cargo_bin("gleaner").unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds inputs into a fresh store; returns the temp dir (store at `dir/store`).
fn build(inputs: &[&str]) -> TempDir {
    let dir = TempDir::new().unwrap();
    let store = dir.path().join("store");
    gleaner()
        .current_dir(root())
        .arg("build")
        .args(inputs)
        .arg("--store")
        .arg(&store)
        .arg("--quiet")
        .assert()
        .success();
    dir
}

/// A folder holding a `store` folder.
struct TempDirRef<'a>(&'a Path);

trait HasStore {
    fn path(&self) -> &Path;
}

impl HasStore for TempDir {
    fn path(&self) -> &Path {
        TempDir::path(self)
    }
}

impl HasStore for TempDirRef<'_> {
    fn path(&self) -> &Path {
        self.0
    }
}

fn store_arg(dir: &dyn HasStore) -> [String; 2] {
    ["--store".into(), dir.path().join("store").display().to_string()]
}

/// Runs a command that must succeed; its standard output.
fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

fn run_ok(args: &[&str], dir: &dyn HasStore) -> String {
    stdout_of(gleaner().current_dir(root()).args(args).args(store_arg(dir)))
}

fn query(dir: &TempDir, q: &str, format: &str) -> String {
    run_ok(&["query", q, "--format", format], dir)
}

/// A CSV query against the store at `store`.
fn query_csv_at(store: &Path, q: &str) -> String {
    stdout_of(gleaner().args(["query", q, "--format", "csv", "--store"]).arg(store))
}

/// The rows of a CSV result (W3C CSV ends lines with CRLF), header first.
fn rows(csv: &str) -> Vec<&str> {
    csv.lines().map(|l| l.trim_end_matches('\r')).collect()
}

/// Compares with a golden file, or rewrites it when GLEANER_BLESS is set.
fn check_golden(path: &Path, actual: &str) {
    let path = root().join(path);
    if std::env::var_os("GLEANER_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden file {}; run GLEANER_BLESS=1 cargo test --release", path.display()));
    assert!(
        expected == actual,
        "{} differs from a rebuild; if the change is intended, run GLEANER_BLESS=1 cargo test --release",
        path.display()
    );
}

#[test]
fn example_article_persons_are_queryable() {
    let dir = build(&[EXAMPLE]);
    let csv = query(
        &dir,
        "SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name } ORDER BY ?name",
        "csv",
    );
    for name in ["Alexander Lukashenko", "Svetlana Tikhanovskaya", "Vladimir Putin", "Yury Sanko"] {
        assert!(csv.contains(name), "{name} missing from\n{csv}");
    }
    // Demonyms, weekdays and sentence-initial words are not entities.
    let labels = query(&dir, "SELECT ?l WHERE { ?e rdfs:label ?l }", "csv");
    for not in ["Belarusian", "Sunday", "Chanting", "Leave"] {
        assert!(!rows(&labels).contains(&not), "{not} should not be an entity");
    }
}

#[test]
fn example_graph_ttl_is_reproduced_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    gleaner()
        .current_dir(root())
        .args(["build", EXAMPLE, "--quiet", "--store"])
        .arg(dir.path().join("store"))
        .arg("--export")
        .arg(dir.path())
        .assert()
        .success();
    for file in ["graph.ttl", "graph.dot", "stats.txt", "stats.json"] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        check_golden(&Path::new("output").join(file), &text);
    }
    check_dot(&std::fs::read_to_string(dir.path().join("graph.dot")).unwrap());
    let svg = run_ok(&["dot", "--min-degree", "1", "--format", "svg"], &TempDirRef(dir.path()));
    check_golden(Path::new("output/graph.svg"), &svg);
}

/// Every DOT output is checked with the real Graphviz.
fn check_dot(dot: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("Graphviz `dot` must be installed (scripts/deps.sh installs it)");
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "Graphviz rejected the DOT: {}\n{dot}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "Graphviz warned: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn dot_views_render_with_graphviz() {
    let dir = build(&[EXAMPLE]);
    let views: &[&[&str]] = &[
        &[],
        &["--focus", "lukashenko", "--depth", "2"],
        &["--focus", "Alexander Lukashenko", "--depth", "1", "--relations", "supports,opposes"],
        &["--types", "Person,Place"],
        &["--min-degree", "2"],
        &["--top", "5"],
    ];
    for v in views {
        let mut args = vec!["dot"];
        args.extend_from_slice(v);
        let dot = run_ok(&args, &dir);
        assert!(dot.starts_with("digraph gleaner {"), "{v:?}");
        check_dot(&dot);
    }
    let focus = run_ok(&["dot", "--focus", "Tikhanovskaya", "--depth", "1"], &dir);
    assert!(
        focus.contains("\"Lithuania\"") && !focus.contains("\"Amnesty International\""),
        "{focus}"
    );
    let top = run_ok(&["dot", "--top", "3"], &dir);
    assert_eq!(top.lines().filter(|l| l.contains("shape=") && l.starts_with("  n")).count(), 3);
    gleaner()
        .args(["dot", "--focus", "Nobody At All"])
        .args(store_arg(&dir))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no entity is named"));
    gleaner().args(["dot", "--types", "Planet"]).args(store_arg(&dir)).assert().code(2);
}

#[test]
fn dot_escapes_quotes_backslashes_and_scripts() {
    let dir = build_with_rules(
        "[[entity]]\ntype = \"Organization\"\nname = 'Лига \"Свобода\" \\ Ltd'\naliases = [\"Svoboda League\"]\n",
        "The Svoboda League backed President Vladimir Putin on Monday.",
    );
    let dot = query_dot(&dir);
    assert!(dot.contains(r#"label="Лига \"Свобода\" \\ Ltd""#), "{dot}");
    check_dot(&dot);
    let svg = run_ok(&["dot", "--format", "svg"], &dir);
    assert!(svg.contains("<svg") && svg.contains("Свобода"));
}

fn query_dot(dir: &TempDir) -> String {
    run_ok(&["dot"], dir)
}

#[test]
fn stats_table_and_json() {
    let dir = build(&[EXAMPLE]);
    let table = run_ok(&["stats", "--top", "3"], &dir);
    assert!(
        table.contains("top by PageRank (0.85)") && table.contains("per document"),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&run_ok(&["stats", "--json", "--top", "3"], &dir)).unwrap();
    assert_eq!(json["documents"], 1);
    assert_eq!(json["pagerank"].as_array().unwrap().len(), 3);
    let total: f64 = serde_json::from_str::<serde_json::Value>(&run_ok(&["stats", "--json", "--top", "1000"], &dir)).unwrap()["pagerank"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-6, "PageRank sums to {total}");
    assert_eq!(json["per_document"][0]["id"], "belarus-2020-08-16");
}

/// A JSON Lines file in `dir` with two documents: the example article and
/// a short one naming some of its entities again.
fn two_documents(dir: &TempDir) -> std::path::PathBuf {
    let jsonl = dir.path().join("two.jsonl");
    let text = std::fs::read_to_string(root().join(EXAMPLE)).unwrap();
    let lines = [
        serde_json::json!({"id": "a", "title": "First", "text": text, "date": "2020-08-16"}),
        serde_json::json!({"id": "b", "title": "Second", "text": "President Alexander Lukashenko spoke in Minsk on Monday. Lukashenko said he would not resign."}),
    ];
    std::fs::write(&jsonl, lines.iter().map(|l| l.to_string() + "\n").collect::<String>()).unwrap();
    jsonl
}

/// A build into an empty store writes its exports from the quads it
/// loaded, `gleaner export`/`dot`/`stats` read the store: same bytes.
#[test]
fn build_exports_equal_the_stores() {
    let dir = TempDir::new().unwrap();
    let jsonl = two_documents(&dir);
    let export = dir.path().join("out");
    gleaner()
        .args(["build", "--quiet"])
        .arg(&jsonl)
        .args(store_arg(&dir))
        .arg("--export")
        .arg(&export)
        .assert()
        .success();
    let read = |f: &str| std::fs::read_to_string(export.join(f)).unwrap();
    assert_eq!(read("graph.ttl"), run_ok(&["export", "--format", "turtle"], &dir));
    assert_eq!(read("graph.dot"), run_ok(&["dot", "--min-degree", "1"], &dir));
    assert_eq!(read("stats.txt"), run_ok(&["stats"], &dir));
    assert_eq!(read("stats.json"), run_ok(&["stats", "--json"], &dir));
}

#[test]
fn building_twice_replaces_the_document() {
    let dir = build(&[EXAMPLE]);
    let count = |dir: &TempDir| query(dir, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "csv");
    let first = count(&dir);
    gleaner()
        .current_dir(root())
        .args(["build", EXAMPLE, "--quiet"])
        .args(store_arg(&dir))
        .assert()
        .success();
    assert_eq!(first, count(&dir));
    assert!(rows(&first)[1].parse::<usize>().unwrap() > 100);
}

/// A document built again with another text holds only what the new text
/// says: its graph equals that of a fresh build of the new text.
#[test]
fn a_changed_document_replaces_its_old_facts() {
    let dir = TempDir::new().unwrap();
    let text = std::fs::read_to_string(root().join(EXAMPLE)).unwrap();
    let version = |name: &str, text: &str| {
        let file = dir.path().join(name);
        let line = serde_json::json!({"id": "a", "title": "A", "text": text}).to_string() + "\n";
        std::fs::write(&file, line).unwrap();
        file
    };
    let (v1, v2) = (
        version("v1.jsonl", &text),
        version(
            "v2.jsonl",
            "President Alexander Lukashenko spoke in Minsk on Monday. He said he would not resign.",
        ),
    );
    let build_into = |store: &Path, file: &Path| {
        gleaner()
            .args(["build", "-q"])
            .arg(file)
            .arg("--store")
            .arg(store)
            .assert()
            .success();
    };
    let doc_graph = |store: &Path| -> Vec<String> {
        let nq = stdout_of(gleaner().args(["export", "--format", "nquads", "--store"]).arg(store));
        nq.lines()
            .filter(|l| l.ends_with("<https://w3id.org/gleaner/doc/a> ."))
            .map(String::from)
            .collect()
    };
    let (again, fresh) = (dir.path().join("again"), dir.path().join("fresh"));
    build_into(&again, &v1);
    let before = doc_graph(&again);
    build_into(&again, &v2);
    build_into(&fresh, &v2);
    let after = doc_graph(&again);
    assert_eq!(after, doc_graph(&fresh));
    assert!(after.len() > 10 && before.len() > 3 * after.len());
}

#[test]
fn one_node_per_entity_across_documents() {
    let dir = TempDir::new().unwrap();
    let jsonl = two_documents(&dir);
    gleaner()
        .args(["build", "--quiet"])
        .arg(&jsonl)
        .arg("--store")
        .arg(dir.path().join("store"))
        .assert()
        .success();
    let out = query(
        &dir,
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p rdfs:label \"Alexander Lukashenko\" }",
        "csv",
    );
    assert_eq!(rows(&out)[1], "1");
    let docs = query(
        &dir,
        "SELECT ?id WHERE { ?d gl:mentions ?p . ?p rdfs:label \"Alexander Lukashenko\" . ?d schema:identifier ?id } ORDER BY ?id",
        "csv",
    );
    assert_eq!(rows(&docs)[1..], ["a", "b"]);
    // Metadata of the document is in its graph.
    let meta = query(
        &dir,
        "SELECT ?t ?date WHERE { ?d schema:identifier \"a\" ; schema:headline ?t ; schema:datePublished ?date }",
        "tsv",
    );
    assert!(meta.contains("\"First\"") && meta.contains("2020-08-16"), "{meta}");
}

#[test]
fn query_formats_ask_construct_and_syntax_errors() {
    let dir = build(&[EXAMPLE]);
    let q = "SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name } ORDER BY ?name LIMIT 2";
    let json: serde_json::Value = serde_json::from_str(&query(&dir, q, "json")).unwrap();
    assert_eq!(json["head"]["vars"][0], "name");
    assert!(query(&dir, q, "xml").contains("<sparql"));
    assert!(query(&dir, q, "tsv").starts_with("?name\n"));
    let table = query(&dir, q, "table");
    assert!(table.starts_with("name") && table.contains("(2 rows)"), "{table}");
    assert_eq!(query(&dir, "ASK { ?p gl:leaderOf ?c }", "table").trim(), "yes");
    let nt = query(&dir, "CONSTRUCT { ?p gl:leaderOf ?c } WHERE { ?p gl:leaderOf ?c }", "table");
    assert!(nt.contains("<https://w3id.org/gleaner/ns#leaderOf>"));
    gleaner()
        .args(["query", "SELECT ?x WHERE { ?x ?y }"])
        .args(store_arg(&dir))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SPARQL syntax error").and(predicate::str::contains("1:")));
    let file = dir.path().join("q.rq");
    std::fs::write(&file, "SELECT ?c WHERE { ?p gl:leaderOf ?c }").unwrap();
    let out = run_ok(&["query", "--format", "csv", "--file", file.to_str().unwrap()], &dir);
    assert_eq!(rows(&out)[0], "c");
}

#[test]
fn export_formats_parse_back() {
    use oxigraph::io::{RdfFormat, RdfParser};
    let dir = build(&[EXAMPLE]);
    for (name, format) in [
        ("turtle", RdfFormat::Turtle),
        ("ntriples", RdfFormat::NTriples),
        ("nquads", RdfFormat::NQuads),
        ("trig", RdfFormat::TriG),
    ] {
        let out = run_ok(&["export", "--format", name], &dir);
        let n = RdfParser::from_format(format)
            .for_slice(out.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
            .len();
        assert!(n > 100, "{name}: {n} quads");
    }
    let file = dir.path().join("g.nq");
    run_ok(&["export", "--format", "nquads", "-o", file.to_str().unwrap()], &dir);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        run_ok(&["export", "--format", "nquads"], &dir)
    );
}

#[test]
fn provenance_walks_from_fact_to_sentence() {
    let dir = build(&[EXAMPLE]);
    let q = "SELECT ?rule ?text WHERE { ?f rdf:subject ?s ; rdf:predicate gl:founded ; gl:rule ?rule ; gl:evidence ?e . ?e gl:text ?text }";
    let out = query(&dir, q, "tsv");
    assert!(out.contains("announced the creation of a Coordination Council"), "{out}");
}

/// Builds `text` with the built-in pack plus one user rule file.
fn build_with_rules(rules_toml: &str, text: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    fixture(&rules, "mine.toml", rules_toml.as_bytes());
    let text = fixture(dir.path(), "t.txt", text.as_bytes());
    gleaner()
        .args(["build", &text, "--quiet", "--store"])
        .arg(dir.path().join("store"))
        .arg("--rules")
        .arg(&rules)
        .assert()
        .success();
    dir
}

fn fixture(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

#[test]
fn bad_inputs_are_named_skipped_and_fail_the_run() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let good = fixture(d, "good.txt", b"President Vladimir Putin spoke in Moscow on Monday.");
    let empty = fixture(d, "empty.txt", b"");
    let binary = fixture(d, "binary.txt", b"abc\0def");
    let latin1 = fixture(d, "latin1.txt", b"Caf\xe9 in Paris.");
    let jsonl = fixture(d, "corpus.jsonl", b"{\"id\":\"1\",\"text\":\"Angela Merkel met Emmanuel Macron in Berlin.\"}\n{\"id\": 2, \"text\": oops}\n{\"id\":\"3\",\"text\":\"The EU imposed sanctions on Russia.\"}\n");
    let missing = d.join("missing.txt").display().to_string();
    let store = d.join("store");
    let out = gleaner()
        .args(["build", &good, &empty, &binary, &latin1, &jsonl, &missing, "--store"])
        .arg(&store)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    for expect in [
        "empty.txt: the file is empty",
        "binary.txt: binary file",
        "latin1.txt: not valid UTF-8",
        "corpus.jsonl:2: malformed JSON",
        "missing.txt: no such file",
    ] {
        assert!(err.contains(expect), "expected {expect:?} in\n{err}");
    }
    let ids = query_csv_at(&store, "SELECT ?id WHERE { ?d schema:identifier ?id } ORDER BY ?id");
    assert_eq!(ids, "id\r\n1\r\n3\r\ngood\r\n");
}

#[test]
fn all_bad_inputs_leave_the_store_as_it_was() {
    let dir = build(&[EXAMPLE]);
    let before = run_ok(&["export", "--format", "nquads"], &dir);
    let bad = fixture(dir.path(), "bad.jsonl", b"{not json}\n");
    gleaner()
        .args(["build", &bad, "--quiet"])
        .args(store_arg(&dir))
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.jsonl:1:"));
    assert_eq!(before, run_ok(&["export", "--format", "nquads"], &dir));
}

#[test]
fn standard_input_is_an_article() {
    let dir = TempDir::new().unwrap();
    gleaner()
        .args(["build", "-", "--quiet", "--store"])
        .arg(dir.path().join("store"))
        .write_stdin("Amnesty International accused the authorities of torture, said Tony Blair.")
        .assert()
        .success();
    let out = query(&dir, "SELECT ?l WHERE { ?o a schema:Organization ; rdfs:label ?l }", "csv");
    assert!(out.contains("Amnesty International"), "{out}");
}

#[test]
fn standard_input_can_be_json_lines() {
    let dir = TempDir::new().unwrap();
    gleaner()
        .args(["build", "-", "--quiet", "--store"])
        .arg(dir.path().join("store"))
        .write_stdin(
            "\n{\"id\": \"s1\", \"text\": \"Angela Merkel visited Paris.\"}\n{\"id\": \"s2\", \"text\": \"The EU met in Brussels.\"}\n",
        )
        .assert()
        .success();
    let ids = query(&dir, "SELECT ?id WHERE { ?d schema:identifier ?id } ORDER BY ?id", "csv");
    assert_eq!(rows(&ids)[1..], ["s1", "s2"]);
}

#[test]
fn rule_errors_are_all_reported_with_positions() {
    let dir = TempDir::new().unwrap();
    fixture(dir.path(), "a.toml", b"[[entity]]\ntype = \"Planet\"\nname = \"Mars\"\n");
    fixture(
        dir.path(),
        "b.toml",
        b"[[relation]]\nid = \"x\"\npredicate = \"likes\"\npattern = \"{s} likes {o}\"\n",
    );
    let out = gleaner()
        .args(["check-rules", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("a.toml:2:8: unknown entity type \"Planet\""), "{err}");
    assert!(err.contains("b.toml:3:13: unknown predicate \"likes\""), "{err}");
    assert!(err.contains("2 error(s)"), "{err}");
}

#[test]
fn user_rules_add_to_the_builtin_pack() {
    let dir = build_with_rules(
        "[[entity]]\ntype = \"Organization\"\nname = \"Zorblax Collective\"\naliases = [\"Zorblax\"]\n",
        "Members of Zorblax met President Vladimir Putin.",
    );
    let out = query(&dir, "SELECT ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l", "csv");
    assert!(out.contains("Zorblax Collective") && out.contains("Vladimir Putin"), "{out}");
}

#[test]
fn extract_then_load_equals_build_and_ignores_thread_count() {
    let dir = TempDir::new().unwrap();
    let nq1 = gleaner()
        .current_dir(root())
        .args(["extract", EXAMPLE, "-q", "-j", "1"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let nq2 = gleaner()
        .current_dir(root())
        .args(["extract", EXAMPLE, "-q"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(nq1, nq2);
    let file = dir.path().join("x.nq");
    std::fs::write(&file, &nq1).unwrap();
    gleaner()
        .arg("load")
        .arg(&file)
        .arg("--store")
        .arg(dir.path().join("store"))
        .assert()
        .success();
    let built = build(&[EXAMPLE]);
    assert_eq!(
        run_ok(&["export", "--format", "nquads"], &dir),
        run_ok(&["export", "--format", "nquads"], &built)
    );
}

/// `gleaner load` reads N-Quads as a stream: a graph may come in parts
/// (lines interleaved with other graphs') and from standard input; loading
/// the same documents again replaces them.
#[test]
fn load_takes_graphs_in_parts_and_replaces_on_reload() {
    let dir = TempDir::new().unwrap();
    let jsonl = two_documents(&dir);
    let nq = gleaner()
        .args(["extract", "-q"])
        .arg(&jsonl)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines: Vec<&[u8]> = nq.split_inclusive(|&b| b == b'\n').collect();
    assert!(lines.len() > 100);
    // Deal the lines out round-robin over three piles: every graph is
    // split into parts, interleaved with the others.
    let mut dealt = Vec::new();
    for k in 0..3 {
        for line in lines.iter().skip(k).step_by(3) {
            dealt.extend_from_slice(line);
        }
    }
    let file = dir.path().join("dealt.nq");
    std::fs::write(&file, &dealt).unwrap();
    let whole = dir.path().join("whole.nq");
    std::fs::write(&whole, &nq).unwrap();
    let load = |arg: &Path, stdin: Option<&Path>| {
        let mut cmd = gleaner();
        cmd.arg("load").arg(arg).args(store_arg(&dir)).arg("-q");
        if let Some(f) = stdin {
            cmd.pipe_stdin(f).unwrap();
        }
        cmd.assert().success();
    };
    load(&file, None);
    let fresh = run_ok(&["export", "--format", "nquads"], &dir);
    // Into a store that holds them: parts from a file, then the whole from
    // standard input; nothing doubles, nothing is lost.
    load(&file, None);
    assert_eq!(run_ok(&["export", "--format", "nquads"], &dir), fresh);
    load(Path::new("-"), Some(&whole));
    assert_eq!(run_ok(&["export", "--format", "nquads"], &dir), fresh);
    let built = build(&[jsonl.to_str().unwrap()]);
    assert_eq!(run_ok(&["export", "--format", "nquads"], &built), fresh);
}

/// A malformed line in the middle of an N-Quads file is reported with its
/// line number and skipped; the lines around it are loaded.
#[test]
fn load_skips_a_malformed_line() {
    let dir = TempDir::new().unwrap();
    let jsonl = two_documents(&dir);
    let nq = stdout_of(gleaner().args(["extract", "-q"]).arg(&jsonl));
    let lines: Vec<&str> = nq.lines().collect();
    let middle = lines.len() / 2;
    let mut broken: Vec<&str> = lines.clone();
    broken.insert(middle, "<a> <b> \"no end .");
    let file = dir.path().join("broken.nq");
    std::fs::write(&file, broken.join("\n") + "\n").unwrap();
    gleaner()
        .arg("load")
        .arg(&file)
        .args(store_arg(&dir))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("broken.nq, line {}", middle + 1)))
        .stderr(predicate::str::contains("1 lines skipped"));
    let whole = TempDir::new().unwrap();
    gleaner()
        .arg("load")
        .arg("-")
        .args(store_arg(&whole))
        .write_stdin(nq.clone())
        .assert()
        .success();
    assert_eq!(
        run_ok(&["export", "--format", "nquads"], &dir),
        run_ok(&["export", "--format", "nquads"], &whole)
    );
}

#[test]
fn help_has_examples() {
    gleaner()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    gleaner()
        .args(["build", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("JSON Lines"));
}

#[test]
fn query_without_a_store_says_how_to_make_one() {
    let dir = TempDir::new().unwrap();
    gleaner()
        .args(["query", "ASK {}", "--store"])
        .arg(dir.path().join("nope"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("gleaner build"));
}

#[test]
fn eval_scores_the_example_and_lists_misses() {
    let out = stdout_of(
        gleaner()
            .current_dir(root())
            .args(["eval", "tests/data/belarus-2020-08-16.gold.json", EXAMPLE]),
    );
    let f1 = |kind: &str| -> f64 {
        let line = out.lines().find(|l| l.starts_with(kind)).unwrap();
        line.split("F1=").nth(1).unwrap()[..5].parse().unwrap()
    };
    assert!(f1("entities") >= 0.95, "{out}");
    assert!(f1("relations") >= 0.85, "{out}");
    assert!(f1("quotes") >= 0.90, "{out}");
    // A reference that expects something gleaner does not find lists it as missed.
    let dir = TempDir::new().unwrap();
    let gold = fixture(
        dir.path(),
        "g.json",
        br#"{"entities": [{"id": "x", "type": "Person", "names": ["Nobody Known"]}], "relations": [], "quotes": []}"#,
    );
    let out = stdout_of(gleaner().current_dir(root()).args(["eval", &gold, EXAMPLE]));
    assert!(out.contains("entity FN  \"Nobody Known\" Person"), "{out}");
    assert!(out.contains("entity FP  "), "{out}");
    let bad = fixture(dir.path(), "bad.json", b"{\"entities\": [}");
    gleaner()
        .current_dir(root())
        .args(["eval", &bad, EXAMPLE])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.json:1:"));
}

#[test]
fn eval_agrees_with_the_reference_scorer() {
    let scorer = root().join("../shared/tools/score.py");
    if !scorer.exists() || std::process::Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: ../shared/tools/score.py or python3 is not here");
        return;
    }
    let gold = "tests/data/belarus-2020-08-16.gold.json";
    let ours = gleaner()
        .current_dir(root())
        .args(["eval", gold, EXAMPLE, "--quiet"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let dir = build(&[EXAMPLE]);
    let nq = dir.path().join("g.nq");
    run_ok(&["export", "--format", "nquads", "-o", nq.to_str().unwrap()], &dir);
    let theirs = std::process::Command::new("python3")
        .current_dir(root())
        .arg(&scorer)
        .arg(gold)
        .arg(&nq)
        .output()
        .unwrap()
        .stdout;
    assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap());
}

/// A JSON Lines file of `n` copies of the example article, ids `d0`, `d1`, ...
fn copies_of_the_example(dir: &Path, n: usize) -> PathBuf {
    let text = std::fs::read_to_string(root().join(EXAMPLE)).unwrap();
    let jsonl = dir.join("many.jsonl");
    let lines: String = (0..n)
        .map(|i| serde_json::json!({"id": format!("d{i}"), "text": text}).to_string() + "\n")
        .collect();
    std::fs::write(&jsonl, lines).unwrap();
    jsonl
}

#[test]
fn a_killed_build_leaves_a_consistent_store() {
    let dir = TempDir::new().unwrap();
    let jsonl = copies_of_the_example(dir.path(), 3000);
    let store = dir.path().join("store");
    // Into a store that already has a document and into an empty one.
    for existing in [true, false] {
        let _ = std::fs::remove_dir_all(&store);
        if existing {
            gleaner()
                .current_dir(root())
                .args(["build", EXAMPLE, "-q", "--store"])
                .arg(&store)
                .assert()
                .success();
        }
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gleaner"))
            .args(["build", "-q", "-j", "1", "--store"])
            .arg(&store)
            .arg(&jsonl)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(400));
        let _ = child.kill();
        let _ = child.wait();
        let out = query_csv_at(&store, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d schema:identifier ?id }");
        let n: usize = rows(&out)[1].parse().unwrap();
        let before = usize::from(existing);
        // New documents are bulk-loaded: all of them or none, and the old one stays.
        assert!(
            n == before || n == before + 3000,
            "{n} documents after a kill (existing: {existing})"
        );
    }
}

#[test]
fn extract_stops_when_its_reader_goes_away() {
    // `gleaner extract corpus | head`: a write error ends the run (it used
    // to leave the reading thread waiting forever).
    use std::io::Read;
    let dir = TempDir::new().unwrap();
    let jsonl = copies_of_the_example(dir.path(), 2000);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gleaner"))
        .args(["extract", "-q"])
        .arg(&jsonl)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("gleaner extract still running a minute after its reader went away");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(!status.success());
}
