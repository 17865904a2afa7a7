//! A dataset held compactly, for the exports: each distinct term once,
//! each quad as four indexes into the terms. A corpus repeats its terms
//! (graph names, predicates, entities) in almost every quad, so this holds
//! a build's quads in a fraction of the memory of owned quads, and sorts
//! them as integers: every term is ranked once in N-Triples order, and a
//! quad sorts as its ranks.

use hashbrown::HashTable;
use oxigraph::model::{GraphNameRef, NamedNodeRef, NamedOrBlankNodeRef, QuadRef, Term, TermRef, TripleRef};
use std::cmp::Ordering;
use std::hash::BuildHasher;

#[derive(Default)]
pub struct Dataset {
    terms: Vec<Term>,
    /// Indexes into `terms`, found by the term's hash.
    index: HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
    /// Graph name, subject, predicate, object; the graph is [`DEFAULT`] for
    /// the default graph.
    quads: Vec<[u32; 4]>,
}

/// The graph index of a quad in the default graph.
const DEFAULT: u32 = u32::MAX;

impl Dataset {
    /// Adds a quad (again, if it is there already: sorting drops repeats).
    pub fn insert(&mut self, q: QuadRef<'_>) {
        let graph = match q.graph_name {
            GraphNameRef::NamedNode(n) => self.intern(n.into()),
            GraphNameRef::BlankNode(b) => self.intern(b.into()),
            GraphNameRef::DefaultGraph => DEFAULT,
        };
        let quad = [
            graph,
            self.intern(q.subject.into()),
            self.intern(q.predicate.into()),
            self.intern(q.object),
        ];
        self.quads.push(quad);
    }

    /// The index of a term, added if new.
    fn intern(&mut self, t: TermRef<'_>) -> u32 {
        let hash = self.hasher.hash_one(t);
        let (terms, hasher) = (&self.terms, &self.hasher);
        let entry = self.index.entry(
            hash,
            |&i| terms[i as usize].as_ref() == t,
            |&i| hasher.hash_one(terms[i as usize].as_ref()),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(e) => *e.get(),
            hashbrown::hash_table::Entry::Vacant(e) => {
                let i = u32::try_from(self.terms.len()).expect("fewer than 2^32 distinct terms");
                e.insert(i);
                self.terms.push(t.into_owned());
                i
            }
        }
    }

    /// Quads added, repeats included.
    pub fn len(&self) -> usize {
        self.quads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.quads.is_empty()
    }

    /// The quads in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = QuadRef<'_>> + '_ {
        self.quads.iter().map(|q| self.quad(q))
    }

    fn quad(&self, &[g, s, p, o]: &[u32; 4]) -> QuadRef<'_> {
        let graph = match g {
            DEFAULT => GraphNameRef::DefaultGraph,
            g => match self.terms[g as usize].as_ref() {
                TermRef::NamedNode(n) => n.into(),
                TermRef::BlankNode(b) => b.into(),
                TermRef::Literal(_) => unreachable!("graph names are IRIs or blank nodes"),
            },
        };
        QuadRef::new(self.subject(s), self.predicate(p), self.terms[o as usize].as_ref(), graph)
    }

    fn subject(&self, i: u32) -> NamedOrBlankNodeRef<'_> {
        match self.terms[i as usize].as_ref() {
            TermRef::NamedNode(n) => n.into(),
            TermRef::BlankNode(b) => b.into(),
            TermRef::Literal(_) => unreachable!("subjects are IRIs or blank nodes"),
        }
    }

    fn predicate(&self, i: u32) -> NamedNodeRef<'_> {
        match self.terms[i as usize].as_ref() {
            TermRef::NamedNode(n) => n,
            _ => unreachable!("predicates are IRIs"),
        }
    }

    /// Each term's rank when all are sorted as their N-Triples forms, and
    /// the terms in that order. No form is a prefix of another followed by
    /// a space, so triples and quads sort as their lines when they sort
    /// term by term, by rank.
    fn ranks(&self) -> (Vec<u32>, Vec<u32>) {
        // Each term's form as pieces, written out only for the rare terms
        // that are not an IRI or a literal without escapes or language.
        let parts: Vec<Option<[&[u8]; 5]>> = self.terms.iter().map(|t| nt_parts(t.as_ref())).collect();
        let written: Vec<Option<String>> = self
            .terms
            .iter()
            .zip(&parts)
            .map(|(t, p)| p.is_none().then(|| t.to_string()))
            .collect();
        let forms: Vec<[&[u8]; 5]> = parts
            .into_iter()
            .zip(&written)
            .map(|(p, w)| p.unwrap_or_else(|| [w.as_deref().unwrap_or_default().as_bytes(), b"", b"", b"", b""]))
            .collect();
        let mut by_rank: Vec<u32> = (0..self.terms.len() as u32).collect();
        by_rank.sort_unstable_by(|&a, &b| cmp_concat(&forms[a as usize], &forms[b as usize]));
        let mut rank = vec![0; self.terms.len()];
        for (r, &i) in by_rank.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        (rank, by_rank)
    }

    /// The distinct quads sorted as their N-Quads lines (graph first, as
    /// written: the default graph as `DEFAULT`).
    pub fn sorted_quads(&self) -> impl Iterator<Item = QuadRef<'_>> + '_ {
        let (rank, by_rank) = self.ranks();
        // Graph keys keep the default graph where `DEFAULT` sorts among the
        // forms of graph names: after every `<IRI>`, before every `_:blank`
        // (and literals, which are never graph names, sort first).
        let before_blanks = self.terms.iter().filter(|t| !matches!(t, Term::BlankNode(_))).count() as u64;
        let mut keyed: Vec<[u64; 2]> = self
            .quads
            .iter()
            .map(|&[g, s, p, o]| {
                let g = if g == DEFAULT {
                    2 * before_blanks
                } else {
                    2 * u64::from(rank[g as usize]) + 1
                };
                [
                    g << 32 | u64::from(rank[s as usize]),
                    u64::from(rank[p as usize]) << 32 | u64::from(rank[o as usize]),
                ]
            })
            .collect();
        keyed.sort_unstable();
        keyed.dedup();
        keyed.into_iter().map(move |[gs, po]| {
            let g = (gs >> 32) as u32;
            let g = if g % 2 == 0 { DEFAULT } else { by_rank[(g / 2) as usize] };
            let term = |r: u64| by_rank[r as u32 as usize];
            self.quad(&[g, term(gs), term(po >> 32), term(po)])
        })
    }

    /// The triples of all graphs, each once, sorted as their N-Triples lines.
    pub fn sorted_triples(&self) -> impl Iterator<Item = TripleRef<'_>> + '_ {
        let (rank, by_rank) = self.ranks();
        let mut keyed: Vec<[u32; 3]> = self
            .quads
            .iter()
            .map(|&[_, s, p, o]| [rank[s as usize], rank[p as usize], rank[o as usize]])
            .collect();
        keyed.sort_unstable();
        keyed.dedup();
        keyed.into_iter().map(move |[s, p, o]| {
            let [s, p, o] = [s, p, o].map(|r| by_rank[r as usize]);
            TripleRef::new(self.subject(s), self.predicate(p), self.terms[o as usize].as_ref())
        })
    }
}

impl<'a> FromIterator<QuadRef<'a>> for Dataset {
    fn from_iter<I: IntoIterator<Item = QuadRef<'a>>>(quads: I) -> Self {
        let mut d = Dataset::default();
        for q in quads {
            d.insert(q);
        }
        d
    }
}

/// The N-Triples form of an IRI or of a literal without language tag and
/// without a character to escape, as the pieces it is made of.
fn nt_parts(t: TermRef<'_>) -> Option<[&[u8]; 5]> {
    match t {
        TermRef::NamedNode(n) => Some([b"<", n.as_str().as_bytes(), b">", b"", b""]),
        TermRef::Literal(l) if l.language().is_none() && !l.value().bytes().any(|b| matches!(b, 0..=0x1F | b'"' | b'\\' | 0x7F | 0xEF)) => {
            let value = l.value().as_bytes();
            if l.datatype() == oxigraph::model::vocab::xsd::STRING {
                Some([b"\"", value, b"\"", b"", b""])
            } else {
                Some([b"\"", value, b"\"^^<", l.datatype().as_str().as_bytes(), b">"])
            }
        }
        _ => None,
    }
}

/// Compares the concatenations of two lists of byte strings.
fn cmp_concat(a: &[&[u8]], b: &[&[u8]]) -> Ordering {
    let (mut a, mut b) = (
        a.iter().copied().filter(|p| !p.is_empty()),
        b.iter().copied().filter(|p| !p.is_empty()),
    );
    let (mut x, mut y) = (a.next().unwrap_or_default(), b.next().unwrap_or_default());
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let n = x.len().min(y.len());
        match x[..n].cmp(&y[..n]) {
            Ordering::Equal => {}
            o => return o,
        }
        (x, y) = (&x[n..], &y[n..]);
        if x.is_empty() {
            x = a.next().unwrap_or_default();
        }
        if y.is_empty() {
            y = b.next().unwrap_or_default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, GraphName, Literal, NamedNode, Quad};

    fn terms() -> Vec<Term> {
        vec![
            NamedNode::new_unchecked("http://a.example/x").into(),
            NamedNode::new_unchecked("http://a.example/x#1").into(),
            NamedNode::new_unchecked("http://a.example/x-1").into(),
            NamedNode::new_unchecked("http://a.example/").into(),
            Literal::new_simple_literal("12").into(),
            Literal::from(12).into(),
            Literal::from(1).into(),
            Literal::new_simple_literal("1").into(),
            Literal::new_simple_literal("say \"hi\"").into(),
            Literal::new_simple_literal("say").into(),
            Literal::new_simple_literal("line\nnext").into(),
            Literal::new_simple_literal("line").into(),
            Literal::new_language_tagged_literal_unchecked("x", "en").into(),
            Literal::new_simple_literal("x").into(),
        ]
    }

    /// Sorted quads and triples come out as their lines sort, each once,
    /// whatever the order they went in (terms: IRIs one the prefix of
    /// another, literals before IRIs, typed after plain, escapes, language
    /// tags); every quad comes back as it went in.
    #[test]
    fn sorted_as_lines_each_once() {
        let nodes: Vec<NamedNode> = [
            "http://a.example/x",
            "http://a.example/x-1",
            "http://a.example/",
            "http://a.example/x#1",
        ]
        .into_iter()
        .map(NamedNode::new_unchecked)
        .collect();
        let graphs: Vec<GraphName> = vec![
            nodes[0].clone().into(),
            nodes[2].clone().into(),
            GraphName::DefaultGraph,
            BlankNode::new_unchecked("b1").into(),
        ];
        let mut quads = Vec::new();
        for (i, o) in terms().into_iter().enumerate() {
            for (j, g) in graphs.iter().enumerate() {
                let s = nodes[(i + j) % nodes.len()].clone();
                let p = nodes[(i * 3 + j) % nodes.len()].clone();
                quads.push(Quad::new(s, p, o.clone(), g.clone()));
            }
        }
        let repeated: Vec<Quad> = quads.iter().chain(quads.iter().rev()).cloned().collect();
        let d: Dataset = repeated.iter().map(Quad::as_ref).collect();
        assert_eq!(d.len(), repeated.len());
        assert!(d.iter().zip(&repeated).all(|(a, b)| a == b.as_ref()));

        let mut lines: Vec<String> = quads
            .iter()
            .map(|q| format!("{} {} {} {}", q.graph_name, q.subject, q.predicate, q.object))
            .collect();
        lines.sort();
        lines.dedup();
        let got: Vec<String> = d
            .sorted_quads()
            .map(|q| format!("{} {} {} {}", q.graph_name, q.subject, q.predicate, q.object))
            .collect();
        assert_eq!(got, lines);

        let mut lines: Vec<String> = quads
            .iter()
            .map(|q| format!("{} {} {}", q.subject, q.predicate, q.object))
            .collect();
        lines.sort();
        lines.dedup();
        let got: Vec<String> = d.sorted_triples().map(|t| t.to_string()).collect();
        assert_eq!(got, lines);
    }
}
