//! The gazetteer: curated names (case-sensitive) and group nouns (any ASCII
//! case) found in a text, for each the leftmost-longest, non-overlapping
//! matches an unanchored Aho-Corasick scan gives. One pass over the text
//! serves both: filters of the patterns' first two, three and five bytes
//! skip the positions where none starts, and an anchored search runs only
//! where one could. It finds matches; which of them count (token
//! boundaries, sentences) is for the extractor to decide.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Match, MatchKind};

pub struct Gazetteer {
    searchers: Searchers,
    /// 1 where a pattern starts with two bytes (any byte after a one-byte
    /// pattern; group nouns in both ASCII cases), else 0: a bit to shift
    /// into a mask as it is.
    pairs: Box<[u8; 1 << 16]>,
    /// A Bloom filter of the patterns' first three bytes, likewise, two
    /// bits per slot (bit 0 names, bit 1 group nouns). Where a bit is
    /// clear no pattern of its automaton starts.
    triples: Box<Filter>,
    /// Where `triples` passes, most searches would still fail after three
    /// to five bytes, on the openings common words share with names and
    /// group nouns ("the s", "ther", "sta"). Two more filters tell these
    /// apart: `shorts` holds the first three bytes of the patterns shorter
    /// than [`OPENING`] bytes, as `triples` does, and `openings` the first
    /// `OPENING` bytes of the others. A pattern may start where one passes.
    shorts: Box<Filter>,
    openings: Box<Filter>,
}

/// How names and group nouns are searched for.
enum Searchers {
    /// An empty pattern matches everywhere: then the scans are unanchored
    /// automata.
    Unanchored { names: AhoCorasick, groups: AhoCorasick },
    /// Otherwise anchored searches where the filters let a pattern start,
    /// and an anchored longest match needs no automaton: a trie finds it,
    /// and costs a fraction of an automaton to build (no failure links;
    /// the pack is built at every start) and to search with (no search
    /// set-up per position).
    Anchored { names: Trie, groups: Trie },
}

/// The matches of [`Gazetteer::find`], each list in text order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Matches {
    pub names: Vec<Match>,
    pub groups: Vec<Match>,
}

/// Slots in each Bloom filter: few enough to stay in cache (32 KB each),
/// many enough that few positions pass by chance (the built-in gazetteer
/// fills 8 K of the 128 K slots of `triples`; a trie search where none
/// matches is cheap).
const SLOT_BITS: u32 = 17;

/// The length of the openings in [`Gazetteer::openings`]: with five bytes,
/// three trie searches in four are skipped on news text; with four, two in
/// five ("the " and "The " open many names and group nouns).
const OPENING: usize = 5;

/// A Bloom filter with one hash and two bits per slot: bit 0 names, bit 1
/// group nouns.
type Filter = [u64; 1 << (SLOT_BITS - 5)];

/// The filter slot of the three bytes opening a window.
fn slot(b0: u8, b1: u8, b2: u8) -> usize {
    let key = u32::from_le_bytes([b0, b1, b2, 0]);
    (key.wrapping_mul(0x9e37_79b1) >> (32 - SLOT_BITS)) as usize
}

/// The filter slot of the [`OPENING`] bytes opening `w`.
fn opening_slot(w: &[u8; OPENING]) -> usize {
    let mut key = [0; 8];
    key[..OPENING].copy_from_slice(w);
    (u64::from_le_bytes(key).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - SLOT_BITS)) as usize
}

/// The index of two bytes in [`Gazetteer::pairs`].
fn pair(b0: u8, b1: u8) -> usize {
    usize::from(u16::from_le_bytes([b0, b1]))
}

/// The two bits of `slot` in a Bloom filter.
fn bits(filter: &Filter, slot: usize) -> u64 {
    filter[slot >> 5] >> ((slot & 31) * 2) & 3
}

/// Sets `flag` (bit 0 or 1) for `slot` in a Bloom filter.
fn mark(filter: &mut Filter, slot: usize, flag: u64) {
    filter[slot >> 5] |= flag << ((slot & 31) * 2);
}

/// Calls `f` with each string of `N` bytes that a text where `pattern`
/// matches may open with: any byte past the pattern's end, and a letter in
/// both ASCII cases if `fold`.
fn each_opening<const N: usize>(pattern: &[u8], fold: bool, f: &mut impl FnMut(&[u8; N])) {
    fn fill<const N: usize>(pattern: &[u8], fold: bool, buf: &mut [u8; N], at: usize, f: &mut impl FnMut(&[u8; N])) {
        if at == N {
            return f(buf);
        }
        match pattern.get(at) {
            None => {
                for b in 0..=255 {
                    buf[at] = b;
                    fill(pattern, fold, buf, at + 1, f);
                }
            }
            Some(&b) => {
                buf[at] = b;
                fill(pattern, fold, buf, at + 1, f);
                if fold && b.is_ascii_alphabetic() {
                    buf[at] = b ^ 0x20;
                    fill(pattern, fold, buf, at + 1, f);
                }
            }
        }
    }
    fill(pattern, fold, &mut [0; N], 0, f);
}

impl Gazetteer {
    /// `groups` are matched in any ASCII case.
    pub fn new(names: &[String], groups: &[String]) -> Self {
        let mut pairs = Box::new([0u8; 1 << 16]);
        let filter = || Box::new([0u64; 1 << (SLOT_BITS - 5)]);
        let (mut triples, mut shorts, mut openings) = (filter(), filter(), filter());
        for (flag, patterns, fold) in [(1u64, names, false), (2, groups, true)] {
            for p in patterns.iter().map(|p| p.as_bytes()).filter(|p| !p.is_empty()) {
                each_opening(p, fold, &mut |&[b0, b1]| pairs[pair(b0, b1)] = 1);
                each_opening(p, fold, &mut |&[b0, b1, b2]| {
                    mark(&mut triples, slot(b0, b1, b2), flag);
                    if p.len() < OPENING {
                        mark(&mut shorts, slot(b0, b1, b2), flag);
                    }
                });
                if p.len() >= OPENING {
                    each_opening(p, fold, &mut |w| mark(&mut openings, opening_slot(w), flag));
                }
            }
        }
        let searchers = if names.iter().chain(groups).any(|p| p.is_empty()) {
            let build = |patterns: &[String], fold| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .ascii_case_insensitive(fold)
                    .build(patterns)
                    .expect("gazetteer automaton")
            };
            Searchers::Unanchored {
                names: build(names, false),
                groups: build(groups, true),
            }
        } else {
            Searchers::Anchored {
                names: Trie::new(names, false),
                groups: Trie::new(groups, true),
            }
        };
        Gazetteer {
            searchers,
            pairs,
            triples,
            shorts,
            openings,
        }
    }

    /// For each automaton, the matches an unanchored leftmost-longest
    /// `find_iter` gives: at the first position where some pattern matches,
    /// the longest (the first added among equals); the next search starts
    /// after it, so a match hides those that overlap it.
    pub fn find(&self, text: &str) -> Matches {
        let (names, groups) = match &self.searchers {
            Searchers::Unanchored { names, groups } => {
                return Matches {
                    names: names.find_iter(text).collect(),
                    groups: groups.find_iter(text).collect(),
                }
            }
            Searchers::Anchored { names, groups } => (names, groups),
        };
        let bytes = text.as_bytes();
        let mut found = Matches::default();
        // Where each search for the next match may start.
        let (mut names_at, mut groups_at) = (0, 0);
        let mut visit = |start: usize, may: u64| {
            if may & 1 != 0 && start >= names_at {
                if let Some(m) = names.longest_at(bytes, start) {
                    names_at = m.end();
                    found.names.push(m);
                }
            }
            if may & 2 != 0 && start >= groups_at {
                if let Some(m) = groups.longest_at(bytes, start) {
                    groups_at = m.end();
                    found.groups.push(m);
                }
            }
        };
        // The filters pass few positions, unpredictably, and they are
        // tables too big for the first-level cache: branching on each
        // position would stall on mispredictions and on one load at a time.
        // So the text goes in chunks of 64 windows: first the positions
        // past the pairs, as bits, then those past the triples, then those
        // past the shorts or the openings, each gathered without branching
        // (their loads independent, so they overlap), and only these are
        // visited, in text order.
        let windows = bytes.len().saturating_sub(2);
        let mut passed = [(0usize, 0u64); 64];
        for chunk in (0..windows).step_by(64) {
            // A whole chunk's bytes as an array, so that the loops below
            // need no bounds checks; the last chunk's padded, its windows
            // past the text masked off.
            let end = (chunk + 64).min(windows);
            let mut last = [0; 66];
            let window: &[u8; 66] = match bytes.get(chunk..chunk + 66) {
                Some(w) => w.try_into().expect("66 bytes"),
                None => {
                    last[..end + 2 - chunk].copy_from_slice(&bytes[chunk..end + 2]);
                    &last
                }
            };
            // Last window first, each shifted in at the bottom: no shift
            // by a variable count.
            let mut pairs = 0u64;
            for k in (0..64).rev() {
                pairs = pairs << 1 | u64::from(self.pairs[pair(window[k], window[k + 1])]);
            }
            pairs &= u64::MAX >> (64 - (end - chunk));
            let mut count = 0;
            while pairs != 0 {
                let k = pairs.trailing_zeros() as usize;
                pairs &= pairs - 1;
                let may = bits(&self.triples, slot(window[k], window[k + 1], window[k + 2]));
                passed[count] = (chunk + k, may);
                count += usize::from(may != 0);
            }
            let mut kept = 0;
            for i in 0..count {
                let (start, may) = passed[i];
                let may = may & self.opens(bytes, start);
                passed[kept] = (start, may);
                kept += usize::from(may != 0);
            }
            for &(start, may) in &passed[..kept] {
                visit(start, may);
            }
        }
        // The last two bytes open no window: search there anyway.
        for start in bytes.len().saturating_sub(2)..bytes.len() {
            visit(start, 3);
        }
        found
    }

    /// Which automata may have a pattern starting at `start`, by
    /// [`Gazetteer::shorts`] and [`Gazetteer::openings`] (both where fewer
    /// than [`OPENING`] bytes are left).
    fn opens(&self, bytes: &[u8], start: usize) -> u64 {
        let Some(w) = bytes.get(start..start + OPENING) else { return 3 };
        let w: &[u8; OPENING] = w.try_into().expect("OPENING bytes");
        bits(&self.shorts, slot(w[0], w[1], w[2])) | bits(&self.openings, opening_slot(w))
    }
}

/// A trie of the patterns: each node a prefix, its edges the bytes that
/// extend it (sorted), its value the first pattern added that ends there.
/// Built from the patterns sorted, breadth first, so a node's edges are
/// contiguous, and the shallow nodes, where most searches end, are
/// together. A subtree holding one pattern (or copies of it) is one node
/// with the pattern's remaining bytes, its tail: most of a name's bytes
/// are compared at once, not walked node by node through the cache.
///
/// Every node but the root is made with the edge to it, so edge `e` leads
/// to node `e + 1`: edges are their bytes only.
struct Trie {
    /// Patterns match in any ASCII case (bytes are compared lower-cased).
    fold: bool,
    nodes: Vec<Node>,
    edge_bytes: Vec<u8>,
    /// The tails of tail nodes, lower-cased if `fold`.
    tails: Vec<u8>,
    /// The root's edges as a table.
    root: Box<[u32; 256]>,
}

#[derive(Clone, Copy)]
struct Node {
    /// The node's edges: `first..first + count` in `edge_bytes`; for a
    /// tail node, its tail in `tails`.
    first: u32,
    count: u32,
    /// The pattern ending here (for a tail node, at the end of its tail),
    /// or `NO_PATTERN`.
    pattern: u32,
    tail: bool,
}

const NO_PATTERN: u32 = u32::MAX;

impl Trie {
    fn new(patterns: &[String], fold: bool) -> Self {
        let keys: Vec<std::borrow::Cow<[u8]>> = patterns
            .iter()
            .map(|p| {
                if fold {
                    p.as_bytes().to_ascii_lowercase().into()
                } else {
                    p.as_bytes().into()
                }
            })
            .collect();
        // Pattern ids sorted by their bytes, equals by id: the patterns
        // sharing a prefix are a range, the shortest first.
        let mut order: Vec<u32> = (0..patterns.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]).then(a.cmp(&b)));
        let key = |id: u32| &keys[id as usize][..];
        let node = |pattern| Node {
            first: 0,
            count: 0,
            pattern,
            tail: false,
        };
        let mut trie = Trie {
            fold,
            nodes: vec![node(NO_PATTERN)],
            edge_bytes: Vec::new(),
            tails: Vec::new(),
            root: Box::new([NO_PATTERN; 256]),
        };
        // (node, range of `order` below it, depth)
        let mut queue = std::collections::VecDeque::from([(0usize, 0usize, order.len(), 0usize)]);
        while let Some((parent, mut lo, hi, depth)) = queue.pop_front() {
            if lo < hi && key(order[lo]).len() == depth {
                trie.nodes[parent].pattern = order[lo];
                while lo < hi && key(order[lo]).len() == depth {
                    lo += 1;
                }
            }
            let first = trie.edge_bytes.len();
            while lo < hi {
                let b = key(order[lo])[depth];
                let end = lo + order[lo..hi].partition_point(|&id| key(id)[depth] == b);
                let child = trie.nodes.len();
                // Sorted, so the range holds one pattern if its ends are equal.
                if key(order[lo]) == key(order[end - 1]) {
                    let tail = &key(order[lo])[depth + 1..];
                    trie.nodes.push(Node {
                        first: trie.tails.len() as u32,
                        count: tail.len() as u32,
                        pattern: order[lo],
                        tail: true,
                    });
                    trie.tails.extend_from_slice(tail);
                } else {
                    trie.nodes.push(node(NO_PATTERN));
                    queue.push_back((child, lo, end, depth + 1));
                }
                trie.edge_bytes.push(b);
                debug_assert_eq!(child, trie.edge_bytes.len());
                lo = end;
            }
            trie.nodes[parent].first = first as u32;
            trie.nodes[parent].count = (trie.edge_bytes.len() - first) as u32;
        }
        let root = trie.nodes[0];
        for e in root.first as usize..(root.first + root.count) as usize {
            trie.root[usize::from(trie.edge_bytes[e])] = e as u32 + 1;
        }
        trie
    }

    /// The longest pattern that `text[start..]` begins with (the first
    /// added among equals), as an anchored leftmost-longest search finds
    /// it. Patterns are not empty.
    fn longest_at(&self, text: &[u8], start: usize) -> Option<Match> {
        let rest = &text[start..];
        let byte = |b: u8| if self.fold { b.to_ascii_lowercase() } else { b };
        let mut best = None;
        let &b0 = rest.first()?;
        let mut node = self.root[usize::from(byte(b0))];
        let mut depth = 1;
        while node != NO_PATTERN {
            let n = self.nodes[node as usize];
            if n.tail {
                let tail = &self.tails[n.first as usize..(n.first + n.count) as usize];
                let end = depth + tail.len();
                let same = |t: &[u8]| if self.fold { t.eq_ignore_ascii_case(tail) } else { t == tail };
                if rest.get(depth..end).is_some_and(same) {
                    best = Some(Match::must(n.pattern as usize, start..start + end));
                }
                break;
            }
            if n.pattern != NO_PATTERN {
                best = Some(Match::must(n.pattern as usize, start..start + depth));
            }
            let Some(&b) = rest.get(depth) else { break };
            let edges = n.first as usize..(n.first + n.count) as usize;
            node = match self.edge_bytes[edges.clone()].binary_search(&byte(b)) {
                Ok(k) => (edges.start + k + 1) as u32,
                Err(_) => NO_PATTERN,
            };
            depth += 1;
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), enough for test texts.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    fn unanchored(patterns: &[String], ci: bool) -> AhoCorasick {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(ci)
            .build(patterns)
            .unwrap()
    }

    fn same_matches(names: &[String], groups: &[String], text: &str) {
        let old = Matches {
            names: unanchored(names, false).find_iter(text).collect(),
            groups: unanchored(groups, true).find_iter(text).collect(),
        };
        assert_eq!(old, Gazetteer::new(names, groups).find(text), "{text:?}");
    }

    /// Random texts glued from pieces of the patterns (so that matches
    /// overlap, nest and run across word boundaries) and separators.
    fn random_texts(patterns: &[String], seed: u64, count: usize) -> Vec<String> {
        let mut rng = Rng(seed);
        let seps = [" ", " ", ", ", "-", "'s ", "", ". ", "\n", "é "];
        (0..count)
            .map(|_| {
                let mut t = String::new();
                for _ in 0..rng.below(12) {
                    let p = &patterns[rng.below(patterns.len())];
                    let cut: Vec<usize> = (0..=p.len()).filter(|&i| p.is_char_boundary(i)).collect();
                    let (a, b) = match rng.below(4) {
                        0 => (cut[rng.below(cut.len())], p.len()),
                        1 => (0, cut[rng.below(cut.len())]),
                        _ => (0, p.len()),
                    };
                    let piece = &p[a.min(b)..b];
                    let piece = match rng.below(6) {
                        0 => piece.to_lowercase(),
                        1 => piece.to_uppercase(),
                        _ => piece.to_string(),
                    };
                    t.push_str(&piece);
                    t.push_str(seps[rng.below(seps.len())]);
                }
                t
            })
            .collect()
    }

    #[test]
    fn matches_as_an_unanchored_scan_on_random_texts() {
        let patterns: Vec<String> = [
            "Georgia",
            "Georgia Tech",
            "New York",
            "New York Times",
            "York",
            "Times",
            "UK",
            "US",
            "USA",
            "Labour",
            "Labour Party",
            "Party",
            "the Hague",
            "Hague",
            "Côte d'Ivoire",
            "Ivoire",
            "EU",
            "EU",
            "labour",
            "ab",
            "a",
            "Bank",
            "Bank of England",
            "England",
            "Wales",
            "New South Wales",
            "South",
        ]
        .map(String::from)
        .to_vec();
        let lower: Vec<String> = patterns.iter().map(|p| p.to_lowercase()).collect();
        for text in random_texts(&patterns, 0x9e37_79b9_7f4a_7c15, 3000) {
            same_matches(&patterns, &lower, &text);
            same_matches(&patterns, &patterns, &text);
        }
    }

    #[test]
    fn matches_as_an_unanchored_scan_with_the_builtin_gazetteer() {
        let pack = crate::rules::RulePack::builtin().unwrap();
        let mut names = Vec::new();
        let mut groups = Vec::new();
        for e in &pack.entries {
            let all = std::iter::once(&e.name).chain(&e.aliases).chain(&e.demonyms).chain(&e.people);
            if e.etype == crate::model::EntityType::Group {
                groups.extend(all.map(|n| n.to_lowercase()));
            } else {
                names.extend(all.cloned());
            }
        }
        let both: Vec<String> = names.iter().chain(&groups).cloned().collect();
        for text in random_texts(&both, 7, 500) {
            same_matches(&names, &groups, &text);
        }
    }

    #[test]
    fn an_empty_pattern_matches_as_an_unanchored_scan() {
        let names: Vec<String> = ["", "ab", "b"].map(String::from).to_vec();
        let groups: Vec<String> = ["ab"].map(String::from).to_vec();
        for text in ["", "ab", "xaBy", "bbb"] {
            same_matches(&names, &groups, text);
        }
    }
}
