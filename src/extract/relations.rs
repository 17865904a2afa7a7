//! Relations from the rule pack's patterns, matched sentence by sentence over
//! tokens and mentions; plus the containment the gazetteer knows ("Cardiff"
//! is in "Wales") when the document names both places.

use super::{Doc, LocalRelation};
use crate::model::EntityType;
use crate::rules::pattern::{Item, Sym, NONE};
use crate::rules::{Anchor, List};

pub(super) fn extract(d: &mut Doc<'_>) {
    let mut found = Vec::new();
    let mut candidates = super::Candidates::new(d, &d.pack.relation_index);
    let joiners = Joiners {
        and: d.pack.sym("and"),
        the: d.pack.sym("the"),
        comma: d.pack.sym(","),
        a: d.pack.sym("a"),
        an: d.pack.sym("an"),
    };
    // Few documents have a rule that needs it: counted on first use.
    let main_actor = std::cell::OnceCell::new();
    for si in 0..d.an.sentences.len() {
        let Some((rules, items, spans)) = candidates.of(d, si) else {
            continue;
        };
        for rule in rules.iter().map(|&r| &d.pack.relations[r]) {
            let mut matches = rule.pattern.find_all(items, d.pack);
            // Of matches that share their end and object, the one starting
            // last binds the nearest subject ("X, chief of Y, said" is X's).
            matches.sort_by_key(|m| (m.end, m.object, std::cmp::Reverse(m.start)));
            matches.dedup_by(|b, a| a.end == b.end && a.object == b.object);
            for m in matches {
                let pick = |anchor: Anchor, slot: Option<usize>| -> Option<usize> {
                    match anchor {
                        Anchor::Slot => slot.map(|mi| d.mentions[mi].entity),
                        Anchor::Before => nearest(d, items[..m.start].iter().rev()),
                        Anchor::After => nearest(d, items[m.end..].iter()),
                        Anchor::MainCountry => d.main_country,
                        Anchor::MainCity => d.main_city,
                        // "The Russian oil firm said": the organisation named last,
                        // in this sentence or the two before.
                        Anchor::Antecedent => d.organisation_named_last(spans[m.start].start, 2),
                        Anchor::MainActor => *main_actor.get_or_init(|| main_actor_of(d)),
                        Anchor::Namesake => None,
                    }
                };
                let (Some(s), Some(o)) = (pick(rule.subject, m.subject), pick(rule.object, m.object)) else {
                    continue;
                };
                if [m.subject, m.object]
                    .into_iter()
                    .flatten()
                    .any(|mi| d.modifies_body(&d.mentions[mi]))
                {
                    continue;
                }
                // Context guesses never override what the gazetteer knows.
                if s == o || (rule.object == Anchor::MainCity && curated_within(d, s)) || (rule.predicate == "locatedIn" && wider(d, s, o))
                {
                    continue;
                }
                let span = d.span_of(&(spans[m.start].start..spans[m.end - 1].end));
                // "Labour and the Tories attacked X", "warned Labour and the
                // Tories": a stance or a move holds for each conjunct.
                let conjuncts = |slot: Option<usize>, e: usize| -> Vec<usize> {
                    let mut all = vec![e];
                    if let (true, Some(mi)) = (rule.coordinated, slot) {
                        all.extend(conjuncts_of(d, items, mi, &joiners));
                    }
                    all
                };
                for &s in &conjuncts(m.subject.filter(|_| rule.subject == Anchor::Slot), s) {
                    for &o in &conjuncts(m.object.filter(|_| rule.object == Anchor::Slot), o) {
                        if s == o {
                            continue;
                        }
                        found.push(LocalRelation {
                            subject: s,
                            predicate: rule.predicate.clone(),
                            object: o,
                            rule: rule.id.clone(),
                            span,
                            sentence: si,
                        });
                    }
                }
            }
        }
    }
    // Its items borrow `d`: done with before `d` changes.
    drop(candidates);
    d.relations.extend(found);
    containment(d);
    parties(d);
    // "X accused Y of": X also opposes Y (`[implies]` in the pack).
    let entailed: Vec<LocalRelation> = d
        .pack
        .implies
        .iter()
        .flat_map(|(from, to)| {
            d.relations
                .iter()
                .filter(move |r| &r.predicate == from)
                .map(move |r| LocalRelation {
                    predicate: to.clone(),
                    ..r.clone()
                })
        })
        .collect();
    d.relations.extend(entailed);
}

/// The symbols of the words that join or open the members of a list.
struct Joiners {
    and: Sym,
    the: Sym,
    comma: Sym,
    a: Sym,
    an: Sym,
}

/// The entities coordinated with the mention `mi` in a sentence's items:
/// "A and [the] B", either side, of the same type.
fn conjuncts_of(d: &Doc<'_>, items: &[Item<'_>], mi: usize, w: &Joiners) -> Vec<usize> {
    let is = |it: &Item<'_>, word: Sym| matches!(*it, Item::Token { sym, .. } if sym == word && sym != NONE);
    let Some(k) = items
        .iter()
        .position(|it| matches!(*it, Item::Mention { index, .. } if index == mi))
    else {
        return Vec::new();
    };
    let etype = d.mentions[mi].etype;
    let the = |it: &Item<'_>| is(it, w.the);
    let is_and = |it: &Item<'_>| is(it, w.and);
    // "the prime minister and his chancellor": "his" is not the partner.
    let possessive = |i: usize| {
        let m = &d.mentions[i];
        m.pronoun && m.tokens.len() == 1 && d.in_list(m.tokens.start, List::PronounsPossessive)
    };
    let partner = |it: Option<&Item<'_>>| match it {
        Some(&Item::Mention {
            index,
            etype: t,
            demonym: false,
            ..
        }) if t == etype && !possessive(index) => Some(d.mentions[index].entity),
        _ => None,
    };
    let comma = |it: &Item<'_>| is(it, w.comma);
    let mut out = Vec::new();
    // After: "A and [the] B", "A, B, C and D".
    let mut j = k + 1;
    while let Some(sep) = items.get(j) {
        let last = is_and(sep);
        if !last && !comma(sep) {
            break;
        }
        let at = if items.get(j + 1).is_some_and(the) { j + 2 } else { j + 1 };
        let Some(p) = partner(items.get(at)) else { break };
        out.push(p);
        if last {
            break;
        }
        j = at + 1;
    }
    // Before: "B and [the] A", "B, C and A" (only when "and" joins A; not
    // "B and A, a unit of C": the apposition describes A alone).
    let mut j = if k >= 1 && the(&items[k - 1]) { k - 1 } else { k };
    let indefinite = |it: &Item<'_>| is(it, w.a) || is(it, w.an);
    let apposition = items.get(k + 1).is_some_and(comma) && items.get(k + 2).is_some_and(indefinite);
    if j >= 2 && is_and(&items[j - 1]) && !apposition {
        loop {
            let at = j - 2;
            let Some(p) = partner(items.get(at)) else { break };
            out.push(p);
            let before = if at >= 1 && the(&items[at - 1]) { at - 1 } else { at };
            if before >= 2 && comma(&items[before - 1]) {
                j = before;
            } else {
                break;
            }
        }
    }
    out
}

/// The nearest actor among `items`: a person if there is one, else an
/// organisation, else a place, else a group.
fn nearest<'i>(d: &Doc<'_>, items: impl Iterator<Item = &'i Item<'i>> + Clone) -> Option<usize> {
    for want in [EntityType::Person, EntityType::Organization, EntityType::Place, EntityType::Group] {
        let hit = items.clone().find_map(|it| match *it {
            Item::Mention {
                index,
                etype,
                demonym: false,
                ..
            } if etype == want => Some(d.mentions[index].entity),
            _ => None,
        });
        if hit.is_some() {
            return hit;
        }
    }
    None
}

/// The person or organisation the document names most (by mentions,
/// pronouns included), if one is named at least three times and more often
/// than any other (a tie makes no main actor).
fn main_actor_of(d: &Doc<'_>) -> Option<usize> {
    let mut counts: rustc_hash::FxHashMap<usize, usize> = Default::default();
    for m in &d.mentions {
        if !m.demonym && matches!(m.etype, EntityType::Person | EntityType::Organization) {
            *counts.entry(m.entity).or_default() += 1;
        }
    }
    let mut ranked: Vec<(usize, usize)> = counts.into_iter().map(|(e, n)| (n, e)).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    match ranked.as_slice() {
        [(n, e), rest @ ..] if *n >= 3 && rest.first().is_none_or(|(m, _)| m < n) => Some(*e),
        _ => None,
    }
}

fn curated_within(d: &Doc<'_>, e: usize) -> bool {
    d.entities[e].entry.is_some_and(|x| d.pack.entries[x].within.is_some())
}

/// The curated entries the document names (not only as a demonym or a
/// pronoun), to their local entity.
fn named_entries(d: &Doc<'_>) -> rustc_hash::FxHashMap<usize, usize> {
    d.mentions
        .iter()
        .filter(|m| !m.demonym && !m.pronoun)
        .filter_map(|m| Some((d.entities[m.entity].entry?, m.entity)))
        .collect()
}

fn containment(d: &mut Doc<'_>) {
    let named = named_entries(d);
    let mut new = Vec::new();
    for m in &d.mentions {
        if m.demonym || m.pronoun || m.etype != EntityType::Place {
            continue;
        }
        let Some(entry) = d.entities[m.entity].entry else { continue };
        // The nearest place up the curated chain that the document names
        // ("Nairobi" in Kenya in Africa, with only Africa named).
        let Some(o) = d.pack.outer_entries(entry).find_map(|outer| named.get(&outer).copied()) else {
            continue;
        };
        let si = d.sentence_of[m.tokens.start];
        new.push(LocalRelation {
            subject: m.entity,
            predicate: "locatedIn".into(),
            object: o,
            rule: "gazetteer:in".into(),
            span: d.span_of(&m.tokens),
            sentence: si,
        });
    }
    d.relations.extend(new);
}

/// Is place `s` of a wider kind than place `o` ("Africa" in "Cape Town", a
/// country in a region)? Then `s` cannot be located in `o`.
fn wider(d: &Doc<'_>, s: usize, o: usize) -> bool {
    let rank = |e: usize| match d.entities[e].kind.as_deref() {
        _ if d.entities[e].etype != EntityType::Place => None,
        Some("continent") => Some(4),
        Some("country") => Some(3),
        Some("region") => Some(2),
        Some("city") => Some(1),
        _ => None,
    };
    matches!((rank(s), rank(o)), (Some(a), Some(b)) if a > b)
}

/// A curated person's party, when the document names both ("Mr Blair …
/// Labour"): memberOf and affiliatedWith (annotators use either), with the
/// person's first mention as evidence.
fn parties(d: &mut Doc<'_>) {
    let named = named_entries(d);
    let mut new = Vec::new();
    let mut done = Vec::new();
    for m in &d.mentions {
        if m.demonym || m.pronoun || m.etype != EntityType::Person || done.contains(&m.entity) {
            continue;
        }
        let Some(entry) = d.entities[m.entity].entry else { continue };
        let Some(party) = &d.pack.entries[entry].party else { continue };
        let Some(&p) = d.pack.entry_by_name.get(party).and_then(|pe| named.get(pe)) else {
            continue;
        };
        done.push(m.entity);
        for predicate in ["memberOf", "affiliatedWith"] {
            new.push(LocalRelation {
                subject: m.entity,
                predicate: predicate.into(),
                object: p,
                rule: "gazetteer:party".into(),
                span: d.span_of(&m.tokens),
                sentence: d.sentence_of[m.tokens.start],
            });
        }
    }
    d.relations.extend(new);
}
