//! Criterion benchmarks of each pipeline stage on fixed inputs (the example
//! article): text analysis, full extraction, RDF generation. End-to-end
//! corpus timings are in `benches/corpus.sh`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gleaner::model::Document;
use gleaner::rules::RulePack;

fn example() -> Document {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/belarus-2020-08-16.txt")).unwrap();
    Document {
        id: "belarus-2020-08-16".into(),
        text,
        ..Document::default()
    }
}

fn stages(c: &mut Criterion) {
    let pack = RulePack::builtin().unwrap();
    let doc = example();
    let mut g = c.benchmark_group("example-article");
    g.throughput(Throughput::Bytes(doc.text.len() as u64));
    g.bench_function("rules-load", |b| b.iter(|| RulePack::builtin().unwrap()));
    g.bench_function("text-analyse", |b| b.iter(|| gleaner::text::analyse(&doc.text, &pack.text)));
    g.bench_function("extract", |b| b.iter(|| gleaner::extract::extract(&doc, &pack)));
    let facts = gleaner::extract::extract(&doc, &pack);
    g.bench_function("rdf-quads", |b| b.iter(|| gleaner::rdf::document_quads(&facts)));
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
