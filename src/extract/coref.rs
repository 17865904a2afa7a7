//! Document context and coreference: the main country (the most mentioned
//! country, counting its demonyms, its capital and its places) and main city;
//! reference rules ("the country" → the main country); personal pronouns to
//! the most recent compatible person; definite age descriptions ("the
//! 65-year-old strongman") to the person the text last spoke of. A pronoun
//! with no person in the previous sentences stays unresolved.

use super::{Doc, Mention};
use crate::model::{AttributeValue, EntityType};
use crate::rules::Anchor;
use crate::rules::List;
use rustc_hash::FxHashMap as HashMap;

/// How many sentences back a pronoun may look for its person.
const PRONOUN_WINDOW: usize = 3;

pub(super) fn resolve(d: &mut Doc<'_>) {
    main_places(d);
    references(d);
    pronouns(d);
    reported_it(d);
}

/// "Yukos said it would appeal", "The US has said that it": the subject
/// "it" of a clause an organisation or place reports is that actor; "It
/// said" opening a sentence is the organisation named last.
fn reported_it(d: &mut Doc<'_>) {
    let n = d.an.tokens.len();
    let mut new = Vec::new();
    // "Yukos sued Gazprom. It said it would appeal": a sentence opening
    // with "It" and a verb of saying speaks for the organisation that opened
    // the sentence before, else for the one named last in it.
    let mut opened_by: Option<(usize, usize)> = None; // (sentence, organisation)
    for (si, sentence) in d.an.sentences.iter().enumerate() {
        let t = sentence.tokens.start;
        let first = d
            .mention_at(t)
            .map(|i| &d.mentions[i])
            .filter(|m| m.etype == EntityType::Organization && !m.demonym)
            .map(|m| m.entity);
        let mut v = t + 1;
        if v < sentence.tokens.end && matches!(d.lower(v), "has" | "had") {
            v += 1;
        }
        let it_said = t > 0 && v < sentence.tokens.end && d.tok(t) == "It" && d.in_list(v, List::Speech);
        let speaker = it_said
            .then(|| {
                opened_by
                    .filter(|&(s, _)| s + 1 == si)
                    .map(|(_, e)| e)
                    .or_else(|| d.organisation_named_last(t, 1))
            })
            .flatten();
        if let Some(e) = speaker {
            new.push(Mention {
                tokens: t..t + 1,
                etype: EntityType::Organization,
                entity: e,
                demonym: false,
                pronoun: true,
            });
        }
        opened_by = speaker.or(first).map(|e| (si, e));
    }
    // "It said it would …": the second "it" follows the first.
    if !new.is_empty() {
        d.mentions.append(&mut new);
        d.index_mentions();
    }
    for m in &d.mentions {
        if m.demonym || !matches!(m.etype, EntityType::Organization | EntityType::Place) {
            continue;
        }
        let mut t = m.tokens.end;
        if t < n && matches!(d.lower(t), "has" | "had") {
            t += 1;
        }
        if t >= n || !d.in_list(t, List::Speech) {
            continue;
        }
        t += 1;
        if t < n && d.lower(t) == "that" {
            t += 1;
        }
        let same_sentence = t < n && d.sentence_of[t] == d.sentence_of[m.tokens.start];
        if same_sentence && d.lower(t) == "it" && d.mention_at(t).is_none() {
            new.push(Mention {
                tokens: t..t + 1,
                etype: m.etype,
                entity: m.entity,
                demonym: false,
                pronoun: true,
            });
        }
    }
    d.mentions.extend(new);
    d.mentions.sort_by_key(|m| m.tokens.start);
}

fn main_places(d: &mut Doc<'_>) {
    let pack = d.pack;
    // entry -> (mentions of the country or its places, named directly?, first token)
    let mut score: HashMap<usize, (usize, bool, usize)> = HashMap::default();
    let country_of = |entry: usize| -> Option<usize> {
        let e = &pack.entries[entry];
        if e.etype != EntityType::Place {
            return None;
        }
        if e.kind.as_deref() == Some("country") {
            return Some(entry);
        }
        let c = pack.within_of(entry)?;
        (pack.entries[c].kind.as_deref() == Some("country")).then_some(c)
    };
    for m in &d.mentions {
        let Some(entry) = d.entities[m.entity].entry else { continue };
        if let Some(c) = country_of(entry) {
            let s = score.entry(c).or_insert((0, false, m.tokens.start));
            s.0 += 1;
            s.1 |= c == entry;
        }
    }
    // Only a country the text names (or whose demonym it uses) can be the
    // main country: "London" alone does not make a story about England.
    let best = score
        .iter()
        .filter(|(_, (_, direct, _))| *direct)
        .max_by_key(|(_, (n, _, first))| (*n, std::cmp::Reverse(*first)))
        .map(|(&e, _)| e);
    if let Some(entry) = best {
        d.main_country = Some(d.entity_for_entry(entry));
    }
    let main_name = best.map(|e| pack.entries[e].name.clone());
    let mut cities: HashMap<usize, (bool, usize, usize)> = HashMap::default();
    for m in &d.mentions {
        let e = &d.entities[m.entity];
        if e.etype == EntityType::Place && e.kind.as_deref() == Some("city") && !m.demonym {
            let within = e.entry.and_then(|x| pack.entries[x].within.clone());
            let c = cities.entry(m.entity).or_insert((within == main_name, 0, m.tokens.start));
            c.1 += 1;
        }
    }
    // A main city is one the text keeps coming back to.
    d.main_city = cities
        .iter()
        .filter(|(_, (_, n, _))| *n >= 2)
        .max_by_key(|(_, (inside, n, first))| (*inside, *n, std::cmp::Reverse(*first)))
        .map(|(&e, _)| e);
}

fn references(d: &mut Doc<'_>) {
    let mut taken: Vec<bool> = vec![false; d.an.tokens.len()];
    for m in &d.mentions {
        for t in m.tokens.clone() {
            taken[t] = true;
        }
    }
    let mut new = Vec::new();
    let mut candidates = super::Candidates::new(d, &d.pack.reference_index);
    for si in 0..d.an.sentences.len() {
        let Some((rules, items, spans)) = candidates.of(d, si) else {
            continue;
        };
        for rule in rules.iter().map(|&r| &d.pack.references[r]) {
            for m in rule.pattern.find_all(items, d.pack) {
                let tokens = spans[m.start].start..spans[m.end - 1].end;
                if tokens.clone().any(|t| taken[t]) {
                    continue;
                }
                let target = match rule.refers {
                    Anchor::MainCountry => d.main_country,
                    Anchor::MainCity => d.main_city,
                    Anchor::Antecedent => antecedent(d, tokens.clone(), &rule.kinds),
                    Anchor::Namesake => namesake(d, tokens.clone()),
                    _ => None,
                };
                if let Some(e) = target {
                    for t in tokens.clone() {
                        taken[t] = true;
                    }
                    new.push(Mention {
                        tokens,
                        etype: d.entities[e].etype,
                        entity: e,
                        demonym: false,
                        pronoun: true,
                    });
                }
            }
        }
    }
    // Its items borrow `d`: done with before `d` changes.
    drop(candidates);
    d.mentions.extend(new);
    d.mentions.sort_by_key(|m| m.tokens.start);
}

/// The organisation a definite description ("the company", "the party")
/// refers to: the last one named in this sentence or the two before, of one
/// of `kinds` ("unknown" for none), unless a name follows the description
/// ("the firm Ryanair").
fn antecedent(d: &Doc<'_>, tokens: std::ops::Range<usize>, kinds: &[String]) -> Option<usize> {
    if name_follows(d, &tokens) {
        return None;
    }
    let fits = |e: usize| {
        let kind = d.entities[e].kind.as_deref().unwrap_or("unknown");
        kinds.is_empty() || kinds.iter().any(|k| k == kind)
    };
    d.organisation_named_last(tokens.start, 2).filter(|&e| fits(e))
}

/// Does a name follow the description ("the firm Ryanair")? Then the
/// description is that name's, not a reference.
fn name_follows(d: &Doc<'_>, tokens: &std::ops::Range<usize>) -> bool {
    tokens.end < d.an.tokens.len() && d.is_cap(tokens.end)
}

/// "the ministry said" after "the Finance and Economy Ministry", "the
/// commission" after "the European Commission": the organisation named
/// last before the description whose name has its last word, unless a name
/// follows the description.
fn namesake(d: &Doc<'_>, tokens: std::ops::Range<usize>) -> Option<usize> {
    if name_follows(d, &tokens) {
        return None;
    }
    named_with_noun(d, tokens.start, d.lower(tokens.end - 1))
}

/// The organisation named last before token `before` whose name has the
/// word `noun` ("committee" -> "the home affairs committee").
pub(super) fn named_with_noun(d: &Doc<'_>, before: usize, noun: &str) -> Option<usize> {
    let has_noun = |name: &str| name.split([' ', '-']).any(|w| w.eq_ignore_ascii_case(noun));
    d.mentions
        .iter()
        .rev()
        .filter(|m| m.tokens.end <= before && m.etype == EntityType::Organization && !m.pronoun)
        .find(|m| {
            let e = &d.entities[m.entity];
            has_noun(&e.label) || e.names.iter().any(|n| has_noun(n))
        })
        .map(|m| m.entity)
}

fn pronouns(d: &mut Doc<'_>) {
    // The (last) mention starting at each token, `u32::MAX` for none (half
    // the table to fill that `usize` would be).
    let mut by_start = vec![u32::MAX; d.an.tokens.len()];
    for (i, m) in d.mentions.iter().enumerate() {
        by_start[m.tokens.start] = i as u32;
    }
    // Persons spoken of outside quotations, in text order: (entity, sentence).
    let mut history: Vec<(usize, usize)> = Vec::new();
    // The same without possessives whose noun phrase names someone else in
    // apposition ("His party leader, Michael Howard, argued").
    let mut subjects: Vec<(usize, usize)> = Vec::new();
    // The person a sentence reports as speaking ("said Mr Clarke", "X said").
    let mut speakers: HashMap<usize, usize> = HashMap::default();
    let mut new = Vec::new();
    // Only a mention, a pronoun or a number (an age) starts anything: the
    // other tokens, most of them, are passed over by this search, with no
    // state of the loop below to keep.
    let gendered = [List::PronounsMale, List::PronounsFemale];
    let worth = |&t: &usize| {
        by_start[t] != u32::MAX || d.an.tokens[t].kind == crate::text::TokenKind::Number || d.pack.in_any_list(d.syms[t], &gendered)
    };
    let mut t = 0;
    while let Some(next) = (t..d.an.tokens.len()).find(worth) {
        t = next;
        let si = d.sentence_of[t];
        if by_start[t] != u32::MAX {
            let m = &d.mentions[by_start[t] as usize];
            if m.etype == EntityType::Person && !m.demonym && !d.in_quote(t) {
                history.push((m.entity, si));
                subjects.push((m.entity, si));
                if speaks(d, m.tokens.clone()) {
                    speakers.entry(si).or_insert(m.entity);
                }
            }
            t = m.tokens.end;
            continue;
        }
        if d.in_quote(t) {
            t += 1;
            continue;
        }
        let gender = if d.in_list(t, List::PronounsMale) {
            Some('m')
        } else if d.in_list(t, List::PronounsFemale) {
            Some('f')
        } else {
            None
        };
        if let Some(g) = gender {
            // Unknown-gender persons are compatible with any pronoun.
            let fits = |e: usize| d.entities[e].gender.is_none_or(|x| x == g);
            let near = |&&(_, s): &&(usize, usize)| si.saturating_sub(s) <= PRONOUN_WINDOW;
            // A subject pronoun before any person of its sentence continues the
            // topic: the speaker, else the first person, of the last sentence
            // that spoke of one.
            let initial = d.in_list(t, List::PronounsSubject) && history.last().is_none_or(|&(_, s)| s != si);
            let cand = if initial {
                let last_sentence = history.iter().rev().filter(near).find(|&&(e, _)| fits(e)).map(|&(_, s)| s);
                last_sentence.and_then(|ls| {
                    speakers
                        .get(&ls)
                        .copied()
                        .filter(|&e| fits(e))
                        .or_else(|| subjects.iter().find(|&&(e, s)| s == ls && fits(e)).map(|&(e, _)| e))
                        .or_else(|| history.iter().find(|&&(e, s)| s == ls && fits(e)).map(|&(e, _)| e))
                })
            } else {
                let last = history.iter().rev().filter(near).find(|&&(e, _)| fits(e)).copied();
                // "And Tony Blair would lead the campaign, he said": the person
                // named in the reported clause is not who reports it; the
                // speaker of the sentences before is, if there is one.
                let reports = t > 0 && d.tok(t - 1) == "," && speaks(d, t..t + 1);
                match last {
                    Some((e, s)) if reports && s == si => speakers
                        .iter()
                        .filter(|&(&ss, &x)| ss < si && si - ss <= PRONOUN_WINDOW && x != e && fits(x))
                        .max_by_key(|&(&ss, _)| ss)
                        .map(|(_, &x)| x)
                        .or(Some(e)),
                    other => other.map(|(e, _)| e),
                }
            };
            if let Some(e) = cand {
                history.push((e, si));
                if !(d.in_list(t, List::PronounsPossessive) && apposition_follows(d, t)) {
                    subjects.push((e, si));
                }
                if speaks(d, t..t + 1) {
                    speakers.entry(si).or_insert(e);
                }
                new.push(Mention {
                    tokens: t..t + 1,
                    etype: EntityType::Person,
                    entity: e,
                    demonym: false,
                    pronoun: true,
                });
            }
            t += 1;
            continue;
        }
        // "the 65-year-old strongman": a definite description of the last person.
        if let Some((end, age)) = age_phrase(d, t) {
            let head = end; // one head noun after the age
            let definite = t >= 1 && d.sentence_of[t - 1] == si && d.lower(t - 1) == "the";
            let noun = head < d.an.tokens.len()
                && d.sentence_of[head] == si
                && d.an.tokens[head].kind == crate::text::TokenKind::Word
                && (!d.is_cap(head) || d.title_from[head].is_some());
            let last = history
                .last()
                .filter(|&&(_, s)| si.saturating_sub(s) <= PRONOUN_WINDOW)
                .map(|&(e, _)| e);
            if let (true, true, Some(e)) = (definite, noun, last) {
                let span = d.span_of(&(t - 1..head + 1));
                d.attributes.push((e, AttributeValue::Age(age), "age:description".into(), span, si));
                history.push((e, si));
                // "Otis Ferry, the 22-year-old son of X": in apposition the
                // name is the mention; the phrase stays words for the patterns.
                let after_name = t >= 2
                    && d.tok(t - 2) == ","
                    && d.mentions
                        .iter()
                        .any(|m| m.tokens.end == t - 2 && m.etype == EntityType::Person && !m.pronoun);
                if after_name {
                    t = head + 1;
                    continue;
                }
                new.push(Mention {
                    tokens: t - 1..head + 1,
                    etype: EntityType::Person,
                    entity: e,
                    demonym: false,
                    pronoun: true,
                });
                t = head + 1;
                continue;
            }
        }
        t += 1;
    }
    d.mentions.extend(new);
    d.mentions.sort_by_key(|m| m.tokens.start);
}

/// Is the possessive at `t` followed by a short noun phrase and a person in
/// apposition ("his party leader, Michael Howard")?
fn apposition_follows(d: &Doc<'_>, t: usize) -> bool {
    let n = d.an.tokens.len();
    (t + 2..(t + 5).min(n)).any(|k| d.tok(k - 1) == "," && d.mention_at(k).is_some_and(|m| d.mentions[m].etype == EntityType::Person))
}

/// Is the mention at `tokens` the subject of a verb of saying ("X said",
/// "said Mr X")?
fn speaks(d: &Doc<'_>, tokens: std::ops::Range<usize>) -> bool {
    let after = tokens.end < d.an.tokens.len() && d.in_list(tokens.end, List::Speech);
    let mut b = tokens.start;
    while b > 0 && d.is_honorific(b - 1) {
        b -= 1;
    }
    // "…, said Mr X." names the speaker when the clause ends with the name;
    // "X accused Mr Brown of …" does not.
    let n = d.an.tokens.len();
    let clause_ends = tokens.end >= n
        || d.sentence_of[tokens.end] != d.sentence_of[tokens.start]
        || matches!(d.tok(tokens.end), "," | "." | ";" | ":")
        || d.is_mark(tokens.end);
    let before = b > 0 && d.in_list(b - 1, List::Speech) && d.sentence_of[b - 1] == d.sentence_of[tokens.start] && clause_ends;
    after || before
}

/// `N-year-old` or `N year-old` at token `t`: (token after the phrase, N).
/// Inlined: it is asked of nearly every token, and only numbers start one.
#[inline]
pub(super) fn age_phrase(d: &Doc<'_>, t: usize) -> Option<(usize, u32)> {
    if d.an.tokens[t].kind != crate::text::TokenKind::Number {
        return None;
    }
    number_age_phrase(d, t)
}

fn number_age_phrase(d: &Doc<'_>, t: usize) -> Option<(usize, u32)> {
    let toks = &d.an.tokens;
    let age: u32 = d.tok(t).parse().ok()?;
    // The next four words, "" past the end (no token is empty).
    let w: [&str; 4] = std::array::from_fn(|k| if t + 1 + k < toks.len() { d.lower(t + 1 + k) } else { "" });
    match w {
        ["-", "year", "-", "old"] => Some((t + 5, age)),
        ["year", "-", "old", _] => Some((t + 4, age)),
        _ => None,
    }
    .filter(|_| (1..=120).contains(&age))
}
