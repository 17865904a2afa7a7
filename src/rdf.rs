//! Facts to RDF: the quads of one document's named graph. Entity IRIs are
//! `https://w3id.org/gleaner/id/{type}/{slug}`, a pure function of the
//! entity's type and canonical name, so graphs built apart merge by union.
//! Provenance: every relation, attribute and quotation has a fact node
//! (`gl:Fact`, also an `rdf:Statement` for relations and attributes) with
//! `gl:rule`, character offsets `gl:start`/`gl:end` and `gl:evidence`
//! pointing to a `gl:Sentence` that holds the sentence text. Entity
//! descriptions (type, label, other names, kind) go to the shared graph
//! `ENTITIES_GRAPH`, so a query over the union sees each once; everything
//! else, mention counts included, is in the document's own graph.

use crate::model::*;
use crate::vocab::*;
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};

// IRIs are joined with `concat` (one allocation of the final size), or in
// reused buffers where `emit` makes one per quad, and
// integers written with `itoa`: `format!` costs several times as much, and
// `extract` makes hundreds of thousands of them.

pub fn doc_iri(id: &str) -> String {
    [DOC, &crate::extract::slug_id(id)].concat()
}

fn nn(iri: &str) -> NamedNode {
    NamedNode::new_unchecked(iri)
}

/// Byte to character offsets of one text: checkpoints every 256
/// characters, then a short count, so long non-ASCII texts stay linear.
struct Chars<'a> {
    text: &'a str,
    /// (byte offset, character offset) pairs, increasing; empty for ASCII.
    marks: Vec<(usize, usize)>,
}

impl<'a> Chars<'a> {
    fn new(text: &'a str) -> Self {
        let marks = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(256)
                .enumerate()
                .map(|(k, (b, _))| (b, k * 256))
                .collect()
        };
        Chars { text, marks }
    }

    fn at(&self, byte: usize) -> i64 {
        if self.marks.is_empty() {
            return byte as i64;
        }
        let k = self.marks.partition_point(|&(b, _)| b <= byte) - 1;
        let (b, c) = self.marks[k];
        (c + self.text[b..byte].chars().count()) as i64
    }
}

/// The object of a quad as `document_quads` emits it.
#[derive(Clone, Copy)]
enum Obj<'a> {
    Iri(&'a str),
    Str(&'a str),
    Int(i64),
}

/// Where a document's quads go: oxigraph quads for the store, or N-Quads
/// bytes straight away for `gleaner extract` (no intermediate terms).
trait Sink {
    /// The graph of the quads added next.
    fn graph(&mut self, graph: &str);
    fn add(&mut self, s: &str, p: &str, o: Obj<'_>);
}

/// Oxigraph quads, and the graph they go to.
struct Quads {
    quads: Vec<Quad>,
    graph: GraphName,
}

impl Sink for Quads {
    fn graph(&mut self, graph: &str) {
        self.graph = GraphName::NamedNode(nn(graph));
    }

    fn add(&mut self, s: &str, p: &str, o: Obj<'_>) {
        let o: Term = match o {
            Obj::Iri(i) => nn(i).into(),
            Obj::Str(v) => Literal::new_simple_literal(v).into(),
            Obj::Int(n) => Literal::from(n).into(),
        };
        self.quads
            .push(Quad::new(NamedOrBlankNode::NamedNode(nn(s)), nn(p), o, self.graph.clone()));
    }
}

/// N-Quads bytes and the number of quads written.
struct NQuads<'o> {
    out: &'o mut Vec<u8>,
    count: usize,
    /// What ends each line: ` <graph> .` and a newline.
    tail: Vec<u8>,
}

impl<'o> NQuads<'o> {
    fn new(out: &'o mut Vec<u8>) -> Self {
        NQuads {
            out,
            count: 0,
            tail: Vec::new(),
        }
    }
}

impl Sink for NQuads<'_> {
    fn graph(&mut self, graph: &str) {
        self.tail.clear();
        self.tail.extend_from_slice(b" <");
        self.tail.extend_from_slice(graph.as_bytes());
        self.tail.extend_from_slice(b"> .\n");
    }

    fn add(&mut self, s: &str, p: &str, o: Obj<'_>) {
        const INTEGER: &[u8] = b"\"^^<http://www.w3.org/2001/XMLSchema#integer>";
        let out = &mut *self.out;
        // Room for the line (a literal's escapes aside): one check for growth.
        let object = match o {
            Obj::Iri(i) => i.len() + 2,
            Obj::Str(v) => v.len() + 2,
            Obj::Int(_) => 21 + INTEGER.len(),
        };
        out.reserve(s.len() + p.len() + object + self.tail.len() + 6);
        out.push(b'<');
        out.extend_from_slice(s.as_bytes());
        out.extend_from_slice(b"> <");
        out.extend_from_slice(p.as_bytes());
        out.extend_from_slice(b"> ");
        match o {
            Obj::Iri(i) => iri_bytes(i, out),
            Obj::Str(v) => string_bytes(v, out),
            Obj::Int(n) => {
                out.push(b'"');
                out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
                out.extend_from_slice(INTEGER);
            }
        }
        out.extend_from_slice(&self.tail);
        self.count += 1;
    }
}

struct Writer<S> {
    sink: S,
}

impl<S: Sink> Writer<S> {
    fn iri(&mut self, s: &str, p: &str, o: &str) {
        self.sink.add(s, p, Obj::Iri(o));
    }
    fn lit(&mut self, s: &str, p: &str, o: &str) {
        self.sink.add(s, p, Obj::Str(o));
    }
    fn int(&mut self, s: &str, p: &str, o: i64) {
        self.sink.add(s, p, Obj::Int(o));
    }
}

fn type_iri(t: EntityType) -> &'static str {
    match t {
        EntityType::Person => SCHEMA_PERSON,
        EntityType::Organization => SCHEMA_ORGANIZATION,
        EntityType::Place => SCHEMA_PLACE,
        EntityType::Group => GL_GROUP,
    }
}

/// All quads of one document, in a deterministic order.
pub fn document_quads(f: &DocFacts) -> Vec<Quad> {
    let graph = GraphName::DefaultGraph;
    emit(f, Quads { quads: Vec::new(), graph }).quads
}

/// The same quads as `document_quads`, appended to `out` as N-Quads;
/// returns how many.
pub fn document_nquads(f: &DocFacts, out: &mut Vec<u8>) -> usize {
    emit(f, NQuads::new(out)).count
}

/// `parts` joined in `buf`, which is reused: no allocation per IRI.
fn joined<'b>(buf: &'b mut String, parts: &[&str]) -> &'b str {
    buf.clear();
    for part in parts {
        buf.push_str(part);
    }
    buf
}

/// `{graph}#{kind}-{n}` in `buf`: a node of the document's graph numbered by `n`.
fn numbered<'b>(buf: &'b mut String, graph: &str, kind: &str, n: impl itoa::Integer) -> &'b str {
    joined(buf, &[graph, "#", kind, "-", itoa::Buffer::new().format(n)])
}

/// `{graph}#{kind}-{slug(key)}` in `buf`.
fn slugged<'b>(buf: &'b mut String, graph: &str, kind: &str, key: &str) -> &'b str {
    joined(buf, &[graph, "#", kind, "-"]);
    crate::extract::push_slug(key, buf);
    buf
}

fn emit<S: Sink>(f: &DocFacts, sink: S) -> S {
    let g = doc_iri(&f.doc.id);
    let mut w = Writer { sink };
    w.sink.graph(&g);
    let chars = Chars::new(&f.doc.text);
    // Buffers for the IRIs made per quad: subject, predicate, object, node.
    let (mut s_buf, mut p_buf, mut o_buf, mut node_buf) = (String::new(), String::new(), String::new(), String::new());

    w.iri(&g, RDF_TYPE, SCHEMA_ARTICLE);
    w.lit(&g, SCHEMA_IDENTIFIER, &f.doc.id);
    if let Some(t) = &f.doc.title {
        w.lit(&g, SCHEMA_HEADLINE, t);
    }
    if let Some(d) = &f.doc.date {
        w.lit(&g, SCHEMA_DATE_PUBLISHED, d);
    }
    if let Some(u) = &f.doc.url {
        w.lit(&g, SCHEMA_URL, u);
    }
    if let Some(s) = &f.doc.source {
        w.lit(&g, SCHEMA_PUBLISHER, s);
    }
    if let Some(c) = &f.main_country {
        w.iri(&g, GL_MAIN_COUNTRY, joined(&mut o_buf, &[ID, c]));
    }

    w.sink.graph(ENTITIES_GRAPH);
    for e in &f.entities {
        let iri = joined(&mut s_buf, &[ID, &e.key]);
        w.iri(iri, RDF_TYPE, type_iri(e.etype));
        w.lit(iri, RDFS_LABEL, &e.label);
        for a in &e.alt_labels {
            w.lit(iri, SKOS_ALT_LABEL, a);
        }
        if let Some(k) = &e.kind {
            w.lit(iri, GL_KIND, k);
        }
    }
    w.sink.graph(&g);
    for e in &f.entities {
        let iri = joined(&mut o_buf, &[ID, &e.key]);
        w.iri(&g, GL_MENTIONS, iri);
        if e.mentions > 0 {
            // A gl:MentionCount; its document is the graph it is in.
            let node = slugged(&mut node_buf, &g, "count", &e.key);
            w.iri(node, GL_ENTITY, iri);
            w.int(node, GL_MENTION_COUNT, e.mentions as i64);
        }
    }

    let mut sentences = std::collections::BTreeSet::new();
    let mut sentence_buf = String::new();
    let mut evidence = |w: &mut Writer<S>, node: &str, ev: &Evidence| {
        w.lit(node, GL_RULE, &ev.rule);
        w.int(node, GL_START, chars.at(ev.span.start));
        w.int(node, GL_END, chars.at(ev.span.end));
        w.iri(node, GL_DOCUMENT, &g);
        let s = numbered(&mut sentence_buf, &g, "sentence", chars.at(ev.sentence.start));
        w.iri(node, GL_EVIDENCE, s);
        if sentences.insert(ev.sentence) {
            w.iri(s, RDF_TYPE, GL_SENTENCE);
            w.lit(s, GL_TEXT, &f.doc.text[ev.sentence.start..ev.sentence.end]);
            w.int(s, GL_START, chars.at(ev.sentence.start));
            w.int(s, GL_END, chars.at(ev.sentence.end));
        }
    };

    let mut key_buf = String::new();
    for r in &f.relations {
        let s = joined(&mut s_buf, &[ID, &r.subject]);
        let p = joined(&mut p_buf, &[GL, &r.predicate]);
        let o = joined(&mut o_buf, &[ID, &r.object]);
        w.iri(s, p, o);
        let key = joined(&mut key_buf, &[&r.subject, " ", &r.predicate, " ", &r.object]);
        let node = slugged(&mut node_buf, &g, "fact", key);
        w.iri(node, RDF_TYPE, GL_FACT);
        w.iri(node, RDF_TYPE, RDF_STATEMENT);
        w.iri(node, RDF_SUBJECT, s);
        w.iri(node, RDF_PREDICATE, p);
        w.iri(node, RDF_OBJECT, o);
        evidence(&mut w, node, &r.evidence);
    }
    for (i, a) in f.attributes.iter().enumerate() {
        let s = joined(&mut s_buf, &[ID, &a.entity]);
        let (p, value) = match &a.value {
            AttributeValue::Title(t) => (GL_TITLE, Obj::Str(t)),
            AttributeValue::Age(n) => (GL_AGE, Obj::Int(i64::from(*n))),
        };
        w.sink.add(s, p, value);
        let node = numbered(&mut node_buf, &g, "attribute", i);
        w.iri(node, RDF_TYPE, GL_ATTRIBUTE_FACT);
        w.iri(node, RDF_TYPE, RDF_STATEMENT);
        w.iri(node, RDF_SUBJECT, s);
        w.iri(node, RDF_PREDICATE, p);
        w.sink.add(node, RDF_OBJECT, value);
        evidence(&mut w, node, &a.evidence);
    }
    for q in &f.quotes {
        let node = numbered(&mut node_buf, &g, "quote", chars.at(q.evidence.span.start));
        w.iri(node, RDF_TYPE, SCHEMA_QUOTATION);
        w.lit(node, SCHEMA_TEXT, &q.text);
        if let Some(s) = &q.speaker {
            w.iri(node, GL_SPEAKER, joined(&mut o_buf, &[ID, s]));
        }
        evidence(&mut w, node, &q.evidence);
    }
    w.sink
}

/// Whether a byte may need escaping in a literal: controls, quote,
/// backslash, DEL, and the first byte of U+FFFE and U+FFFF (0xEF, checked
/// char by char).
fn may_escape(b: u8) -> bool {
    // `|`, not `||`: no branches, so that a chunk's test vectorises.
    (b < 0x20) | (b == b'"') | (b == b'\\') | (b == 0x7F) | (b == 0xEF)
}

/// The index of the first byte that `may_escape`: 16 bytes at a time (a
/// test without early exit, which the compiler vectorises), then byte by
/// byte in the chunk that has one.
fn first_to_escape(bytes: &[u8]) -> Option<usize> {
    const CHUNK: usize = 16;
    let chunks = bytes.chunks_exact(CHUNK);
    let rest = chunks.remainder();
    for (i, chunk) in chunks.enumerate() {
        let chunk: &[u8; CHUNK] = chunk.try_into().expect("a whole chunk");
        if chunk.iter().fold(false, |any, &b| any | may_escape(b)) {
            return chunk.iter().position(|&b| may_escape(b)).map(|k| i * CHUNK + k);
        }
    }
    // The rest, padded with spaces to a whole chunk, takes the same
    // vectorised test: most literals end with no byte to escape.
    let mut last = [b' '; CHUNK];
    last[..rest.len()].copy_from_slice(rest);
    if !last.iter().fold(false, |any, &b| any | may_escape(b)) {
        return None;
    }
    let at = bytes.len() - rest.len();
    rest.iter().position(|&b| may_escape(b)).map(|k| at + k)
}

/// A string literal, quoted and escaped exactly as oxigraph's N-Quads
/// serialiser does (oxrdf `print_quoted_str`), so `extract` and `export`
/// write the same bytes.
fn string_bytes(value: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    // Runs of bytes that need no escaping are copied whole (a quotation's
    // sentence has quotes in it, and copying it char by char is slow).
    // Every byte that `may_escape` is ASCII or a lead byte: a char starts there.
    let mut rest = value;
    while let Some(k) = first_to_escape(rest.as_bytes()) {
        let (plain, tail) = rest.split_at(k);
        out.extend_from_slice(plain.as_bytes());
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            escaped_char(c, out);
        }
        rest = chars.as_str();
    }
    out.extend_from_slice(rest.as_bytes());
    out.push(b'"');
}

fn escaped_char(c: char, out: &mut Vec<u8>) {
    match c {
        '\u{8}' => out.extend_from_slice(b"\\b"),
        '\t' => out.extend_from_slice(b"\\t"),
        '\n' => out.extend_from_slice(b"\\n"),
        '\u{C}' => out.extend_from_slice(b"\\f"),
        '\r' => out.extend_from_slice(b"\\r"),
        '"' => out.extend_from_slice(b"\\\""),
        '\\' => out.extend_from_slice(b"\\\\"),
        '\0'..='\u{1F}' | '\u{7F}' | '\u{FFFE}' | '\u{FFFF}' => out.extend_from_slice(format!("\\u{:04X}", u32::from(c)).as_bytes()),
        _ => {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
}

fn iri_bytes(iri: &str, out: &mut Vec<u8>) {
    out.push(b'<');
    out.extend_from_slice(iri.as_bytes());
    out.push(b'>');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nquads_writer_matches_oxigraph() {
        let g = "https://w3id.org/gleaner/doc/x";
        let s = "https://w3id.org/gleaner/id/person/a";
        let objects = [
            (
                RDFS_LABEL,
                Obj::Str("say \"hi\"\\ now\nthen\r Лука\ttab \u{1}\u{8}\u{C}\u{7F}\u{FFFF}"),
            ),
            (GL_AGE, Obj::Int(65)),
            (RDF_TYPE, Obj::Iri(SCHEMA_PERSON)),
        ];
        let mut ours = Vec::new();
        let mut quads = Quads {
            quads: Vec::new(),
            graph: GraphName::DefaultGraph,
        };
        let mut writer = NQuads::new(&mut ours);
        writer.graph(g);
        quads.graph(g);
        for (p, o) in objects {
            writer.add(s, p, o);
            quads.add(s, p, o);
        }
        let mut theirs = oxigraph::io::RdfSerializer::from_format(oxigraph::io::RdfFormat::NQuads).for_writer(Vec::new());
        for q in &quads.quads {
            theirs.serialize_quad(q).unwrap();
        }
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs.finish().unwrap()).unwrap()
        );
    }

    #[test]
    fn character_offsets_of_non_ascii_text() {
        let text = "Łukasz said «nie» ".repeat(100);
        let chars = Chars::new(&text);
        for (c, (b, _)) in text.char_indices().enumerate() {
            assert_eq!(chars.at(b), c as i64);
        }
        assert_eq!(chars.at(text.len()), text.chars().count() as i64);
    }
}
