//! The token pattern language of relation and reference rules.
//!
//! A pattern is a space-separated sequence of elements, matched against the
//! items of one sentence, where an item is a token or a whole entity mention:
//!
//! | element            | matches                                                       |
//! |--------------------|---------------------------------------------------------------|
//! | `ruled`            | the token, case-insensitively                                 |
//! | `fled\|flew\|went`  | one of the tokens                                             |
//! | `[has\|had]`        | optionally one of the tokens (also `[@class]`)                 |
//! | `!not`             | one token that is not `not` (`!not\|never` for several)        |
//! | `@speech`          | one token from the lexicon list `speech`                       |
//! | `#`                | one number token                                               |
//! | `*3`               | a gap of 0 to 3 items (tokens or mentions)                     |
//! | `{s:Person}`       | a mention bound to the subject; types: Person, Organization,   |
//! |                    | Place, Group, actor (any of them), `A\|B` for several; a       |
//! |                    | `:kind` suffix restricts the curated kind (`Place:country`),   |
//! |                    | `:demonym` matches a demonym ("Belarusian") of a place          |
//! | `{o:Place}`        | the same, bound to the object                                  |
//!
//! The matcher is a small backtracking interpreter; patterns are short.

use crate::model::EntityType;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Subject,
    Object,
}

/// Interned lower-case word; `NONE` for words no rule mentions.
pub type Sym = u32;
pub const NONE: Sym = u32::MAX;

/// What the parser needs from the pack: word interning and lexicon lists.
pub trait Symbols {
    fn intern(&mut self, word: &str) -> Sym;
    /// The bit of a lexicon list, if it exists.
    fn class(&self, name: &str) -> Option<u32>;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Elem {
    Lit(Vec<Sym>),
    Not(Vec<Sym>),
    Class(u32),
    Number,
    Opt(Box<Elem>),
    Gap(usize),
    /// A gap of 0 to N lower-case words (or hyphens): "oil and gas".
    WordGap(usize),
    Slot(Slot),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub role: Role,
    /// Empty means any actor type.
    pub types: Vec<EntityType>,
    pub kind: Option<String>,
    pub demonym: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pub source: String,
    pub elems: Vec<Elem>,
    /// Words the pattern cannot match without: for each mandatory literal,
    /// its alternatives (a quick test before matching a sentence).
    required: Vec<Vec<Sym>>,
    /// Lexicon lists a token of the sentence must be in, as bits.
    required_classes: u64,
    /// For each slot, the kinds of mention it takes ([`mention_bit`]).
    required_mentions: Vec<u8>,
}

/// A syntax error at a byte column of the pattern string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub column: usize,
    pub message: String,
}

impl Pattern {
    pub fn parse(src: &str, syms: &mut dyn Symbols) -> Result<Pattern, PatternError> {
        let mut elems = Vec::new();
        let mut pos = 0;
        for word in src.split(' ') {
            let col = pos;
            pos += word.len() + 1;
            if word.is_empty() {
                continue;
            }
            let err = |m: String| PatternError { column: col, message: m };
            elems.push(parse_elem(word, syms).map_err(err)?);
        }
        if elems.is_empty() {
            return Err(PatternError {
                column: 0,
                message: "empty pattern; expected tokens and slots such as `{s:Person} fled to {o:Place}`".into(),
            });
        }
        let gap = |e: Option<&Elem>| matches!(e, Some(Elem::Gap(_) | Elem::WordGap(_)));
        if gap(elems.first()) || gap(elems.last()) {
            return Err(PatternError {
                column: 0,
                message: "a pattern cannot start or end with a gap `*N` or `~N`".into(),
            });
        }
        let required = elems
            .iter()
            .filter_map(|e| if let Elem::Lit(a) = e { Some(a.clone()) } else { None })
            .collect();
        let required_classes = elems
            .iter()
            .filter_map(|e| if let Elem::Class(c) = e { Some(1u64 << c) } else { None })
            .fold(0, |a, b| a | b);
        let required_mentions = elems
            .iter()
            .filter_map(|e| if let Elem::Slot(slot) = e { Some(slot.mentions()) } else { None })
            .collect();
        Ok(Pattern {
            source: src.to_string(),
            elems,
            required,
            required_classes,
            required_mentions,
        })
    }

    /// Words of which the sentence must hold one for the pattern to match:
    /// the alternatives of its most telling mandatory literal (the one whose
    /// shortest alternative is longest: "executive" rather than "," or "of");
    /// empty when it has none.
    pub fn triggers<'w>(&self, word: impl Fn(Sym) -> &'w str) -> &[Sym] {
        self.trigger_literal(word).map_or(&[], |k| self.required[k].as_slice())
    }

    /// The position in `required` of the literal [`Pattern::triggers`] gives.
    fn trigger_literal<'w>(&self, word: impl Fn(Sym) -> &'w str) -> Option<usize> {
        let telling = |alts: &Vec<Sym>| alts.iter().map(|&a| word(a).chars().count()).min().unwrap_or(0);
        self.required
            .iter()
            .enumerate()
            .max_by_key(|(_, alts)| telling(alts))
            .map(|(k, _)| k)
    }

    pub fn has_slot(&self, role: Role) -> bool {
        self.elems.iter().any(|e| matches!(e, Elem::Slot(s) if s.role == role))
    }
}

fn parse_elem(word: &str, syms: &mut dyn Symbols) -> Result<Elem, String> {
    if let Some(inner) = word.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or_else(|| format!("`{word}`: unclosed `[`; expected `[word]` or `[a|b]`"))?;
        let e = parse_elem(inner, syms)?;
        if matches!(e, Elem::Gap(_) | Elem::WordGap(_) | Elem::Opt(_) | Elem::Slot(_)) {
            return Err(format!("`{word}`: only tokens, `@class` and `#` can be optional"));
        }
        return Ok(Elem::Opt(Box::new(e)));
    }
    if let Some(inner) = word.strip_prefix('{') {
        let inner = inner
            .strip_suffix('}')
            .ok_or_else(|| format!("`{word}`: unclosed `{{`; expected `{{s:Person}}`"))?;
        return parse_slot(inner).map(Elem::Slot);
    }
    if let Some(n) = word.strip_prefix('*') {
        let n: usize = n.parse().map_err(|_| format!("`{word}`: expected a gap like `*3`"))?;
        if n == 0 || n > 12 {
            return Err(format!("`{word}`: a gap must be between 1 and 12"));
        }
        return Ok(Elem::Gap(n));
    }
    if let Some(n) = word.strip_prefix('~') {
        let n: usize = n
            .parse()
            .map_err(|_| format!("`{word}`: expected a gap of lower-case words like `~3`"))?;
        if n == 0 || n > 12 {
            return Err(format!("`{word}`: a gap must be between 1 and 12"));
        }
        return Ok(Elem::WordGap(n));
    }
    if word == "#" {
        return Ok(Elem::Number);
    }
    if let Some(c) = word.strip_prefix('@') {
        let bit = syms
            .class(c)
            .ok_or_else(|| format!("`{word}`: no lexicon list named `{c}`; define it under [lexicon]"))?;
        return Ok(Elem::Class(bit));
    }
    if let Some(w) = word.strip_prefix('!') {
        return Ok(Elem::Not(alternatives(w, word, syms)?));
    }
    Ok(Elem::Lit(alternatives(word, word, syms)?))
}

fn alternatives(s: &str, word: &str, syms: &mut dyn Symbols) -> Result<Vec<Sym>, String> {
    let alts: Vec<String> = s.split('|').map(|a| a.to_lowercase()).collect();
    if alts.iter().any(|a| a.is_empty() || a.contains(['[', ']', '{', '}'])) {
        return Err(format!("`{word}`: empty or malformed alternative"));
    }
    Ok(alts.iter().map(|a| syms.intern(a)).collect())
}

fn parse_slot(inner: &str) -> Result<Slot, String> {
    let mut parts = inner.splitn(3, ':');
    let role = match parts.next() {
        Some("s") => Role::Subject,
        Some("o") => Role::Object,
        other => return Err(format!("`{{{inner}}}`: slot role {:?}; expected `s` or `o`", other.unwrap_or(""))),
    };
    let types_src = parts.next().unwrap_or("actor");
    let mut types = Vec::new();
    for t in types_src.split('|') {
        if t == "actor" {
            continue;
        }
        types.push(
            EntityType::parse(t)
                .ok_or_else(|| format!("`{{{inner}}}`: unknown type `{t}`; expected Person, Organization, Place, Group or actor"))?,
        );
    }
    let (kind, demonym) = match parts.next() {
        None => (None, false),
        Some("demonym") => (None, true),
        Some(k) => (Some(k.to_string()), false),
    };
    Ok(Slot {
        role,
        types,
        kind,
        demonym,
    })
}

/// The bit of a kind of mention, for the quick test of slots before matching:
/// one per entity type, for names and for demonyms.
pub fn mention_bit(etype: EntityType, demonym: bool) -> u8 {
    1 << (etype as u8 + if demonym { 4 } else { 0 })
}

impl Slot {
    /// The kinds of mention the slot may take, as [`mention_bit`]s (its
    /// curated kind aside).
    fn mentions(&self) -> u8 {
        let types: &[EntityType] = if self.types.is_empty() { &EntityType::ALL } else { &self.types };
        types.iter().fold(0, |bits, &t| bits | mention_bit(t, self.demonym))
    }

    /// Does the slot take this item: a mention of one of its types and its kind?
    fn accepts(&self, item: &Item) -> bool {
        match *item {
            Item::Mention { etype, kind, demonym, .. } => {
                demonym == self.demonym
                    && (self.types.is_empty() || self.types.contains(&etype))
                    && self.kind.as_deref().is_none_or(|k| kind == Some(k))
            }
            Item::Token { .. } => false,
        }
    }
}

/// An item of a sentence as the matcher sees it.
#[derive(Clone, Copy, Debug)]
pub enum Item<'a> {
    Token {
        sym: Sym,
        number: bool,
        /// A word starting with a lower-case letter, or a hyphen.
        lower: bool,
    },
    Mention {
        index: usize,
        etype: EntityType,
        kind: Option<&'a str>,
        demonym: bool,
        /// A pronoun's own word ("his"), which literals also match: `gave
        /// his support to` reads the same whether or not "his" was resolved.
        /// `NONE` for names.
        word: Sym,
    },
}

impl Item<'_> {
    /// The word literals match: a token's, or a pronoun's own word
    /// (`NONE` for names).
    fn word(&self) -> Sym {
        match *self {
            Item::Token { sym, .. } => sym,
            Item::Mention { word, .. } => word,
        }
    }
}

/// A match: the item range and the mention indices bound to the slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub subject: Option<usize>,
    pub object: Option<usize>,
}

pub trait Lexicon {
    /// Is the word `sym` in the lexicon list with this bit?
    fn has(&self, class: u32, sym: Sym) -> bool;
}

impl Pattern {
    /// All matches, at most one per start item (the first found).
    pub fn find_all(&self, items: &[Item], lex: &dyn Lexicon) -> Vec<Match> {
        // A quick test of the first element spares the matcher most start
        // items; an optional one can be skipped, so any item may start.
        match &self.elems[0] {
            Elem::Slot(slot) => self.find_from(items, lex, |it| slot.accepts(it)),
            // Most literals have one word: a comparison, not a search.
            Elem::Lit(alts) if alts.len() == 1 => {
                let word = alts[0];
                self.find_from(items, lex, |it| it.word() == word)
            }
            Elem::Lit(alts) => self.find_from(items, lex, |it| alts.contains(&it.word())),
            Elem::Opt(_) | Elem::Gap(_) | Elem::WordGap(_) => self.find_from(items, lex, |_| true),
            e => self.find_from(items, lex, |it| one(e, it, lex)),
        }
    }

    /// The matches starting at the items `may_start` accepts.
    fn find_from(&self, items: &[Item], lex: &dyn Lexicon, may_start: impl Fn(&Item) -> bool) -> Vec<Match> {
        let mut out = Vec::new();
        for (start, item) in items.iter().enumerate() {
            if !may_start(item) {
                continue;
            }
            let mut m = Match {
                start,
                end: start,
                subject: None,
                object: None,
            };
            if let Some(end) = self.at(0, start, items, lex, &mut m) {
                m.end = end;
                out.push(m);
            }
        }
        out
    }

    fn at(&self, pi: usize, ii: usize, items: &[Item], lex: &dyn Lexicon, m: &mut Match) -> Option<usize> {
        let Some(elem) = self.elems.get(pi) else { return Some(ii) };
        match elem {
            Elem::Gap(n) => {
                for skip in 0..=*n {
                    if ii + skip > items.len() {
                        break;
                    }
                    let saved = m.clone();
                    if let Some(end) = self.at(pi + 1, ii + skip, items, lex, m) {
                        return Some(end);
                    }
                    *m = saved;
                }
                None
            }
            Elem::WordGap(n) => {
                let mut skip = 0;
                loop {
                    let saved = m.clone();
                    if let Some(end) = self.at(pi + 1, ii + skip, items, lex, m) {
                        return Some(end);
                    }
                    *m = saved;
                    match items.get(ii + skip) {
                        Some(Item::Token { lower: true, .. }) if skip < *n => skip += 1,
                        _ => return None,
                    }
                }
            }
            Elem::Opt(inner) => {
                if let Some(item) = items.get(ii) {
                    if one(inner, item, lex) {
                        if let Some(end) = self.at(pi + 1, ii + 1, items, lex, m) {
                            return Some(end);
                        }
                    }
                }
                self.at(pi + 1, ii, items, lex, m)
            }
            Elem::Slot(slot) => {
                let item = items.get(ii)?;
                let Item::Mention { index, .. } = *item else { return None };
                if !slot.accepts(item) {
                    return None;
                }
                let saved = m.clone();
                match slot.role {
                    Role::Subject => m.subject = Some(index),
                    Role::Object => m.object = Some(index),
                }
                let r = self.at(pi + 1, ii + 1, items, lex, m);
                if r.is_none() {
                    *m = saved;
                }
                r
            }
            e => {
                if one(e, items.get(ii)?, lex) {
                    self.at(pi + 1, ii + 1, items, lex, m)
                } else {
                    None
                }
            }
        }
    }
}

fn one(elem: &Elem, item: &Item, lex: &dyn Lexicon) -> bool {
    let (sym, number) = match *item {
        Item::Token { sym, number, .. } => (sym, number),
        Item::Mention { word, .. } if word != NONE => (word, false),
        Item::Mention { .. } => return false,
    };
    match elem {
        Elem::Lit(alts) => alts.contains(&sym),
        Elem::Not(alts) => !alts.contains(&sym),
        Elem::Class(c) => lex.has(*c, sym),
        Elem::Number => number,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Interns words in order; one class, `speech` (bit 0), holding "said".
    #[derive(Default)]
    struct Table(Vec<String>);
    impl Symbols for Table {
        fn intern(&mut self, w: &str) -> Sym {
            if let Some(i) = self.0.iter().position(|x| x == w) {
                return i as Sym;
            }
            self.0.push(w.to_string());
            (self.0.len() - 1) as Sym
        }
        fn class(&self, name: &str) -> Option<u32> {
            (name == "speech").then_some(0)
        }
    }

    struct NoLex(Sym);
    impl Lexicon for NoLex {
        fn has(&self, c: u32, w: Sym) -> bool {
            c == 0 && w == self.0
        }
    }

    fn tok(t: &mut Table, s: &str) -> Item<'static> {
        Item::Token {
            sym: t.intern(s),
            number: s.chars().all(|c| c.is_ascii_digit()),
            lower: s == "-" || s.starts_with(|c: char| c.is_lowercase()),
        }
    }

    fn mention(index: usize, etype: EntityType) -> Item<'static> {
        Item::Mention {
            index,
            etype,
            kind: None,
            demonym: false,
            word: NONE,
        }
    }

    #[test]
    fn slots_gaps_optionals() {
        let t = &mut Table::default();
        let p = Pattern::parse("{s:Person} *2 [has|had] fled|went to {o:Place}", t).unwrap();
        let lex = NoLex(NONE);
        let items = [
            mention(0, EntityType::Person),
            tok(t, "has"),
            tok(t, "fled"),
            tok(t, "to"),
            mention(1, EntityType::Place),
        ];
        assert_eq!(
            p.find_all(&items, &lex),
            vec![Match {
                start: 0,
                end: 5,
                subject: Some(0),
                object: Some(1)
            }]
        );
        let items = [
            mention(0, EntityType::Person),
            tok(t, "then"),
            tok(t, "quickly"),
            tok(t, "went"),
            tok(t, "to"),
            mention(1, EntityType::Person),
        ];
        assert!(p.find_all(&items, &lex).is_empty());
    }

    #[test]
    fn word_gaps_cross_only_lower_case_words() {
        let t = &mut Table::default();
        let p = Pattern::parse("{o:Place} ~3 company {s:Organization}", t).unwrap();
        let lex = NoLex(NONE);
        let with = |t: &mut Table, words: &[&str]| {
            let mut items = vec![mention(0, EntityType::Place)];
            items.extend(words.iter().map(|w| tok(t, w)));
            items.push(mention(1, EntityType::Organization));
            items
        };
        let found = |items: &[Item]| p.find_all(items, &lex).first().map(|m| (m.subject, m.object));
        assert_eq!(found(&with(t, &["company"])), Some((Some(1), Some(0))));
        assert_eq!(found(&with(t, &["oil", "and", "gas", "company"])), Some((Some(1), Some(0))));
        assert_eq!(found(&with(t, &["state", "-", "owned", "company"])), Some((Some(1), Some(0))));
        // Four words is one too many; a capitalised word or a comma breaks the gap.
        assert_eq!(found(&with(t, &["big", "oil", "and", "gas", "company"])), None);
        assert_eq!(found(&with(t, &["and", "Shell", "company"])), None);
        assert_eq!(found(&with(t, &["oil", ",", "company"])), None);
    }

    #[test]
    fn negation_and_classes() {
        let t = &mut Table::default();
        let p = Pattern::parse("{s} @speech !not #", t).unwrap();
        let lex = NoLex(t.intern("said"));
        let items = [mention(3, EntityType::Organization), tok(t, "said"), tok(t, "about"), tok(t, "50")];
        assert_eq!(p.find_all(&items, &lex).len(), 1);
        let items = [mention(3, EntityType::Organization), tok(t, "said"), tok(t, "not"), tok(t, "50")];
        assert!(p.find_all(&items, &lex).is_empty());
    }

    #[test]
    fn errors_have_columns() {
        let t = &mut Table::default();
        let e = Pattern::parse("{s:Person} fled {o:Planet}", t).unwrap_err();
        assert_eq!(e.column, 16);
        assert!(e.message.contains("unknown type"));
        let e = Pattern::parse("went @nowhere", t).unwrap_err();
        assert_eq!(e.column, 5);
    }
}

/// Which patterns of a list can match a sentence, found from the sentence's
/// words instead of testing every pattern: each pattern is filed under the
/// alternatives of one mandatory word (patterns without one are always
/// tried), then must find its lexicon lists, kinds of mention and each of
/// its other mandatory literals (one of its alternatives) in the sentence.
/// The patterns are a bit set, so a sentence's candidates come out in list
/// order, once each, without sorting.
///
/// It runs for every sentence, between stages that fill the cache with
/// other things, so its tables are flat and small: bit matrices, flat
/// lists of literals, and a bit set of the sentence's words (made once for
/// all indexes, see [`push_word_set`]). The test of
/// mentions, which rules out most patterns filed under a sentence's words,
/// is on whole sets of patterns, not one at a time; the lexicon lists are
/// tested on the few patterns left, one at a time (a sentence lacks some
/// ten of the lists the patterns need: a set of patterns per list took ten
/// passes over the set).
#[derive(Clone, Debug, Default)]
pub struct PatternIndex {
    /// 64-bit blocks in a set of patterns.
    blocks: usize,
    /// The row in `rows` of every symbol below `words`, and of `words`
    /// itself, which stands for all the others: symbols are dense, so
    /// finding a word is indexing, not hashing.
    row_of: Vec<u32>,
    /// The words that have a row, as the non-empty blocks of a word set
    /// (block, bits): most words of a sentence have none, and are passed
    /// over 64 at a time, or all at once where no word of a block has one.
    filed: Vec<(usize, u64)>,
    /// The patterns filed under each word, as bits, `blocks` per row. Row
    /// 0 is empty, the row of words no pattern is filed under.
    rows: Vec<u64>,
    always: Box<[u64]>,
    /// The lexicon lists each pattern needs, as bits.
    pattern_lists: Vec<u64>,
    /// For each set of kinds of mention a sentence may have (a `u8` of
    /// [`mention_bit`]s), the patterns all of whose slots it can fill
    /// (`blocks` per set).
    mentions_fit: Vec<u64>,
    /// The literals of pattern `i` (but its trigger) are
    /// `pattern_literals[i]..pattern_literals[i + 1]`.
    pattern_literals: Vec<u32>,
    /// Symbols below this are those the patterns mention: the bits of a
    /// sentence's word set (and one for all other words).
    words: usize,
    /// The alternatives of every literal, one literal after another:
    /// literal `k`'s are `alternatives[literal_starts[k]..literal_starts[k + 1]]`.
    alternatives: Vec<Sym>,
    literal_starts: Vec<u32>,
}

/// The empty row in [`PatternIndex::rows`].
const NO_ROW: u32 = 0;

/// What a sentence offers the patterns.
#[derive(Clone, Copy, Debug)]
pub struct Sentence<'s> {
    /// The set of its words ([`push_word_set`]), for a limit no lower
    /// than the index's [`PatternIndex::words`].
    pub words: &'s [u64],
    /// The lexicon lists its tokens are in, as bits.
    pub lists: u64,
    /// The kinds of mention it has, as [`mention_bit`]s.
    pub mentions: u8,
}

/// What `PatternIndex::candidates` reuses from sentence to sentence.
#[derive(Debug, Default)]
pub struct Scratch {
    patterns: Vec<u64>,
    /// The candidates found.
    fit: Vec<usize>,
}

impl Scratch {
    /// Was this scratch last used with `index` (or one of its size)? Then
    /// its buffers are the right size already.
    pub fn fits(&self, index: &PatternIndex) -> bool {
        self.patterns.len() == index.blocks
    }
}

/// The `u64`s of a sentence's word set for symbols below `limit`: one bit
/// per symbol below it, and one more for all others (and `NONE`).
pub fn word_set_len(limit: usize) -> usize {
    (limit + 1).div_ceil(64)
}

/// Appends the word set of `words` for symbols below `limit` to `out`
/// ([`word_set_len`] `u64`s): what [`PatternIndex::candidates`] reads of a
/// sentence's words, made once per sentence for every index whose
/// [`PatternIndex::words`] is no higher. A set has each word once, and
/// reading it costs far less than reading the tokens again for each index.
pub fn push_word_set(out: &mut Vec<u64>, limit: usize, words: &[Sym]) {
    let start = out.len();
    out.resize(start + word_set_len(limit), 0);
    let set = &mut out[start..];
    for &w in words {
        let sym = (w as usize).min(limit);
        set[sym / 64] |= 1 << (sym % 64);
    }
}

impl PatternIndex {
    /// `word` gives the text of a symbol.
    pub fn new<'p, 'w>(patterns: impl ExactSizeIterator<Item = &'p Pattern>, word: impl Fn(Sym) -> &'w str + Copy) -> Self {
        let blocks = patterns.len().div_ceil(64);
        let mut index = PatternIndex {
            blocks,
            always: vec![0u64; blocks].into_boxed_slice(),
            rows: vec![0u64; blocks],
            pattern_literals: vec![0],
            literal_starts: vec![0],
            mentions_fit: vec![0u64; 256 * blocks],
            ..PatternIndex::default()
        };
        // Patterns by the kinds of mention their slots take: few sets
        // (the pack is built at every start).
        let mut by_mentions: std::collections::BTreeMap<&[u8], Vec<usize>> = Default::default();
        for (i, p) in patterns.enumerate() {
            let trigger = p.trigger_literal(word);
            match trigger {
                None => index.always[i / 64] |= 1 << (i % 64),
                Some(k) => {
                    for &w in &p.required[k] {
                        let row = index.filed_row(w);
                        index.rows[row * blocks + i / 64] |= 1 << (i % 64);
                    }
                }
            }
            // The trigger need not be tested: the pattern is a candidate
            // because one of its alternatives is there.
            for (k, alts) in p.required.iter().enumerate() {
                if Some(k) != trigger {
                    index.alternatives.extend(alts);
                    index.literal_starts.push(index.alternatives.len() as u32);
                }
            }
            index.pattern_literals.push((index.literal_starts.len() - 1) as u32);
            index.pattern_lists.push(p.required_classes);
            by_mentions.entry(p.required_mentions.as_slice()).or_default().push(i);
        }
        for (slots, patterns) in by_mentions {
            for mentions in 0..256 {
                if slots.iter().all(|&m| usize::from(m) & mentions != 0) {
                    for &i in &patterns {
                        index.mentions_fit[mentions * blocks + i / 64] |= 1 << (i % 64);
                    }
                }
            }
        }
        let literal_words = index.alternatives.iter().map(|&s| s as usize + 1).max().unwrap_or(0);
        index.words = index.row_of.len().max(literal_words);
        index.row_of.resize(index.words + 1, NO_ROW);
        let filed: Vec<Sym> = (0..index.row_of.len() as Sym)
            .filter(|&w| index.row_of[w as usize] != NO_ROW)
            .collect();
        let mut set = Vec::new();
        push_word_set(&mut set, index.words, &filed);
        index.filed = set.into_iter().enumerate().filter(|&(_, bits)| bits != 0).collect();
        index
    }

    /// The row of patterns filed under symbol `w`, added on first use.
    fn filed_row(&mut self, w: Sym) -> usize {
        let sym = w as usize;
        if self.row_of.len() <= sym {
            self.row_of.resize(sym + 1, NO_ROW);
        }
        if self.row_of[sym] == NO_ROW {
            self.row_of[sym] = (self.rows.len() / self.blocks) as u32;
            self.rows.resize(self.rows.len() + self.blocks, 0);
        }
        self.row_of[sym] as usize
    }

    /// Row `k` of one of the bit matrices.
    fn row<'t>(&self, matrix: &'t [u64], k: usize) -> &'t [u64] {
        &matrix[k * self.blocks..][..self.blocks]
    }

    /// Symbols below this are those the patterns mention: the limit of
    /// a sentence's word set must be at least this.
    pub fn words(&self) -> usize {
        self.words
    }

    /// The patterns that may match a sentence, in list order.
    pub fn candidates<'s>(&self, sentence: Sentence<'_>, scratch: &'s mut Scratch) -> &'s [usize] {
        let Scratch { patterns, fit } = scratch;
        patterns.clear();
        patterns.extend_from_slice(&self.always);
        fit.clear();
        let present = sentence.words;
        // The patterns filed under the sentence's words, each word once.
        for &(b, filed) in &self.filed {
            let mut bits = present[b] & filed;
            while bits != 0 {
                let sym = b * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let row = self.row_of[sym] as usize;
                for (block, bits) in patterns.iter_mut().zip(self.row(&self.rows, row)) {
                    *block |= bits;
                }
            }
        }
        for (block, fit) in patterns
            .iter_mut()
            .zip(self.row(&self.mentions_fit, usize::from(sentence.mentions)))
        {
            *block &= fit;
        }
        let has = |s: Sym| present[s as usize / 64] & (1 << (s % 64)) != 0;
        let literal = |k: usize| {
            let alternatives = self.literal_starts[k] as usize..self.literal_starts[k + 1] as usize;
            self.alternatives[alternatives].iter().any(|&s| has(s))
        };
        for (b, &bits) in patterns.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let i = b * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if self.pattern_lists[i] & !sentence.lists == 0
                    && (self.pattern_literals[i] as usize..self.pattern_literals[i + 1] as usize).all(literal)
                {
                    fit.push(i);
                }
            }
        }
        fit
    }
}
