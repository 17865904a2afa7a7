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
// reused buffers where `emit` makes one per quad (`Iris`, which keep the
// start the IRIs share), and integers written with `itoa`: `format!` costs
// several times as much, and `extract` makes hundreds of thousands of them.

pub fn doc_iri(id: &str) -> String {
    [DOC, &crate::extract::slug_id(id)].concat()
}

fn nn(iri: &str) -> NamedNode {
    NamedNode::new_unchecked(iri)
}

/// Byte to character offsets of one text: the number of characters before
/// each block of `BLOCK` bytes, then a count within the block.
struct Chars<'a> {
    bytes: &'a [u8],
    /// Characters before byte `k * BLOCK`, for each `k` up to the text's
    /// length; empty for ASCII.
    before: Vec<usize>,
}

const BLOCK: usize = 32;

impl<'a> Chars<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut before = Vec::new();
        if !text.is_ascii() {
            before.reserve(bytes.len() / BLOCK + 1);
            let mut n = 0;
            before.push(n);
            for block in bytes.chunks_exact(BLOCK) {
                n += char_starts(block);
                before.push(n);
            }
        }
        Chars { bytes, before }
    }

    fn at(&self, byte: usize) -> i64 {
        if self.before.is_empty() {
            return byte as i64;
        }
        let k = byte / BLOCK;
        (self.before[k] + char_starts(&self.bytes[k * BLOCK..byte])) as i64
    }
}

/// How many characters start in `bytes`: the bytes that are not UTF-8
/// continuation bytes (`0b10xx_xxxx`), counted without decoding.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// A predicate as an N-Quads line has it after the subject: `> <IRI> `,
/// the subject's closing bracket, the IRI and the space before the object,
/// so that writing a line copies one piece for them rather than three.
#[derive(Clone, Copy)]
struct Pred<'a>(&'a str);

impl<'a> Pred<'a> {
    fn iri(self) -> &'a str {
        &self.0[3..self.0.len() - 2]
    }
}

/// `> <{iri}> ` in an array of its length, for `pred!`.
const fn between<const N: usize>(iri: &str) -> [u8; N] {
    let iri = iri.as_bytes();
    assert!(N == iri.len() + 5);
    let mut out = [0; N];
    (out[0], out[1], out[2]) = (b'>', b' ', b'<');
    let mut i = 0;
    while i < iri.len() {
        out[3 + i] = iri[i];
        i += 1;
    }
    (out[N - 2], out[N - 1]) = (b'>', b' ');
    out
}

/// The `Pred` of a constant IRI, made at compile time.
macro_rules! pred {
    ($iri:expr) => {{
        const BYTES: [u8; $iri.len() + 5] = between($iri);
        const PRED: Pred<'static> = match std::str::from_utf8(&BYTES) {
            Ok(s) => Pred(s),
            Err(_) => panic!("an IRI is UTF-8"),
        };
        PRED
    }};
}

/// The object of a quad whose kind varies: an attribute's value.
#[derive(Clone, Copy)]
enum Obj<'a> {
    Str(&'a str),
    Int(i64),
}

/// Where a document's quads go: oxigraph quads for the store, or N-Quads
/// bytes straight away for `gleaner extract` (no intermediate terms). A
/// method per kind of object, so that writing a line needs no match.
trait Sink {
    /// The graph of the quads added next.
    fn graph(&mut self, graph: &str);
    fn iri(&mut self, s: &str, p: Pred<'_>, o: &str);
    fn lit(&mut self, s: &str, p: Pred<'_>, o: &str);
    fn int(&mut self, s: &str, p: Pred<'_>, o: i64);

    fn add(&mut self, s: &str, p: Pred<'_>, o: Obj<'_>) {
        match o {
            Obj::Str(v) => self.lit(s, p, v),
            Obj::Int(n) => self.int(s, p, n),
        }
    }
}

/// Oxigraph quads, and the graph they go to.
struct Quads {
    quads: Vec<Quad>,
    graph: GraphName,
}

impl Quads {
    fn push(&mut self, s: &str, p: Pred<'_>, o: Term) {
        self.quads
            .push(Quad::new(NamedOrBlankNode::NamedNode(nn(s)), nn(p.iri()), o, self.graph.clone()));
    }
}

impl Sink for Quads {
    fn graph(&mut self, graph: &str) {
        self.graph = GraphName::NamedNode(nn(graph));
    }

    fn iri(&mut self, s: &str, p: Pred<'_>, o: &str) {
        self.push(s, p, nn(o).into());
    }

    fn lit(&mut self, s: &str, p: Pred<'_>, o: &str) {
        self.push(s, p, Literal::new_simple_literal(o).into());
    }

    fn int(&mut self, s: &str, p: Pred<'_>, o: i64) {
        self.push(s, p, Literal::from(o).into());
    }
}

/// N-Quads bytes and the number of quads written.
struct NQuads<'o> {
    out: &'o mut Vec<u8>,
    count: usize,
    /// What follows an IRI object to the end of its line: `>`, the graph,
    /// ` .` and a newline; the same after a string and after an integer.
    after_iri: Vec<u8>,
    after_str: Vec<u8>,
    after_int: Vec<u8>,
}

impl<'o> NQuads<'o> {
    fn new(out: &'o mut Vec<u8>) -> Self {
        NQuads {
            out,
            count: 0,
            after_iri: Vec::new(),
            after_str: Vec::new(),
            after_int: Vec::new(),
        }
    }

    /// A line up to its object: `<s> <p> ` and the object's first byte.
    /// No `reserve` per line: the caller's buffer has room for many.
    fn start(&mut self, s: &str, p: Pred<'_>, open: u8) {
        self.count += 1;
        self.out.push(b'<');
        self.out.extend_from_slice(s.as_bytes());
        self.out.extend_from_slice(p.0.as_bytes());
        self.out.push(open);
    }
}

impl Sink for NQuads<'_> {
    fn graph(&mut self, graph: &str) {
        const INTEGER: &[u8] = b"\"^^<http://www.w3.org/2001/XMLSchema#integer>";
        for (after, close) in [
            (&mut self.after_iri, &b">"[..]),
            (&mut self.after_str, b"\""),
            (&mut self.after_int, INTEGER),
        ] {
            after.clear();
            after.extend_from_slice(close);
            after.extend_from_slice(b" <");
            after.extend_from_slice(graph.as_bytes());
            after.extend_from_slice(b"> .\n");
        }
    }

    fn iri(&mut self, s: &str, p: Pred<'_>, o: &str) {
        self.start(s, p, b'<');
        self.out.extend_from_slice(o.as_bytes());
        self.out.extend_from_slice(&self.after_iri);
    }

    fn lit(&mut self, s: &str, p: Pred<'_>, o: &str) {
        self.start(s, p, b'"');
        string_bytes(o, self.out);
        self.out.extend_from_slice(&self.after_str);
    }

    fn int(&mut self, s: &str, p: Pred<'_>, o: i64) {
        self.start(s, p, b'"');
        self.out.extend_from_slice(itoa::Buffer::new().format(o).as_bytes());
        self.out.extend_from_slice(&self.after_int);
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

/// IRIs that start alike, made one at a time in a reused buffer that keeps
/// the common start: each IRI writes only what follows it.
struct Iris {
    buf: String,
    start: usize,
}

impl Iris {
    fn new(start: &[&str]) -> Self {
        let buf = start.concat();
        Iris { start: buf.len(), buf }
    }

    /// The start, ready for the rest to be appended.
    fn start(&mut self) -> &mut String {
        self.buf.truncate(self.start);
        &mut self.buf
    }

    /// `{start}{rest}`.
    fn with(&mut self, rest: &str) -> &str {
        self.start().push_str(rest);
        &self.buf
    }

    /// `{start}{n}`.
    fn numbered(&mut self, n: impl itoa::Integer) -> &str {
        self.with(itoa::Buffer::new().format(n))
    }

    /// `{start}{slug(key)}`.
    fn slugged(&mut self, key: &str) -> &str {
        crate::extract::push_slug(key, self.start());
        &self.buf
    }
}

fn emit<S: Sink>(f: &DocFacts, mut w: S) -> S {
    let g = doc_iri(&f.doc.id);
    w.graph(&g);
    let chars = Chars::new(&f.doc.text);
    // The IRIs made per quad: entities (subjects, objects), relation
    // predicates, and the nodes of the document's graph.
    let (mut subject, mut object) = (Iris::new(&[ID]), Iris::new(&[ID]));
    let mut predicate = String::new();
    let node = |kind: &str| Iris::new(&[&g, "#", kind, "-"]);
    let (mut count, mut fact, mut attribute, mut quote, mut sentence) =
        (node("count"), node("fact"), node("attribute"), node("quote"), node("sentence"));

    w.iri(&g, pred!(RDF_TYPE), SCHEMA_ARTICLE);
    w.lit(&g, pred!(SCHEMA_IDENTIFIER), &f.doc.id);
    if let Some(t) = &f.doc.title {
        w.lit(&g, pred!(SCHEMA_HEADLINE), t);
    }
    if let Some(d) = &f.doc.date {
        w.lit(&g, pred!(SCHEMA_DATE_PUBLISHED), d);
    }
    if let Some(u) = &f.doc.url {
        w.lit(&g, pred!(SCHEMA_URL), u);
    }
    if let Some(s) = &f.doc.source {
        w.lit(&g, pred!(SCHEMA_PUBLISHER), s);
    }
    if let Some(c) = &f.main_country {
        w.iri(&g, pred!(GL_MAIN_COUNTRY), object.with(c));
    }

    w.graph(ENTITIES_GRAPH);
    for e in &f.entities {
        let iri = subject.with(&e.key);
        w.iri(iri, pred!(RDF_TYPE), type_iri(e.etype));
        w.lit(iri, pred!(RDFS_LABEL), &e.label);
        for a in &e.alt_labels {
            w.lit(iri, pred!(SKOS_ALT_LABEL), a);
        }
        if let Some(k) = &e.kind {
            w.lit(iri, pred!(GL_KIND), k);
        }
    }
    w.graph(&g);
    for e in &f.entities {
        let iri = object.with(&e.key);
        w.iri(&g, pred!(GL_MENTIONS), iri);
        if e.mentions > 0 {
            // A gl:MentionCount; its document is the graph it is in.
            let node = count.slugged(&e.key);
            w.iri(node, pred!(GL_ENTITY), iri);
            w.int(node, pred!(GL_MENTION_COUNT), e.mentions as i64);
        }
    }

    let mut sentences = std::collections::BTreeSet::new();
    let mut evidence = |w: &mut S, node: &str, ev: &Evidence| {
        w.lit(node, pred!(GL_RULE), &ev.rule);
        w.int(node, pred!(GL_START), chars.at(ev.span.start));
        w.int(node, pred!(GL_END), chars.at(ev.span.end));
        w.iri(node, pred!(GL_DOCUMENT), &g);
        let start = chars.at(ev.sentence.start);
        let s = sentence.numbered(start);
        w.iri(node, pred!(GL_EVIDENCE), s);
        if sentences.insert(ev.sentence) {
            w.iri(s, pred!(RDF_TYPE), GL_SENTENCE);
            w.lit(s, pred!(GL_TEXT), &f.doc.text[ev.sentence.start..ev.sentence.end]);
            w.int(s, pred!(GL_START), start);
            w.int(s, pred!(GL_END), chars.at(ev.sentence.end));
        }
    };

    let mut key_buf = String::new();
    for r in &f.relations {
        let s = subject.with(&r.subject);
        let p = Pred(joined(&mut predicate, &["> <", GL, &r.predicate, "> "]));
        let o = object.with(&r.object);
        w.iri(s, p, o);
        let key = joined(&mut key_buf, &[&r.subject, " ", &r.predicate, " ", &r.object]);
        let node = fact.slugged(key);
        statement(&mut w, node, GL_FACT, s, p);
        w.iri(node, pred!(RDF_OBJECT), o);
        evidence(&mut w, node, &r.evidence);
    }
    for (i, a) in f.attributes.iter().enumerate() {
        let s = subject.with(&a.entity);
        let (p, value) = match &a.value {
            AttributeValue::Title(t) => (pred!(GL_TITLE), Obj::Str(t)),
            AttributeValue::Age(n) => (pred!(GL_AGE), Obj::Int(i64::from(*n))),
        };
        w.add(s, p, value);
        let node = attribute.numbered(i);
        statement(&mut w, node, GL_ATTRIBUTE_FACT, s, p);
        w.add(node, pred!(RDF_OBJECT), value);
        evidence(&mut w, node, &a.evidence);
    }
    for q in &f.quotes {
        let node = quote.numbered(chars.at(q.evidence.span.start));
        w.iri(node, pred!(RDF_TYPE), SCHEMA_QUOTATION);
        w.lit(node, pred!(SCHEMA_TEXT), &q.text);
        if let Some(s) = &q.speaker {
            w.iri(node, pred!(GL_SPEAKER), object.with(s));
        }
        evidence(&mut w, node, &q.evidence);
    }
    w
}

/// A fact node's class and its reification as an `rdf:Statement` of
/// subject `s` and predicate `p` (the caller writes `rdf:object`, whose
/// kind varies).
fn statement<S: Sink>(w: &mut S, node: &str, class: &str, s: &str, p: Pred<'_>) {
    w.iri(node, pred!(RDF_TYPE), class);
    w.iri(node, pred!(RDF_TYPE), RDF_STATEMENT);
    w.iri(node, pred!(RDF_SUBJECT), s);
    w.iri(node, pred!(RDF_PREDICATE), p.iri());
}

/// Whether a byte may need escaping in a literal: controls, quote,
/// backslash, DEL, and the first byte of U+FFFE and U+FFFF (0xEF, checked
/// char by char).
fn may_escape(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\') | (b == 0x7F) | (b == 0xEF)
}

const CHUNK: usize = 16;

/// Whether any byte of a chunk `may_escape`. One flag per kind of byte,
/// each or-ed over the chunk without early exit: the compiler makes each a
/// vector compare. (`may_escape` folded over the chunk compiles to a slower
/// test of each byte against the four values at once.)
fn any_to_escape(chunk: &[u8; CHUNK]) -> bool {
    let (mut control, mut quote, mut backslash, mut del, mut ef) = (false, false, false, false, false);
    for &b in chunk {
        control |= b < 0x20;
        quote |= b == b'"';
        backslash |= b == b'\\';
        del |= b == 0x7F;
        ef |= b == 0xEF;
    }
    control | quote | backslash | del | ef
}

/// The index of the first byte that `may_escape`: a chunk at a time, then
/// byte by byte in the chunk that has one.
fn first_to_escape(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(CHUNK);
    for (i, chunk) in chunks.by_ref().enumerate() {
        if any_to_escape(chunk.try_into().expect("a whole chunk")) {
            return chunk.iter().position(|&b| may_escape(b)).map(|k| i * CHUNK + k);
        }
    }
    let rest = chunks.remainder();
    if rest.is_empty() {
        return None;
    }
    // Most literals end with no byte to escape, so the rest takes the chunk
    // test too: the last chunk's worth of bytes (the rest and bytes already
    // tested), or if the literal is shorter, the rest padded with spaces.
    let clean = match bytes.len().checked_sub(CHUNK) {
        Some(from) => !any_to_escape(bytes[from..].try_into().expect("a whole chunk")),
        None => {
            let mut padded = [b' '; CHUNK];
            padded[..rest.len()].copy_from_slice(rest);
            !any_to_escape(&padded)
        }
    };
    if clean {
        return None;
    }
    let at = bytes.len() - rest.len();
    rest.iter().position(|&b| may_escape(b)).map(|k| at + k)
}

/// A string literal, opened and escaped exactly as oxigraph's N-Quads
/// serialiser does (oxrdf `print_quoted_str`), so `extract` and `export`
/// write the same bytes.
fn string_bytes(value: &str, out: &mut Vec<u8>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nquads_writer_matches_oxigraph() {
        let g = "https://w3id.org/gleaner/doc/x";
        let s = "https://w3id.org/gleaner/id/person/a";
        // Literals shorter than a chunk, of a whole chunk, and longer, with
        // bytes to escape in the first chunk, the last partial one, or none.
        let literals = [
            "say \"hi\"\\ now\nthen\r Лука\ttab \u{1}\u{8}\u{C}\u{7F}\u{FFFF}",
            "",
            "short",
            "a \"quote\"",
            "exactly sixteen!",
            "a longer literal with no byte to escape at all",
            "a longer literal that ends with a \"quote\"",
            "Łukasz said «nie» to the end\n",
        ];
        let relation = ["> <", GL, "leaderOf", "> "].concat();
        let mut ours = Vec::new();
        let mut quads = Quads {
            quads: Vec::new(),
            graph: GraphName::DefaultGraph,
        };
        let mut writer = NQuads::new(&mut ours);
        fn write(sink: &mut impl Sink, g: &str, s: &str, literals: &[&str], relation: Pred<'_>) {
            sink.graph(g);
            for v in literals {
                sink.lit(s, pred!(RDFS_LABEL), v);
            }
            sink.add(s, pred!(GL_AGE), Obj::Int(65));
            sink.int(s, pred!(GL_START), -3);
            sink.iri(s, pred!(RDF_TYPE), SCHEMA_PERSON);
            sink.graph(ENTITIES_GRAPH);
            sink.add(s, pred!(GL_TITLE), Obj::Str("president"));
            sink.iri(s, relation, s);
        }
        write(&mut writer, g, s, &literals, Pred(&relation));
        write(&mut quads, g, s, &literals, Pred(&relation));
        let mut theirs = oxigraph::io::RdfSerializer::from_format(oxigraph::io::RdfFormat::NQuads).for_writer(Vec::new());
        for q in &quads.quads {
            theirs.serialize_quad(q).unwrap();
        }
        assert_eq!(quads.quads.len(), writer.count);
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs.finish().unwrap()).unwrap()
        );
    }

    #[test]
    fn predicates_keep_their_iri() {
        assert_eq!(pred!(RDF_TYPE).0, ["> <", RDF_TYPE, "> "].concat());
        assert_eq!(pred!(RDF_TYPE).iri(), RDF_TYPE);
    }

    #[test]
    fn character_offsets_of_non_ascii_text() {
        let text = "Łukasz said «nie» ".repeat(100);
        let chars = Chars::new(&text);
        for (c, (b, _)) in text.char_indices().enumerate() {
            assert_eq!(chars.at(b), c as i64);
        }
        assert_eq!(chars.at(text.len()), text.chars().count() as i64);
        // A text of whole blocks: its end is the start of one more.
        let text = "é".repeat(BLOCK);
        assert_eq!(Chars::new(&text).at(text.len()), BLOCK as i64);
    }
}
