//! The rule pack: curated knowledge and patterns kept as TOML data under
//! `ontology/` (format in `ontology/README.md`). This module loads and
//! compiles it: gazetteers into Aho-Corasick automata, titles and lexicon
//! lists into hash sets, patterns into [`pattern::Pattern`]s. The default
//! pack is compiled into the binary; `--rules DIR` adds or replaces it.
//! Loading reports every error at once, each with file, line and column.

pub mod builtin;
pub mod gazetteer;
pub mod pattern;
mod symbols;

use crate::model::EntityType;
use crate::text::{LinePatterns, TextRules};
use gazetteer::Gazetteer;
use pattern::{Lexicon, Pattern, Sym, Symbols, NONE};
use regex::Regex;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use toml::Spanned;

/// One error in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            // A folder- or file-level error has no position.
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

/// All the errors of a rule pack.
#[derive(Debug, Clone)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        write!(f, "\n{} error(s) in the rule pack", self.0.len())
    }
}

impl std::error::Error for RuleErrors {}

// ---------------------------------------------------------------- file format

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    entity: Vec<EntityEntry>,
    #[serde(default)]
    given_names: Vec<String>,
    #[serde(default)]
    title: Vec<TitleEntry>,
    #[serde(default)]
    text: TextSection,
    #[serde(default)]
    lexicon: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    relation: Vec<RelationEntry>,
    #[serde(default)]
    reference: Vec<ReferenceEntry>,
    /// A relation a matched relation entails: `accuses = ["opposes"]`.
    #[serde(default)]
    implies: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntityEntry {
    #[serde(rename = "type")]
    etype: Spanned<String>,
    kind: Option<String>,
    name: Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    demonyms: Vec<String>,
    #[serde(default)]
    people: Vec<String>,
    capital: Option<String>,
    #[serde(rename = "in")]
    within: Option<String>,
    party: Option<String>,
    #[serde(default)]
    offices: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TitleEntry {
    words: Vec<String>,
    relation: Option<Spanned<String>>,
    #[serde(default)]
    head_of_state: bool,
    #[serde(default)]
    party_role: bool,
    #[serde(default)]
    affiliated: bool,
    #[serde(default)]
    corporate: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TextSection {
    #[serde(default)]
    abbreviations: Vec<String>,
    #[serde(default)]
    boilerplate: Vec<Spanned<String>>,
    #[serde(default)]
    heading: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationEntry {
    id: String,
    predicate: Spanned<String>,
    pattern: Spanned<String>,
    subject: Option<Spanned<String>>,
    object: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferenceEntry {
    id: String,
    pattern: Spanned<String>,
    refers: Spanned<String>,
    #[serde(default)]
    kinds: Vec<String>,
}

// ---------------------------------------------------------------- compiled pack

/// A curated entity of a gazetteer.
#[derive(Debug, Clone)]
pub struct Entry {
    pub etype: EntityType,
    pub kind: Option<String>,
    pub name: String,
    pub aliases: Vec<String>,
    pub demonyms: Vec<String>,
    pub people: Vec<String>,
    pub capital: Option<String>,
    pub within: Option<String>,
    /// A person's party: the canonical name of an organisation of kind "party".
    pub party: Option<String>,
    /// Titles a person is known by without a name ("the prime minister"),
    /// lower case, as written in titles.toml.
    pub offices: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRole {
    Name,
    Alias,
    Demonym,
    People,
}

#[derive(Debug, Clone)]
pub struct Title {
    /// The title as written in the pack ("prime minister").
    pub words: String,
    pub relation: Option<String>,
    pub head_of_state: bool,
    /// A role inside a party ("leader", "chairman"): a party qualifying the
    /// title gets the title's relation. An office held for a party ("Labour
    /// mayor") makes the person a member instead of the party's leader.
    pub party_role: bool,
    /// The holder also works for the organisation the title names
    /// ("Ford chief executive X": leaderOf and affiliatedWith Ford).
    pub affiliated: bool,
    /// A head of state's title that firms and federations use too
    /// ("president"): written in lower case before the name, it is theirs.
    pub corporate: bool,
}

impl Title {
    /// An executive's title ("chairman", "chief executive", "boss"): leads
    /// and works for an organisation, or a party as one of its roles.
    pub fn is_executive(&self) -> bool {
        self.affiliated && self.party_role && self.relation.as_deref() == Some("leaderOf")
    }
}

/// Where a relation's subject or object comes from when not from a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The `{s:…}` / `{o:…}` slot of the pattern.
    Slot,
    /// The nearest actor before the match in the sentence (persons first).
    Before,
    /// The first actor after the match in the sentence (persons first).
    After,
    /// The document's main country.
    MainCountry,
    /// The most mentioned city of the document.
    MainCity,
    /// The organisation named last (in this sentence or the two before).
    Antecedent,
    /// The actor (person or organisation) the document names most: whose
    /// plans, move or decision "the plans" are when no one else's is said.
    MainActor,
    /// The organisation named last whose name has the description's last
    /// word ("the ministry" after "the Finance and Economy Ministry"; for
    /// references only).
    Namesake,
}

impl Anchor {
    fn parse(s: &str) -> Option<Anchor> {
        Some(match s {
            "before" => Anchor::Before,
            "after" => Anchor::After,
            "main-country" => Anchor::MainCountry,
            "main-city" => Anchor::MainCity,
            "antecedent" => Anchor::Antecedent,
            "namesake" => Anchor::Namesake,
            "main-actor" => Anchor::MainActor,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct RelationRule {
    pub id: String,
    pub predicate: String,
    pub pattern: Pattern,
    pub subject: Anchor,
    pub object: Anchor,
    /// The predicate is in the lexicon list `coordinated_relations`: it holds
    /// for each of two coordinated actors.
    pub coordinated: bool,
}

#[derive(Debug, Clone)]
pub struct ReferenceRule {
    pub id: String,
    pub pattern: Pattern,
    pub refers: Anchor,
    /// For `antecedent`: the kinds the organisation referred to may have
    /// ("unknown": one with no kind); empty for any.
    pub kinds: Vec<String>,
}

/// The compiled rule pack.
pub struct RulePack {
    pub entries: Vec<Entry>,
    /// Names, aliases, demonyms and peoples (case-sensitive), and group
    /// names (common nouns, any case): the patterns of `name_targets` and
    /// `group_targets`.
    pub gazetteer: Gazetteer,
    pub name_targets: Vec<(usize, NameRole)>,
    pub group_targets: Vec<(usize, NameRole)>,
    pub given_names: HashSet<String>,
    pub titles: HashMap<String, Title>,
    pub max_title_words: usize,
    pub text: TextRules,
    pub lexicon: HashMap<String, HashSet<String>>,
    pub relations: Vec<RelationRule>,
    pub relation_index: pattern::PatternIndex,
    pub references: Vec<ReferenceRule>,
    pub reference_index: pattern::PatternIndex,
    /// Relations a relation entails, from `[implies]` (same evidence and rule).
    pub implies: Vec<(String, String)>,
    pub entry_by_name: HashMap<String, usize>,
    /// Lower-case words the rules mention, interned.
    symbols: symbols::SymbolTable,
    /// Bit of each lexicon list.
    pub class_bit: HashMap<String, u32>,
    /// Lists each symbol belongs to, as bits.
    pub sym_class: Vec<u64>,
    /// Titles as symbol sequences, to their key in `titles`.
    pub title_seqs: HashMap<Box<[Sym]>, String>,
    /// Titles in the plural ("Labour MPs A and B"), to their key in `titles`.
    pub plural_title_seqs: HashMap<Box<[Sym]>, String>,
    /// Is each symbol the first word of a title (see `starts_title`)?
    title_starts: Vec<bool>,
    /// The bit mask of each list the code reads (`List as usize`); 0 when the pack lacks it.
    pub list_mask: [u64; List::ALL.len()],
}

/// The lexicon lists the extraction code reads by name. Resolved to bit
/// masks once when the pack is loaded, so a membership test is one AND.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    NotNames,
    Connectors,
    OrgHeads,
    PlaceHeads,
    OrgDescriptors,
    Honorifics,
    HonorificsMale,
    HonorificsFemale,
    PronounsMale,
    PronounsFemale,
    PronounsPossessive,
    PronounsSubject,
    TitleModifiers,
    SubordinateWords,
    OppositionWords,
    FunctionWords,
    Speech,
    PersonCues,
    PlacePrepositions,
    LegislatorTitles,
    Compass,
    PartyNouns,
    CompanyNouns,
    RelationalNouns,
    Surnames,
    Writings,
    BodyNouns,
    CommitteeNouns,
    PortfolioTitles,
    Spokespeople,
    LandmarkNouns,
    OrgNounsAfter,
    StancePrefixes,
    UnitNouns,
    StaffNouns,
    SettlementNouns,
    PostNominals,
    Kin,
    NameParticles,
    HoldingNouns,
    AttributionVerbs,
    Superlatives,
    FoundingVerbs,
    GovernmentTitles,
}

impl List {
    pub const ALL: [(List, &'static str); 44] = [
        (List::NotNames, "not_names"),
        (List::Connectors, "connectors"),
        (List::OrgHeads, "org_heads"),
        (List::PlaceHeads, "place_heads"),
        (List::OrgDescriptors, "org_descriptors"),
        (List::Honorifics, "honorifics"),
        (List::HonorificsMale, "honorifics_male"),
        (List::HonorificsFemale, "honorifics_female"),
        (List::PronounsMale, "pronouns_male"),
        (List::PronounsFemale, "pronouns_female"),
        (List::PronounsPossessive, "pronouns_possessive"),
        (List::PronounsSubject, "pronouns_subject"),
        (List::TitleModifiers, "title_modifiers"),
        (List::SubordinateWords, "subordinate_words"),
        (List::OppositionWords, "opposition_words"),
        (List::FunctionWords, "function_words"),
        (List::Speech, "speech"),
        (List::PersonCues, "person_cues"),
        (List::PlacePrepositions, "place_prepositions"),
        (List::LegislatorTitles, "legislator_titles"),
        (List::Compass, "compass"),
        (List::PartyNouns, "party_nouns"),
        (List::CompanyNouns, "company_nouns"),
        (List::RelationalNouns, "relational_nouns"),
        (List::Surnames, "surnames"),
        (List::Writings, "writings"),
        (List::BodyNouns, "body_nouns"),
        (List::CommitteeNouns, "committee_nouns"),
        (List::PortfolioTitles, "portfolio_titles"),
        (List::Spokespeople, "spokespeople"),
        (List::LandmarkNouns, "landmark_nouns"),
        (List::OrgNounsAfter, "org_nouns_after"),
        (List::StancePrefixes, "stance_prefixes"),
        (List::UnitNouns, "unit_nouns"),
        (List::StaffNouns, "staff_nouns"),
        (List::SettlementNouns, "settlement_nouns"),
        (List::PostNominals, "post_nominals"),
        (List::Kin, "kin"),
        (List::NameParticles, "name_particles"),
        (List::HoldingNouns, "holding_nouns"),
        (List::AttributionVerbs, "attribution_verbs"),
        (List::Superlatives, "superlatives"),
        (List::FoundingVerbs, "founding_verbs"),
        (List::GovernmentTitles, "government_titles"),
    ];
}

impl Lexicon for RulePack {
    fn has(&self, class: u32, sym: Sym) -> bool {
        sym != NONE && class < 64 && (self.sym_class[sym as usize] >> class) & 1 == 1
    }
}

struct Interner {
    map: HashMap<String, Sym>,
    class_bit: HashMap<String, u32>,
}

impl pattern::Symbols for Interner {
    fn intern(&mut self, word: &str) -> Sym {
        let next = self.map.len() as Sym;
        *self.map.entry(word.to_string()).or_insert(next)
    }
    fn class(&self, name: &str) -> Option<u32> {
        self.class_bit.get(name).copied()
    }
}

impl RulePack {
    /// The symbol of a lower-case word (`NONE` when no rule mentions it).
    #[inline]
    pub fn sym(&self, lower: &str) -> Sym {
        self.symbols.get(lower)
    }

    /// The bit of a lexicon list (for `Lexicon::has`); lists the code names always exist.
    pub fn class(&self, name: &str) -> u32 {
        self.class_bit.get(name).copied().unwrap_or(64)
    }

    /// The lists a symbol belongs to, as bits.
    pub fn classes_of(&self, sym: Sym) -> u64 {
        if sym == NONE {
            0
        } else {
            self.sym_class[sym as usize]
        }
    }

    /// Is the symbol in the list?
    pub fn in_list(&self, sym: Sym, list: List) -> bool {
        self.classes_of(sym) & self.list_mask[list as usize] != 0
    }

    /// Is a symbol in any of `lists`? One test of their joint mask.
    pub fn in_any_list(&self, sym: Sym, lists: &[List]) -> bool {
        let mask = lists.iter().fold(0, |m, &l| m | self.list_mask[l as usize]);
        self.classes_of(sym) & mask != 0
    }

    /// The curated entry an entry is `in`, if the pack has it.
    pub fn within_of(&self, entry: usize) -> Option<usize> {
        self.entry_by_name.get(self.entries[entry].within.as_ref()?).copied()
    }

    /// The entries an entry is in, nearest first, at most four levels up
    /// ("Nairobi" -> Kenya -> Africa).
    pub fn outer_entries(&self, entry: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.within_of(entry), |&e| self.within_of(e)).take(4)
    }

    /// Is the symbol the first word of a title?
    pub fn starts_title(&self, sym: Sym) -> bool {
        self.title_starts.get(sym as usize).is_some_and(|&b| b)
    }

    /// Is the lower-case `word` in the list?
    pub fn word_in(&self, word: &str, list: List) -> bool {
        self.in_list(self.sym(word), list)
    }

    /// The default pack built into the binary.
    pub fn builtin() -> Result<RulePack, RuleErrors> {
        Self::load(true, &[])
    }

    /// The built-in pack (unless `builtin` is false) plus the `.toml` files of
    /// `dirs`, in order; later entries with the same type and name extend
    /// earlier ones.
    pub fn load(builtin: bool, dirs: &[PathBuf]) -> Result<RulePack, RuleErrors> {
        let mut files: Vec<(String, String)> = Vec::new();
        let mut errors = Vec::new();
        if builtin {
            files.extend(builtin::FILES.iter().map(|(n, t)| (format!("<builtin>/{n}"), t.to_string())));
        }
        for dir in dirs {
            match toml_files(dir) {
                Ok(paths) if paths.is_empty() => errors.push(RuleError {
                    file: dir.display().to_string(),
                    line: 0,
                    column: 0,
                    message: "no .toml rule files here; expected a folder of rule files".into(),
                }),
                Ok(paths) => {
                    for p in paths {
                        match std::fs::read_to_string(&p) {
                            Ok(t) => files.push((p.display().to_string(), t)),
                            Err(e) => errors.push(RuleError {
                                file: p.display().to_string(),
                                line: 0,
                                column: 0,
                                message: e.to_string(),
                            }),
                        }
                    }
                }
                Err(e) => errors.push(RuleError {
                    file: dir.display().to_string(),
                    line: 0,
                    column: 0,
                    message: if e.kind() == std::io::ErrorKind::NotFound {
                        "no such folder; expected a folder of .toml rule files".into()
                    } else {
                        e.to_string()
                    },
                }),
            }
        }
        let mut builder = Builder::default();
        builder.add_files(&files, &mut errors);
        builder.finish(errors)
    }
}

fn toml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Line and column (1-based, in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn error_at(file: &str, text: &str, offset: usize, message: String) -> RuleError {
    let (line, column) = position(text, offset);
    RuleError {
        file: file.to_string(),
        line,
        column,
        message,
    }
}

fn parse_file(file: &str, text: &str) -> Result<RuleFile, RuleError> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        error_at(
            file,
            text,
            offset,
            format!("{}; see ontology/README.md for the format", e.message()),
        )
    })
}

#[derive(Default)]
struct Builder {
    entries: Vec<Entry>,
    entry_index: HashMap<(EntityType, String), usize>,
    given_names: HashSet<String>,
    titles: HashMap<String, Title>,
    text: TextRules,
    /// The patterns of [`TextRules::boilerplate`] and [`TextRules::heading`],
    /// compiled into them when the pack is finished.
    boilerplate: Vec<Regex>,
    heading: Vec<Regex>,
    lexicon: HashMap<String, HashSet<String>>,
    /// Rules with their file's name and text (shared: one copy per file),
    /// kept for error positions until the pack is compiled.
    relations: Vec<(Rc<str>, Rc<str>, RelationEntry)>,
    references: Vec<(Rc<str>, Rc<str>, ReferenceEntry)>,
    implies: Vec<(String, String)>,
}

impl Builder {
    /// Adds each file's rules, in order. The files are parsed in
    /// parallel: TOML parsing is most of the cost of loading the pack, and
    /// the pack is loaded at every start.
    fn add_files(&mut self, files: &[(String, String)], errors: &mut Vec<RuleError>) {
        let parsed: Vec<Result<RuleFile, RuleError>> = std::thread::scope(|scope| {
            let threads: Vec<_> = files
                .iter()
                .map(|(name, text)| scope.spawn(move || parse_file(name, text)))
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().expect("parsing a rule file panicked"))
                .collect()
        });
        for ((name, text), parsed) in files.iter().zip(parsed) {
            match parsed {
                Ok(p) => self.add_file(name, text, p, errors),
                Err(e) => errors.push(e),
            }
        }
    }

    fn add_file(&mut self, file: &str, text: &str, parsed: RuleFile, errors: &mut Vec<RuleError>) {
        let err_at = |offset: usize, message: String| error_at(file, text, offset, message);
        for e in parsed.entity {
            let Some(etype) = EntityType::parse(e.etype.get_ref()) else {
                errors.push(err_at(
                    e.etype.span().start,
                    format!(
                        "unknown entity type {:?}; expected Person, Organization, Place or Group",
                        e.etype.get_ref()
                    ),
                ));
                continue;
            };
            let name = e.name.get_ref().trim().to_string();
            if name.is_empty() {
                errors.push(err_at(
                    e.name.span().start,
                    "empty name; expected the entity's canonical name".into(),
                ));
                continue;
            }
            let key = (etype, name.clone());
            if let Some(&i) = self.entry_index.get(&key) {
                let old = &mut self.entries[i];
                old.aliases.extend(e.aliases);
                old.demonyms.extend(e.demonyms);
                old.people.extend(e.people);
                old.kind = e.kind.or(old.kind.take());
                old.capital = e.capital.or(old.capital.take());
                old.within = e.within.or(old.within.take());
                old.party = e.party.or(old.party.take());
                old.offices.extend(e.offices.iter().map(|o| o.to_lowercase()));
            } else {
                self.entry_index.insert(key, self.entries.len());
                self.entries.push(Entry {
                    etype,
                    kind: e.kind,
                    name,
                    aliases: e.aliases,
                    demonyms: e.demonyms,
                    people: e.people,
                    capital: e.capital,
                    within: e.within,
                    party: e.party,
                    offices: e.offices.iter().map(|o| o.to_lowercase()).collect(),
                });
            }
        }
        self.given_names.extend(parsed.given_names);
        for t in parsed.title {
            if let Some(r) = &t.relation {
                if !crate::vocab::RELATIONS.contains(&r.get_ref().as_str()) {
                    errors.push(err_at(
                        r.span().start,
                        format!(
                            "unknown relation {:?}; expected one of {}",
                            r.get_ref(),
                            crate::vocab::RELATIONS.join(", ")
                        ),
                    ));
                    continue;
                }
            }
            for w in t.words {
                let key = normalize_words(&w);
                self.titles.insert(
                    key,
                    Title {
                        words: w,
                        relation: t.relation.as_ref().map(|r| r.get_ref().clone()),
                        head_of_state: t.head_of_state,
                        party_role: t.party_role,
                        affiliated: t.affiliated,
                        corporate: t.corporate,
                    },
                );
            }
        }
        self.text
            .abbreviations
            .extend(parsed.text.abbreviations.iter().map(|a| a.trim_end_matches('.').to_lowercase()));
        for (list, target) in [
            (parsed.text.boilerplate, &mut self.boilerplate),
            (parsed.text.heading, &mut self.heading),
        ] {
            for r in list {
                match Regex::new(r.get_ref()) {
                    Ok(re) => target.push(re),
                    Err(e) => errors.push(err_at(r.span().start, format!("bad regular expression: {e}"))),
                }
            }
        }
        for (k, v) in parsed.lexicon {
            self.lexicon.entry(k).or_default().extend(v.into_iter().map(|w| w.to_lowercase()));
        }
        let (file_rc, text_rc): (Rc<str>, Rc<str>) = (file.into(), text.into());
        for r in parsed.relation {
            self.relations.push((file_rc.clone(), text_rc.clone(), r));
        }
        for r in parsed.reference {
            self.references.push((file_rc.clone(), text_rc.clone(), r));
        }
        for (from, to) in parsed.implies {
            for to in to {
                for p in [&from, &to] {
                    if !crate::vocab::RELATIONS.contains(&p.as_str()) {
                        errors.push(RuleError {
                            file: file.to_string(),
                            line: 0,
                            column: 0,
                            message: format!(
                                "[implies]: unknown predicate {p:?}; expected one of {}",
                                crate::vocab::RELATIONS.join(", ")
                            ),
                        });
                    }
                }
                self.implies.push((from.clone(), to));
            }
        }
    }

    fn finish(self, mut errors: Vec<RuleError>) -> Result<RulePack, RuleErrors> {
        let mut patterns = Vec::new();
        let mut name_targets = Vec::new();
        let mut lower = Vec::new();
        let mut group_targets = Vec::new();
        let mut entry_by_name = HashMap::default();
        for (i, e) in self.entries.iter().enumerate() {
            entry_by_name.entry(e.name.clone()).or_insert(i);
            let lists = [
                (std::slice::from_ref(&e.name), NameRole::Name),
                (&e.aliases[..], NameRole::Alias),
                (&e.demonyms[..], NameRole::Demonym),
                (&e.people[..], NameRole::People),
            ];
            for (names, role) in lists {
                for n in names {
                    if e.etype == EntityType::Group {
                        lower.push(n.to_lowercase());
                        group_targets.push((i, role));
                    } else {
                        patterns.push(n.clone());
                        name_targets.push((i, role));
                    }
                }
            }
        }
        // The gazetteer is built on a thread of its own while the rest of
        // the pack compiles (the pack is built at every start).
        let gazetteer = std::thread::spawn(move || Gazetteer::new(&patterns, &lower));
        let lexicon = self.lexicon;
        let mut names: Vec<&String> = lexicon.keys().collect();
        names.sort();
        if names.len() > 64 {
            errors.push(RuleError {
                file: "[lexicon]".into(),
                line: 0,
                column: 0,
                message: format!("{} lexicon lists; at most 64 are supported", names.len()),
            });
        }
        let mut text = self.text;
        for (patterns, lines, key) in [
            (self.boilerplate, &mut text.boilerplate, "boilerplate"),
            (self.heading, &mut text.heading, "heading"),
        ] {
            match LinePatterns::new(patterns) {
                Ok(l) => *lines = l,
                Err(e) => errors.push(RuleError {
                    file: format!("[text] {key}"),
                    line: 0,
                    column: 0,
                    message: format!("the patterns do not compile together: {e}"),
                }),
            }
        }
        let mut interner = Interner {
            map: HashMap::default(),
            class_bit: names.iter().enumerate().map(|(i, n)| ((*n).clone(), i as u32)).collect(),
        };
        let mut pattern_at = |file: &str, text: &str, p: &Spanned<String>, errors: &mut Vec<RuleError>| -> Option<Pattern> {
            match Pattern::parse(p.get_ref(), &mut interner) {
                Ok(p) => Some(p),
                Err(e) => {
                    // +1 for the opening quote of the TOML string.
                    let (line, column) = position(text, p.span().start + 1 + e.column);
                    errors.push(RuleError {
                        file: file.to_string(),
                        line,
                        column,
                        message: e.message,
                    });
                    None
                }
            }
        };
        let anchor_at =
            |file: &str, text: &str, a: &Option<Spanned<String>>, allowed: &[Anchor], errors: &mut Vec<RuleError>| -> Option<Anchor> {
                let Some(a) = a else { return Some(Anchor::Slot) };
                match Anchor::parse(a.get_ref()) {
                    Some(x) if allowed.contains(&x) => Some(x),
                    _ => {
                        let (line, column) = position(text, a.span().start);
                        errors.push(RuleError {
                            file: file.to_string(),
                            line,
                            column,
                            message: format!(
                                "unknown anchor {:?}; expected one of before, after, main-country, main-city, antecedent, main-actor",
                                a.get_ref()
                            ),
                        });
                        None
                    }
                }
            };
        let mut relations = Vec::new();
        let mut seen_ids = HashSet::default();
        let relation_anchors = [
            Anchor::Before,
            Anchor::After,
            Anchor::MainCountry,
            Anchor::MainCity,
            Anchor::Antecedent,
            Anchor::MainActor,
        ];
        for (file, text, r) in &self.relations {
            let pred = r.predicate.get_ref();
            if !crate::vocab::RELATIONS.contains(&pred.as_str()) {
                let (line, column) = position(text, r.predicate.span().start);
                errors.push(RuleError {
                    file: file.to_string(),
                    line,
                    column,
                    message: format!("unknown predicate {pred:?}; expected one of {}", crate::vocab::RELATIONS.join(", ")),
                });
                continue;
            }
            if !seen_ids.insert(r.id.clone()) {
                let (line, column) = position(text, r.pattern.span().start);
                errors.push(RuleError {
                    file: file.to_string(),
                    line,
                    column,
                    message: format!("duplicate rule id {:?}", r.id),
                });
            }
            let (Some(pattern), Some(subject), Some(object)) = (
                pattern_at(file, text, &r.pattern, &mut errors),
                anchor_at(file, text, &r.subject, &relation_anchors, &mut errors),
                anchor_at(file, text, &r.object, &relation_anchors, &mut errors),
            ) else {
                continue;
            };
            for (role, anchor, name) in [
                (pattern::Role::Subject, subject, "subject"),
                (pattern::Role::Object, object, "object"),
            ] {
                if (anchor == Anchor::Slot) != pattern.has_slot(role) {
                    let (line, column) = position(text, r.pattern.span().start);
                    let want = if anchor == Anchor::Slot {
                        format!("a `{{{}:…}}` slot or a `{name} = …` anchor", &name[..1])
                    } else {
                        format!("no `{{{}:…}}` slot when `{name}` is set", &name[..1])
                    };
                    errors.push(RuleError {
                        file: file.to_string(),
                        line,
                        column,
                        message: format!("rule {:?}: expected {want}", r.id),
                    });
                }
            }
            relations.push(RelationRule {
                id: r.id.clone(),
                coordinated: lexicon
                    .get("coordinated_relations")
                    .is_some_and(|l| l.contains(&pred.to_lowercase())),
                predicate: pred.clone(),
                pattern,
                subject,
                object,
            });
        }
        let mut references = Vec::new();
        for (file, text, r) in &self.references {
            let (Some(pattern), Some(refers)) = (
                pattern_at(file, text, &r.pattern, &mut errors),
                anchor_at(
                    file,
                    text,
                    &Some(r.refers.clone()),
                    &[Anchor::MainCountry, Anchor::MainCity, Anchor::Antecedent, Anchor::Namesake],
                    &mut errors,
                ),
            ) else {
                continue;
            };
            references.push(ReferenceRule {
                id: r.id.clone(),
                pattern,
                refers,
                kinds: r.kinds.clone(),
            });
        }
        if !errors.is_empty() {
            return Err(RuleErrors(errors));
        }

        // Every lexicon and title word gets a symbol; symbols know their lists.
        for words in lexicon.values() {
            for w in words {
                interner.intern(w);
            }
        }
        let mut title_seqs: HashMap<Box<[Sym]>, String> = HashMap::default();
        let mut plural_title_seqs: HashMap<Box<[Sym]>, String> = HashMap::default();
        for key in self.titles.keys() {
            let seq: Box<[Sym]> = key.split(' ').map(|w| interner.intern(w)).collect();
            title_seqs.insert(seq, key.clone());
            if let Some((head, last)) = key.rsplit_once(' ').map_or(Some(("", key.as_str())), Some) {
                let plural = plural_of(last);
                if !self.titles.contains_key(&plural) && plural != last {
                    let words = head.split(' ').filter(|w| !w.is_empty()).chain(std::iter::once(plural.as_str()));
                    let seq: Box<[Sym]> = words.map(|w| interner.intern(w)).collect();
                    plural_title_seqs.insert(seq, key.clone());
                }
            }
        }
        let mut sym_class = vec![0u64; interner.map.len()];
        for (name, words) in &lexicon {
            let bit = interner.class_bit[name];
            for w in words {
                sym_class[interner.map[w] as usize] |= 1 << bit;
            }
        }

        let mut words = vec![""; interner.map.len()];
        for (w, &sym) in &interner.map {
            words[sym as usize] = w.as_str();
        }
        let word = |sym: Sym| words[sym as usize];
        let max_title_words = self.titles.keys().map(|k| k.split(' ').count()).max().unwrap_or(1);
        let mut title_starts = vec![false; interner.map.len()];
        for seq in title_seqs.keys().chain(plural_title_seqs.keys()) {
            title_starts[seq[0] as usize] = true;
        }
        Ok(RulePack {
            entries: self.entries,
            gazetteer: gazetteer.join().expect("building the gazetteer panicked"),
            name_targets,
            group_targets,
            given_names: self.given_names,
            titles: self.titles,
            max_title_words,
            text,
            lexicon,
            relation_index: pattern::PatternIndex::new(relations.iter().map(|r| &r.pattern), word),
            relations,
            reference_index: pattern::PatternIndex::new(references.iter().map(|r| &r.pattern), word),
            references,
            implies: self.implies,
            entry_by_name,
            list_mask: List::ALL.map(|(_, name)| interner.class_bit.get(name).map_or(0, |&b| 1u64 << b)),
            symbols: symbols::SymbolTable::new(&interner.map),
            class_bit: interner.class_bit,
            sym_class,
            title_starts,
            title_seqs,
            plural_title_seqs,
        })
    }
}

/// The plural of an English noun, by the regular rules ("manager" →
/// "managers", "secretary" → "secretaries", "boss" → "bosses").
pub fn plural_of(word: &str) -> String {
    if let Some(stem) = word.strip_suffix('y').filter(|s| !s.ends_with(['a', 'e', 'i', 'o', 'u'])) {
        format!("{stem}ies")
    } else if word.ends_with(['s', 'x', 'z']) || word.ends_with("ch") || word.ends_with("sh") {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// Lower-cases and joins words with one space, splitting off hyphens the way
/// the tokenizer does ("ex-president" -> "ex - president").
pub fn normalize_words(s: &str) -> String {
    s.to_lowercase()
        .replace('-', " - ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(files: &[(&str, &str)]) -> Result<RulePack, RuleErrors> {
        let mut b = Builder::default();
        let mut errors = Vec::new();
        let files: Vec<(String, String)> = files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        b.add_files(&files, &mut errors);
        b.finish(errors)
    }

    #[test]
    fn builtin_pack_loads() {
        let pack = RulePack::builtin().unwrap_or_else(|e| panic!("{e}"));
        assert!(pack.entries.len() > 100);
        assert!(!pack.relations.is_empty());
    }

    #[test]
    fn builtin_links_name_curated_entries() {
        let pack = RulePack::builtin().unwrap();
        for e in &pack.entries {
            for target in [&e.within, &e.capital].into_iter().flatten() {
                assert!(pack.entry_by_name.contains_key(target), "{}: no entry {target}", e.name);
            }
            for office in &e.offices {
                assert!(
                    pack.titles.values().any(|t| &t.words == office),
                    "{}: office {office} is not a title",
                    e.name
                );
            }
            if let Some(p) = &e.party {
                let party = pack.entry_by_name.get(p).map(|&i| &pack.entries[i]);
                assert!(
                    party.is_some_and(|x| x.kind.as_deref() == Some("party")),
                    "{}: party {p} is not a curated party",
                    e.name
                );
            }
        }
    }

    #[test]
    fn every_error_is_reported_with_its_position() {
        let bad = "[[entity]]\ntype = \"Planet\"\nname = \"Mars\"\n\n[[relation]]\nid = \"r\"\npredicate = \"leaderOf\"\npattern = \"{s:Person} led {o:Nation}\"\n";
        let Err(RuleErrors(errs)) = load_str(&[("a.toml", bad), ("b.toml", "[[entity]\n")]) else {
            panic!("expected errors")
        };
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert_eq!((errs[0].file.as_str(), errs[0].line, errs[0].column), ("a.toml", 2, 8));
        assert!(errs[0].message.contains("unknown entity type"));
        assert_eq!((errs[1].file.as_str(), errs[1].line), ("b.toml", 1));
        assert_eq!((errs[2].line, errs[2].column), (8, 27));
        assert!(errs[2].message.contains("unknown type `Nation`"));
    }
}
