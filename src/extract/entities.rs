//! Entity mentions: curated names (Aho-Corasick over the text), group nouns,
//! and capitalised runs classified by the evidence around them: a title or
//! honorific before them, an organisation or place head noun at their end, a
//! known given name, an organisation descriptor ("newspaper X"), a
//! preposition of place. Then mentions are grouped into the document's
//! entities: surnames and honorific forms join the full name, acronyms join
//! the name they abbreviate.

use super::{Doc, Local, Mention};
use crate::model::EntityType;
use crate::rules::List;
use crate::rules::{NameRole, Title};
use crate::text::TokenKind;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;

/// A capitalised run and what the evidence says it is.
struct Run {
    tokens: Range<usize>,
    etype: Option<EntityType>,
    /// Only a preposition of place speaks for it.
    weak: bool,
    gender: Option<char>,
    kind: Option<String>,
}

pub(super) fn detect(d: &mut Doc<'_>) {
    let n = d.an.tokens.len();
    // Tokens are in text order, so by start and by end: the token starting
    // or ending at a byte offset is a binary search away.
    let tokens = &d.an.tokens;
    let start_at = |b: usize| tokens.binary_search_by_key(&b, |t| t.start).ok();
    let end_at = |b: usize| tokens.binary_search_by_key(&b, |t| t.end).ok();
    let mut covered = vec![false; n];

    // Curated names, case-sensitive, then group nouns, any case, on token
    // boundaries.
    let matches = d.pack.gazetteer.find(d.text);
    let mut found: Vec<(Range<usize>, usize, NameRole)> = Vec::with_capacity(matches.names.len() + matches.groups.len());
    for (list, targets) in [(&matches.names, &d.pack.name_targets), (&matches.groups, &d.pack.group_targets)] {
        for m in list {
            if let (Some(a), Some(b)) = (start_at(m.start()), end_at(m.end())) {
                let (entry, role) = targets[m.pattern().as_usize()];
                found.push((a..b + 1, entry, role));
            }
        }
    }
    found.sort_by_key(|(r, _, _)| (r.start, std::cmp::Reverse(r.end)));
    // Continents and regions by their first token ("GM Europe", "Diageo
    // North America": an organisation's unit for a region).
    let region_at: HashMap<usize, usize> = found
        .iter()
        .filter(|(_, entry, role)| {
            *role == NameRole::Name && matches!(d.pack.entries[*entry].kind.as_deref(), Some("continent" | "region"))
        })
        .map(|(r, _, _)| (r.start, r.end))
        .collect();
    for (r, entry, role) in found {
        if r.clone().any(|t| covered[t]) || !same_sentence(d, &r) {
            continue;
        }
        if let Some(&end) = region_at.get(&r.end).filter(|_| {
            d.pack.entries[entry].etype == EntityType::Organization
                && matches!(role, NameRole::Name | NameRole::Alias)
                && d.an.tokens[r.end].start == d.an.tokens[r.end - 1].end + 1
                && d.sentence_of[r.end] == d.sentence_of[r.start]
        }) {
            add_named(d, &mut covered, r.start..end, EntityType::Organization, None);
            continue;
        }
        // A curated name glued to more capitalised words is part of a longer name
        // ("Georgia Smith" is not Georgia), unless that word is a head noun.
        let glued_next = r.end < n
            && d.is_cap(r.end)
            && d.an.tokens[r.end].start == d.an.tokens[r.end - 1].end + 1
            && d.sentence_of[r.end] == d.sentence_of[r.start];
        // "Cardiff Bay", "Wales Office": a place or organisation name followed by
        // a head noun is part of a longer name.
        // So is a demonym before an organisation head ("Palestinian Authority").
        let head_next = glued_next && (d.in_list(r.end, List::PlaceHeads) || d.in_list(r.end, List::OrgHeads));
        if head_next
            && ((matches!(d.pack.entries[entry].etype, EntityType::Place | EntityType::Organization)
                && matches!(role, NameRole::Name | NameRole::Alias))
                || (role == NameRole::Demonym && d.in_list(r.end, List::OrgHeads)))
        {
            continue;
        }
        // "Mike German", "Bob Wellington", "George Washington", "Barbara
        // Roche": after a given name a one-word place's or firm's name or a
        // demonym is a surname (not "Will Britain" or "May Britain" opening
        // a sentence).
        if matches!(d.pack.entries[entry].etype, EntityType::Place | EntityType::Organization)
            && r.len() == 1
            && r.start > 0
            && !covered[r.start - 1]
            && d.sentence_of[r.start - 1] == d.sentence_of[r.start]
            && d.an.tokens[r.start].start == d.an.tokens[r.start - 1].end + 1
            && d.pack.given_names.contains(d.tok(r.start - 1))
            && !(d.an.sentences[d.sentence_of[r.start]].tokens.start == r.start - 1 && d.in_list(r.start - 1, List::FunctionWords))
            && !d.in_list(r.start - 1, List::NotNames)
        {
            continue;
        }
        // "Mr Houston", "Ms Paris": after an honorific a place's or
        // organisation's name is a person's.
        if d.pack.entries[entry].etype != EntityType::Person && r.start > 0 && d.is_honorific(r.start - 1) && d.is_cap(r.start) {
            continue;
        }
        // A group noun written with a capital inside a sentence is part of a
        // name ("Investors Bank and Trust").
        let sentence_first = d.an.sentences[d.sentence_of[r.start]].tokens.start;
        // Groups whose own name is capitalised ("Muslims") are always written so.
        let proper_group = d.pack.entries[entry].name.starts_with(char::is_uppercase);
        if d.pack.entries[entry].etype == EntityType::Group
            && !proper_group
            && d.is_cap(r.start)
            && r.start > sentence_first
            && !d.is_mark(r.start - 1)
        {
            continue;
        }
        if d.pack.entries[entry].etype != EntityType::Group
            && role != NameRole::Demonym
            && r.end < n
            && d.is_cap(r.end)
            && d.an.tokens[r.end].start == d.an.tokens[r.end - 1].end + 1
            && !d.in_list(r.end, List::OrgHeads)
            && !d.in_list(r.end, List::PlaceHeads)
            && !d.in_list(r.end, List::NotNames)
            && !is_title_start(d, r.end)
            && d.pack.entries[entry].etype == EntityType::Person
        {
            continue;
        }
        for t in r.clone() {
            covered[t] = true;
        }
        let demonym = matches!(role, NameRole::Demonym | NameRole::People);
        let e = d.entity_for_entry(entry);
        if !demonym {
            let surface = d.surface(&r);
            d.entities[e].add_name(surface);
        }
        d.mentions.push(Mention {
            etype: d.entities[e].etype,
            tokens: r,
            entity: e,
            demonym,
            pronoun: false,
        });
    }

    constituencies(d, &mut covered);
    titles_after_names(d);

    // Capitalised runs over what the gazetteers left.
    let mut runs = Vec::new();
    let mut absorbed = Vec::new();
    for s in 0..d.an.sentences.len() {
        let range = d.an.sentences[s].tokens.clone();
        let mut i = range.start;
        while i < range.end {
            // "Combining SMFG and Daiwa", "Welcoming Mr Brown": a participle
            // opening the sentence is not part of a known name, an acronym
            // or an honorific after it ("Fostering Network" is a name).
            let participle = i == range.start
                && i + 1 < range.end
                && d.tok(i).len() > 5
                && d.tok(i).ends_with("ing")
                && (covered[i + 1] || is_acronym(d.tok(i + 1)) || d.is_honorific(i + 1))
                // "Woking FC": a head noun after it makes the word a name.
                && !d.in_list(i + 1, List::OrgHeads)
                && !d.pack.given_names.contains(d.tok(i));
            if covered[i] || !name_word(d, i) || participle {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i + 1;
            // "Paul Hofheinz of the Lisbon Council": a full name does not go on
            // past "of" into the organisation it is of.
            let full_name = |end: usize| {
                end - start >= 2
                    && (d.pack.given_names.contains(d.tok(start)) || after_attribution(d, start, range.start))
                    && !(start..end).any(|t| d.in_list(t, List::OrgHeads))
            };
            let mut merged = false;
            loop {
                if end < range.end && !covered[end] && name_word(d, end) {
                    end += 1;
                } else if end < range.end
                    && !covered[end]
                    && ((end == start + 1 && d.is_cap(end) && d.pack.given_names.contains(d.tok(start)) && !d.in_list(end, List::NotNames))
                        || surname_after_given_name(d, end))
                {
                    // "Oona King", "Martin Luther King", "governor Mervyn
                    // King": after a given name a title word is a surname.
                    end += 1;
                } else if let Some(k) = particle_surname(d, end, range.end, &covered) {
                    // "Tom de la Mare", "Mohammed Mustafa al-Jibouri".
                    end = k;
                } else if end + 1 < range.end
                    && !covered[end + 1]
                    && !(matches!(d.lower(end), "of" | "for") && full_name(end))
                    && (d.in_list(end, List::Connectors) || (d.tok(end) == "-" && glued(d, end)))
                    // After a connector a title word is part of the name ("Association of Chief Police Officers").
                    && (name_word(d, end + 1) || (d.is_cap(end + 1) && !d.in_list(end + 1, List::NotNames)))
                    // "Lord Osborne and Lord Hamilton": two people.
                    && !(d.lower(end) == "and" && d.is_honorific(end + 1))
                {
                    end += 2;
                } else if end + 2 < range.end
                    && d.tok(end) == "-"
                    && glued(d, end)
                    && d.an.tokens[end + 1].kind == TokenKind::Word
                    && !d.is_cap(end + 1)
                    && d.pack.given_names.contains(d.tok(start))
                    && (name_word(d, end + 2) || curated_person_at(d, end + 2, start).is_some())
                {
                    // A patronymic: "Nursultan Abish-uly Nazarbayev".
                    if let Some(mi) = curated_person_at(d, end + 2, start) {
                        // The curated person's mention takes the whole name.
                        d.mentions[mi].tokens.start = start;
                        end = d.mentions[mi].tokens.end;
                        merged = true;
                        break;
                    }
                    end += 3;
                } else if end + 2 < range.end
                    && !covered[end + 2]
                    && matches!(d.lower(end), "of" | "for")
                    && d.lower(end + 1) == "the"
                    && name_word(d, end + 2)
                    && !full_name(end)
                {
                    // "Department of the Environment".
                    end += 3;
                } else if let Some(place) = place_after_of(d, start..end, range.end, &covered) {
                    // "Bank of England", "Standards Board of England": the place is part of the name.
                    end = d.mentions[place].tokens.end;
                    absorbed.push(place);
                    break;
                } else {
                    break;
                }
            }
            if merged {
                i = end;
                continue;
            }

            // "Bryan Ferry and Luke Tomlinson", "Andy Roddick and Marat Safin":
            // a full name (or a given name before another) and what follows
            // "and" are two names, not one.
            let and = (start + 1..end).find(|&k| d.lower(k) == "and");
            let person_first = |k: usize| d.pack.given_names.contains(d.tok(k));
            match and {
                Some(k)
                    if k + 1 < end
                        && ((person_first(start) && (k - start >= 2 || person_first(k + 1)))
                            || (person_first(k + 1) && k - start >= 2 && end - k > 2)) =>
                {
                    runs.push(classify(d, start..k, range.start));
                    runs.push(classify(d, k + 1..end, range.start));
                }
                _ => {
                    let mut run = classify(d, start..end, range.start);
                    if let Some(m) = demonym_prefix(d, &run) {
                        run.tokens.start = d.mentions[m].tokens.start;
                        run.etype = Some(EntityType::Organization);
                        absorbed.push(m);
                    }
                    runs.push(run);
                }
            }
            i = end;
        }
    }

    if !absorbed.is_empty() {
        let mut i = 0;
        d.mentions.retain(|_| {
            i += 1;
            !absorbed.contains(&(i - 1))
        });
    }

    // Persons with a full name anchor the surnames ("Bill of Rights" and
    // "Alexander and Catwoman" are not full names).
    for run in runs.iter_mut() {
        if run.etype.is_none()
            && run.tokens.len() >= 2
            && d.pack.given_names.contains(d.tok(run.tokens.start))
            && !run.tokens.clone().any(|t| matches!(d.lower(t), "of" | "for" | "and" | "&"))
        {
            run.etype = Some(EntityType::Person);
        }
    }
    let mut surnames: HashMap<String, usize> = HashMap::default();
    let mut run_entity = vec![None; runs.len()];
    // Curated persons already found anchor their surnames too.
    for (ei, e) in d.entities.iter().enumerate() {
        if e.etype == EntityType::Person {
            let mut names: Vec<&str> = e.names.iter().map(String::as_str).collect();
            names.push(&e.label);
            for nm in names {
                if let Some(last) = nm.split_whitespace().last() {
                    surnames.entry(last.to_string()).or_insert(ei);
                }
            }
        }
    }
    for (ri, run) in runs.iter().enumerate() {
        if run.etype == Some(EntityType::Person) && run.tokens.len() >= 2 {
            let label = name_text(d, &run.tokens);
            let last = d.tok(run.tokens.end - 1).to_string();
            let ei = match surnames.get(&last) {
                Some(&ei) if same_person(&d.entities[ei].label, &label) || d.entities[ei].names.iter().any(|n| same_person(n, &label)) => {
                    ei
                }
                _ => new_entity(d, EntityType::Person, &label, run.kind.clone()),
            };
            surnames.entry(last).or_insert(ei);
            run_entity[ri] = Some(ei);
        }
    }
    // Acronyms of multi-word organisations of this document.
    let mut acronyms: HashMap<String, Range<usize>> = HashMap::default();
    for run in &runs {
        if run.etype == Some(EntityType::Organization) && run.tokens.len() >= 2 {
            let full = initials(d, &run.tokens);
            // "Public and Commercial Services Union": PCS too.
            if full.chars().count() >= 3 {
                let shorter: String = full.chars().take(full.chars().count() - 1).collect();
                acronyms.insert(shorter, run.tokens.clone());
            }
            acronyms.insert(full, run.tokens.clone());
        }
    }

    // Acronyms of curated organisations: their initials, and the one in
    // brackets after them ("the Open Society Institute (OSI)").
    let mut curated_acronyms: HashMap<String, usize> = HashMap::default();
    for m in d.mentions.iter().filter(|m| m.etype == EntityType::Organization && !m.demonym) {
        if m.tokens.len() >= 2 {
            curated_acronyms.entry(initials(d, &m.tokens)).or_insert(m.entity);
        }
        if m.tokens.end + 2 < d.an.tokens.len() && d.tok(m.tokens.end) == "(" && d.tok(m.tokens.end + 2) == ")" {
            let acronym = d.tok(m.tokens.end + 1);
            if is_acronym(acronym) {
                curated_acronyms.insert(acronym.to_string(), m.entity);
            }
        }
    }

    let mut untyped = Vec::new();
    for (ri, run) in runs.iter().enumerate() {
        let surface = name_text(d, &run.tokens);
        let single = run.tokens.len() == 1;
        let ei = if let Some(ei) = run_entity[ri] {
            ei
        } else if let Some(&ei) = surnames
            .get(&*surface)
            .filter(|_| single && run.etype.is_none_or(|t| t == EntityType::Person || run.weak))
        {
            ei
        } else if let Some(&ei) = curated_acronyms.get(&*surface).filter(|_| single && is_acronym(&surface)) {
            ei
        } else if let Some(ei) = bracketed_curated(d, &run.tokens).filter(|_| run.etype == Some(EntityType::Organization)) {
            // "the US Securities Exchange Commission (SEC)": the curated SEC.
            ei
        } else if let Some(full) = acronyms.get(&*surface).filter(|_| single) {
            let label = name_text(d, full);
            find_or_new(d, EntityType::Organization, &label, None)
        } else if let Some(full) = acronyms
            .get(d.tok(run.tokens.start))
            .filter(|_| run.etype == Some(EntityType::Organization) && is_acronym(d.tok(run.tokens.start)))
        {
            // "PCS Union" when "Public and Commercial Services Union" is there.
            let label = name_text(d, full);
            find_or_new(d, EntityType::Organization, &label, None)
        } else if let Some(t) = run.etype {
            find_or_new(d, t, &surface, run.kind.clone())
        } else {
            untyped.push(ri);
            continue;
        };
        if d.entities[ei].gender.is_none() {
            d.entities[ei].gender = run.gender;
        }
        d.entities[ei].add_name(&surface);
        if d.entities[ei].etype == EntityType::Person && run.tokens.start > 0 && after_honorific(d, run.tokens.start) {
            // "Mr Howard", "Lord Nicholls of Birkenhead" are names too.
            let full = format!("{} {surface}", d.tok(run.tokens.start - 1));
            d.entities[ei].names.insert(full);
        }
        let etype = d.entities[ei].etype;
        d.mentions.push(Mention {
            tokens: run.tokens.clone(),
            etype,
            entity: ei,
            demonym: false,
            pronoun: false,
        });
    }
    // "Wipro, an Indian software firm, … Wipro said": a name typed in one
    // place is that entity wherever else the document uses it.
    let typed: HashMap<&str, usize> = d
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.entry.is_none() && e.etype != EntityType::Person)
        .flat_map(|(ei, e)| e.names.iter().map(move |n| (n.as_str(), ei)))
        .collect();
    let found: Vec<(Range<usize>, usize)> = untyped
        .into_iter()
        .filter_map(|ri| {
            let tokens = runs[ri].tokens.clone();
            typed.get(&*name_text(d, &tokens)).map(|&ei| (tokens, ei))
        })
        .collect();
    for (tokens, ei) in found {
        let etype = d.entities[ei].etype;
        d.mentions.push(Mention {
            tokens,
            etype,
            entity: ei,
            demonym: false,
            pronoun: false,
        });
    }
    d.mentions.sort_by_key(|m| m.tokens.start);
    // "Mr Houston … Houston was suspended": once a person of the document
    // has a place's one-word name as surname, the bare name is that person
    // (not a company's: "Ford" and "Porsche" stay firms).
    let person_surnames: HashMap<String, usize> = d
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.etype == EntityType::Person && e.entry.is_none())
        .flat_map(|(ei, e)| {
            e.names
                .iter()
                .filter_map(move |n| n.split_whitespace().last().map(|l| (l.to_string(), ei)))
        })
        .collect();
    for i in 0..d.mentions.len() {
        let m = &d.mentions[i];
        if m.etype != EntityType::Place || m.demonym || m.tokens.len() != 1 {
            continue;
        }
        if let Some(&ei) = person_surnames.get(d.tok(m.tokens.start)) {
            d.mentions[i].etype = EntityType::Person;
            d.mentions[i].entity = ei;
        }
    }
    // A person's label is the longest name seen for them, without an
    // honorific when a full name is known ("Dr John Smith" is John Smith in
    // every document; "Dr Smith" stays).
    let pack = d.pack;
    let honorific = |n: &str| {
        let mut buf = [0; 16];
        let first = crate::text::lower_case(n.split_whitespace().next().unwrap_or(""), &mut buf);
        [List::Honorifics, List::HonorificsMale, List::HonorificsFemale]
            .into_iter()
            .any(|l| pack.word_in(&first, l))
    };
    for e in d.entities.iter_mut() {
        if e.entry.is_none() && e.etype == EntityType::Person {
            let by_length = |n: &&String| (n.split_whitespace().count(), n.len());
            let longest = e
                .names
                .iter()
                .filter(|n| n.split_whitespace().count() >= 2 && !honorific(n))
                .max_by_key(by_length)
                .or_else(|| e.names.iter().max_by_key(by_length));
            if let Some(longest) = longest {
                if longest.split_whitespace().count() > e.label.split_whitespace().count() {
                    e.label = Cow::Owned(longest.clone());
                }
            }
        }
    }
}

/// "Green Party leader X": a title that starts inside an organisation's
/// name ("party leader") is the shorter title after the name ("leader").
fn titles_after_names(d: &mut Doc<'_>) {
    for mi in 0..d.mentions.len() {
        let m = &d.mentions[mi];
        if m.etype != EntityType::Organization || m.demonym {
            continue;
        }
        let (start, end) = (m.tokens.start, m.tokens.end);
        for t in start..end {
            let Some((tend, _)) = d.title_from[t] else { continue };
            if tend <= end {
                continue;
            }
            d.title_from[t] = None;
            if d.title_to[tend].is_some_and(|(s, _)| s == t) {
                d.title_to[tend] = (t + 1..tend).find_map(|s| d.title_from[s].filter(|&(e, _)| e == tend).map(|(_, title)| (s, title)));
            }
        }
    }
}

/// Constituencies: the capitalised words right before a legislator's title
/// ("Birkenhead MP Frank Field", "Glasgow Kelvin MP") or after "MP for"
/// ("the MP for Ealing North") name a place, even one no gazetteer knows.
/// Known places inside the run give way to the longer name. A run with a
/// given name ("Frank Field MP") or is one unknown word at the
/// start of a sentence ("Sacked MP") is left alone.
fn constituencies(d: &mut Doc<'_>, covered: &mut [bool]) {
    let place_at = |d: &Doc<'_>, t: usize| {
        d.mentions
            .iter()
            .position(|m| m.tokens.contains(&t))
            .filter(|&i| d.mentions[i].etype == EntityType::Place && !d.mentions[i].demonym)
    };
    let word_ok = |d: &Doc<'_>, covered: &[bool], t: usize| {
        // "Mid-Bedfordshire": a hyphen glued between capitalised words.
        (d.tok(t) == "-" && t > 0 && t + 1 < d.an.tokens.len() && glued(d, t) && d.is_cap(t - 1) && d.is_cap(t + 1))
            || d.is_cap(t)
                && (!d.in_list(t, List::NotNames) || d.in_list(t, List::Compass))
                && !d.in_list(t, List::TitleModifiers)
                && !d.is_honorific(t)
                && !is_title_start(d, t)
                && (!covered[t] || place_at(d, t).is_some())
    };
    for i in 0..d.an.tokens.len() {
        if !d.in_list(i, List::LegislatorTitles) || !d.tok(i).chars().all(|c| c.is_ascii_uppercase()) {
            continue;
        }
        let sentence = &d.an.sentences[d.sentence_of[i]].tokens;
        let (first, last) = (sentence.start, sentence.end);
        let mut runs = Vec::new();
        let mut j = i;
        while j > first && i - j < 4 && word_ok(d, covered, j - 1) {
            j -= 1;
        }
        // Not a name after an honorific, title or person cue ("Mr Field MP"),
        // nor an organisation ("Forward Wales AM").
        let person_before =
            j > first && (d.is_honorific(j - 1) || d.in_list(j - 1, List::PersonCues) || title_before(d, j, first).is_some());
        let lone_initial_word = j == first && i - j == 1 && !covered[j];
        if j < i && !lone_initial_word && !person_before && !d.in_list(i - 1, List::OrgHeads) {
            runs.push(j..i);
        }
        if i + 2 < last && d.lower(i + 1) == "for" {
            let mut k = i + 2;
            while k < last && k - (i + 2) < 4 && word_ok(d, covered, k) && !d.pack.given_names.contains(d.tok(k)) {
                k += 1;
            }
            if k > i + 2 {
                runs.push(i + 2..k);
            }
        }
        for r in runs {
            if r.clone().any(|t| d.pack.given_names.contains(d.tok(t)) && !covered[t]) {
                continue;
            }
            let inside: Vec<usize> = (0..d.mentions.len())
                .filter(|&m| d.mentions[m].tokens.start < r.end && d.mentions[m].tokens.end > r.start)
                .collect();
            if inside
                .iter()
                .any(|&m| d.mentions[m].tokens.start < r.start || d.mentions[m].tokens.end > r.end)
            {
                continue;
            }
            if inside.len() == 1 && d.mentions[inside[0]].tokens == r {
                continue; // a known place: "Witney MP"
            }
            for &m in inside.iter().rev() {
                d.mentions.remove(m);
            }
            add_named(d, covered, r, EntityType::Place, Some("constituency".into()));
        }
    }
}

/// A mention of the entity named by the words of `tokens` (found or made
/// with that type and kind), which no other name may then cover.
fn add_named(d: &mut Doc<'_>, covered: &mut [bool], tokens: Range<usize>, etype: EntityType, kind: Option<String>) {
    covered[tokens.clone()].fill(true);
    let label = name_text(d, &tokens);
    let e = find_or_new(d, etype, &label, kind);
    d.entities[e].add_name(&label);
    d.mentions.push(Mention {
        etype,
        tokens,
        entity: e,
        demonym: false,
        pronoun: false,
    });
}

fn same_sentence(d: &Doc<'_>, r: &Range<usize>) -> bool {
    d.sentence_of[r.start] == d.sentence_of[r.end - 1]
}

fn glued(d: &Doc<'_>, i: usize) -> bool {
    d.an.tokens[i].start == d.an.tokens[i - 1].end && d.an.tokens[i + 1].start == d.an.tokens[i].end
}

/// Lower-case name particles, possibly several and possibly hyphenated,
/// and the capitalised word after them ("de la Mare", "al-Jibouri", "bin
/// Talal"): the token after that surname, if there is one at `k`.
fn particle_surname(d: &Doc<'_>, k: usize, end: usize, covered: &[bool]) -> Option<usize> {
    let mut j = k;
    while j < end && !d.is_cap(j) && d.in_list(j, List::NameParticles) {
        j += 1;
    }
    if j == k {
        return None;
    }
    if j + 1 < end && d.tok(j) == "-" && glued(d, j) {
        j += 1;
    }
    (j < end && !covered[j] && name_word(d, j)).then_some(j + 1)
}

/// A capitalised word that can be part of a name.
/// Most tokens are neither capitalised nor numbers: for them this is one
/// inlined test, not a call.
#[inline(always)]
fn name_word(d: &Doc<'_>, i: usize) -> bool {
    (d.is_cap(i) || d.an.tokens[i].kind == TokenKind::Number) && name_word_rest(d, i)
}

/// [`name_word`] for a token that is capitalised or a number.
fn name_word_rest(d: &Doc<'_>, i: usize) -> bool {
    (d.is_cap(i) || (i > 0 && d.is_cap(i - 1) && glued_after(d, i)))
        // A compass word starts a name before another ("Central Bank of Liberia").
        && (!d.in_list(i, List::NotNames) || (d.in_list(i, List::Compass) && i + 1 < d.an.tokens.len() && d.is_cap(i + 1)))
        && !d.is_honorific(i)
        && ((d.title_from[i].is_none() && !inside_title(d, i)) || after_honorific(d, i))
}

/// The capital initials of a name ("Open Society Institute" -> "OSI").
fn initials(d: &Doc<'_>, tokens: &Range<usize>) -> String {
    tokens
        .clone()
        .filter_map(|t| d.tok(t).chars().next().filter(|c| c.is_uppercase()))
        .collect()
}

/// The curated organisation whose acronym follows `tokens` in brackets.
fn bracketed_curated(d: &Doc<'_>, tokens: &Range<usize>) -> Option<usize> {
    let e = tokens.end;
    if e + 2 >= d.an.tokens.len() || d.tok(e) != "(" || d.tok(e + 2) != ")" || !is_acronym(d.tok(e + 1)) {
        return None;
    }
    d.mentions
        .iter()
        .find(|m| m.tokens == (e + 1..e + 2) && m.etype == EntityType::Organization && !m.demonym)
        .map(|m| m.entity)
}

/// The mention of a curated person starting at token `t` whose name begins
/// with the word at `given` ("Nursultan … Nazarbayev").
fn curated_person_at(d: &Doc<'_>, t: usize, given: usize) -> Option<usize> {
    d.mentions.iter().position(|m| {
        m.tokens.start == t && m.etype == EntityType::Person && d.entities[m.entity].label.split_whitespace().next() == Some(d.tok(given))
    })
}

/// "Mervyn King said", "Martin Luther King": a title word that is also a
/// surname, after a given name (and maybe a middle name), with no name after
/// it, ends the person's name.
fn surname_after_given_name(d: &Doc<'_>, i: usize) -> bool {
    let given = |t: usize| d.pack.given_names.contains(d.tok(t));
    let n = d.an.tokens.len();
    d.in_list(i, List::Surnames)
        && i > 0
        && d.sentence_of[i - 1] == d.sentence_of[i]
        && (given(i - 1) || (i > 1 && d.is_cap(i - 1) && (given(i - 2) || d.is_honorific(i - 2) || d.title_to[i - 1].is_some())))
        && !(i + 1 < n && d.is_cap(i + 1))
}

/// The curated place mention after "of" or "for" that ends an organisation
/// name ("Board" + "of" + "England", "Commission for Africa"), if any.
fn place_after_of(d: &Doc<'_>, run: Range<usize>, sentence_end: usize, covered: &[bool]) -> Option<usize> {
    let end = run.end;
    if run.is_empty() || end + 1 >= sentence_end || !matches!(d.lower(end), "of" | "for") || !covered[end + 1] {
        return None;
    }
    if !d.in_list(end - 1, List::OrgHeads) {
        return None;
    }
    d.mentions
        .iter()
        .position(|m| m.tokens.start == end + 1 && m.etype == EntityType::Place && !m.demonym)
}

/// Is token `i` the second or later word of a title ("Attorney General")?
fn inside_title(d: &Doc<'_>, i: usize) -> bool {
    (i.saturating_sub(d.pack.max_title_words)..i).any(|j| d.title_from[j].is_some_and(|(end, _)| end > i))
}

/// "Ms King": a title word after an honorific is a name.
fn after_honorific(d: &Doc<'_>, i: usize) -> bool {
    i > 0 && d.is_honorific(i - 1)
}

fn glued_after(d: &Doc<'_>, i: usize) -> bool {
    i > 0 && d.an.tokens[i].start == d.an.tokens[i - 1].end + 1
}

/// Does a multi-word title start at token `i` ("Prime Minister")?
fn is_title_start(d: &Doc<'_>, i: usize) -> bool {
    d.title_from[i].is_some_and(|(end, _)| end - i >= 2)
}

/// The title ending just before token `end`, if any: (first token, title).
pub(super) fn title_before<'p>(d: &Doc<'p>, end: usize, first: usize) -> Option<(usize, &'p Title)> {
    d.title_to.get(end).copied().flatten().filter(|&(start, _)| start >= first)
}

/// The words of the tokens `r`, one space apart.
/// Borrowed from the text when it is already so (most names): many are
/// only looked up, not kept.
fn name_text<'a>(d: &Doc<'a>, r: &Range<usize>) -> Cow<'a, str> {
    let surface = d.surface(r);
    // Printable ASCII with single spaces between words is already joined.
    let joined = surface.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !surface.contains("  ")
        && !surface.starts_with(' ')
        && !surface.ends_with(' ');
    if joined {
        return Cow::Borrowed(surface);
    }
    let mut out = String::with_capacity(surface.len());
    for w in surface.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    Cow::Owned(out)
}

fn classify(d: &Doc<'_>, mut tokens: Range<usize>, sentence_start: usize) -> Run {
    // "Guy Mansfield QC": post-nominal letters end the name.
    if tokens.len() >= 3 && d.in_list(tokens.end - 1, List::PostNominals) {
        tokens.end -= 1;
    }
    let mut run = Run {
        tokens: tokens.clone(),
        etype: None,
        weak: false,
        gender: None,
        kind: None,
    };
    let last = tokens.end - 1;
    let len = tokens.len();
    // "In 2004," is a year, not a name; "North" of "North London" is no place.
    if tokens.clone().all(|t| d.an.tokens[t].kind == TokenKind::Number) || (len == 1 && d.in_list(tokens.start, List::Compass)) {
        return run;
    }
    let prev = (tokens.start > sentence_start).then(|| tokens.start - 1);
    let prev_word = prev.map(|p| d.tok(p)).unwrap_or("");
    let prev_in = |list: List| prev.is_some_and(|p| d.in_list(p, list));
    // Sentence-initial, or just after an opening quote or dash.
    let initial =
        prev.is_none() || (prev.is_some_and(|p| d.an.tokens[p].kind == TokenKind::Punct) && !matches!(prev_word, "," | ";" | ":"));
    // "Court of Appeal", "Bank of England", "Commission for Africa": the head comes before "of" or "for".
    let head_before_of = tokens
        .clone()
        .position(|t| matches!(d.lower(t), "of" | "for"))
        .filter(|&k| k > 0)
        .map(|k| tokens.start + k - 1);
    if len >= 2 && (d.in_list(last, List::OrgHeads) || head_before_of.is_some_and(|h| d.in_list(h, List::OrgHeads))) {
        run.etype = Some(EntityType::Organization);
    } else if (len >= 2 && d.in_list(last, List::PlaceHeads) && !(len == 2 && surname_after_given_name(d, last)))
        || landmark_noun_follows(d, &tokens, sentence_start)
    {
        run.etype = Some(EntityType::Place);
        run.kind = Some("landmark".into());
    } else if len == 1
        && prev_in(List::CompanyNouns)
        && prev.is_some_and(|p| p == sentence_start || !(d.in_list(p - 1, List::PronounsMale) || d.in_list(p - 1, List::PronounsFemale)))
        && !d.pack.given_names.contains(d.tok(tokens.start))
    {
        // "an executive at rival Porsche", "bid by rival Xstrata" (but "his rival Brown").
        run.etype = Some(EntityType::Organization);
    } else if prev_in(List::HonorificsMale) {
        run.etype = Some(EntityType::Person);
        run.gender = Some('m');
    } else if prev_in(List::HonorificsFemale) {
        run.etype = Some(EntityType::Person);
        run.gender = Some('f');
    } else if prev_in(List::Honorifics)
        || prev.is_some_and(|p| title_before(d, p + 1, sentence_start).is_some())
        || prev_in(List::PersonCues)
        // "his wife, Sandra", "father of Moazzam".
        // Not "son of Juve manager X", "the widow of Nirvana frontman X".
        || prev.is_some_and(|p| {
            p > sentence_start
                && matches!(prev_word, "," | "of")
                && d.in_list(p - 1, List::Kin)
                && !d.in_list(tokens.start, List::NotNames)
                && (tokens.end >= d.an.tokens.len() || d.an.tokens[tokens.end].kind == TokenKind::Punct)
        })
        || (len <= 4 && title_follows(d, tokens.end))
        || ((2..=4).contains(&len) && tokens.clone().all(|t| d.an.tokens[t].kind == TokenKind::Word) && age_follows(d, tokens.end))
        || ((2..=3).contains(&len) && tokens.clone().all(|t| d.an.tokens[t].kind == TokenKind::Word) && affiliation_follows(d, tokens.end))
        // "…, said Kazuhiro Takahashi of Daiwa Securities".
        || ((2..=3).contains(&len)
            && after_attribution(d, tokens.start, sentence_start)
            && tokens.clone().all(|t| d.an.tokens[t].kind == TokenKind::Word && d.is_cap(t))
            && !tokens.clone().any(|t| d.in_list(t, List::OrgHeads) || d.in_list(t, List::PlaceHeads))
            && (tokens.end >= d.an.tokens.len() || matches!(d.lower(tokens.end), "," | "." | ";" | "of" | "from" | "at")))
    {
        run.etype = Some(EntityType::Person);
    } else if prev_in(List::OrgDescriptors)
        // "an analyst at Petercam", "economist with Barclays".
        || (matches!(prev_word, "at" | "with") && prev.is_some_and(|p| title_before(d, p, sentence_start).is_some()))
        // "said Ken Mayland at Clearview Economics".
        || (len >= 2 && prev_word == "at" && prev.is_some_and(|p| p > sentence_start && person_ends(d, p)))
        // "shares in Exel", "a stake in Metrojaya".
        || (matches!(prev_word, "in" | "of") && prev.is_some_and(|p| p > sentence_start && d.in_list(p - 1, List::HoldingNouns)))
        // "chief executive of Borussia Dortmund" (not "President of X": a country's).
        || (prev_word == "of"
            && prev.is_some_and(|p| title_before(d, p, sentence_start).is_some_and(|(_, t)| t.is_executive() && !t.head_of_state)))
        // "Veritas was formed by Mr Kilroy-Silk".
        || founding_follows(d, tokens.end)
        // "Sibneft, a Russian oil company that".
        || kind_in_apposition(d, tokens.end)
        || (!initial && company_after_place(d, &tokens, sentence_start))
        || (len == 1 && is_acronym(d.tok(last)) && !d.in_list(last, List::NotNames))
        || (!(len == 1 && (initial || d.in_list(last, List::OrgHeads))) && qualifies_named_title(d, &tokens))
        || (descriptor_apposition(d, &tokens, sentence_start) && !(len >= 2 && d.pack.given_names.contains(d.tok(tokens.start))))
        || kind_noun_after(d, &tokens, sentence_start)
        || (len == 1 && !initial && possessive_title_follows(d, tokens.end, false))
        // "Air Deccan's managing director Gorur Gopinath".
        || ((len == 2 || (len == 1 && initial)) && !d.pack.given_names.contains(d.tok(tokens.start)) && possessive_title_follows(d, tokens.end, true))
    {
        run.etype = Some(EntityType::Organization);
    } else if prev_word == "for"
        && prev.is_some_and(|p| {
            p > sentence_start && title_before(d, p, sentence_start).is_some_and(|(_, t)| t.relation.as_deref() == Some("memberOf"))
        })
    {
        // "MP for Witney", "Senator for Ohio": a constituency.
        run.etype = Some(EntityType::Place);
    } else if len <= 2 && !initial && matches!(prev_word, "at" | "of" | "in" | "near" | "from") && place_follows(d, tokens.end) {
        // "at Hatfield, Hertfordshire", "of Headingley, Leeds".
        run.etype = Some(EntityType::Place);
        run.weak = true;
    } else if len <= 2 && prev_word == "of" && prev.is_some_and(|p| p > sentence_start && d.in_list(p - 1, List::SettlementNouns)) {
        // "the Albanian city of Vlore", "the port of Burgas".
        run.etype = Some(EntityType::Place);
        run.weak = true;
    } else if len <= 2 && d.an.tokens.get(tokens.end + 1).is_some() && d.tok(tokens.end) == "-" && d.lower(tokens.end + 1) == "based" {
        // "Bracknell-based Exel".
        run.etype = Some(EntityType::Place);
        run.weak = true;
    } else if prev_in(List::PlacePrepositions) && !initial && len <= 2 && !(len == 2 && d.pack.given_names.contains(d.tok(tokens.start))) {
        // Not "in Harold Wilson's government": a full name is a person's.
        run.etype = Some(EntityType::Place);
        run.weak = true;
    }
    run
}

/// "European Policy Centre", "Russian Orthodox Church": the demonym right
/// before an organisation's name ending in a head noun is part of the name;
/// so is a place before head nouns alone ("Sunderland FC", "Leeds
/// University", "Birmingham City Council"). The index of its mention, if so.
fn demonym_prefix(d: &Doc<'_>, run: &Run) -> Option<usize> {
    let start = run.tokens.start;
    let heads_only = run.tokens.len() <= 2 && run.tokens.clone().all(|t| d.in_list(t, List::OrgHeads));
    let org = run.etype == Some(EntityType::Organization) && run.tokens.len() >= 2 && d.in_list(run.tokens.end - 1, List::OrgHeads);
    if !org && !heads_only {
        return None;
    }
    let m = d.mentions.iter().position(|m| m.tokens.end == start)?;
    let mention = &d.mentions[m];
    // "China Aviation Oil", "Korea Exchange Bank": a place's name before an
    // organisation's is part of it too.
    // Not an abbreviation, which qualifies ("US Disney Corporation").
    let abbreviation = || d.surface(&mention.tokens).chars().all(|c| !c.is_lowercase());
    let fits = if mention.demonym {
        org
    } else {
        mention.etype == EntityType::Place && (heads_only || (org && !abbreviation()))
    };
    (fits && d.sentence_of[mention.tokens.start] == d.sentence_of[start] && d.is_cap(mention.tokens.start)).then_some(m)
}

/// Is the run followed by a lower-case title and a name ("Balfour Beatty
/// managers Anthony Walker", "Railtrack chief executive John Armitt")? Then
/// it is the organisation the title belongs to. A run starting with a given
/// name is a person's name instead; one word opening the sentence ("Jailed"),
/// a bare head noun ("Committee chairman X") or title modifiers ("Catholic
/// priest X") are not a name.
fn qualifies_named_title(d: &Doc<'_>, tokens: &Range<usize>) -> bool {
    let (e, n) = (tokens.end, d.an.tokens.len());
    if e >= n || d.is_cap(e) {
        return false;
    }
    // The cheap tests first: a title, then a name in the same sentence.
    let Some((title_end, _)) = d.title_from[e].or(d.plural_title_from[e]) else {
        return false;
    };
    if title_end >= n || d.sentence_of[title_end] != d.sentence_of[e] || !d.is_cap(title_end) {
        return false;
    }
    // "Aid minister Hilary Benn": one word before a minister is a portfolio.
    let portfolio = tokens.len() == 1 && d.in_list(title_end - 1, List::PortfolioTitles);
    if portfolio || d.pack.given_names.contains(d.tok(tokens.start)) || tokens.clone().all(|t| d.in_list(t, List::TitleModifiers)) {
        return false;
    }
    // "Kennedy aide Mark Oaten" after "Charles Kennedy": a surname, not a firm.
    !(tokens.len() == 1 && surname_in_document(d, d.tok(tokens.start)))
}

/// "Heathrow airport", "Belmarsh prison": a name (not opening the
/// sentence, not a given name) right before a lower-case place head is the
/// name of that landmark.
fn landmark_noun_follows(d: &Doc<'_>, tokens: &Range<usize>, sentence_start: usize) -> bool {
    let e = tokens.end;
    e < d.an.tokens.len()
        && tokens.start > sentence_start
        && !d.is_cap(e)
        && d.an.tokens[e].kind == TokenKind::Word
        && d.sentence_of[e] == d.sentence_of[tokens.start]
        && d.in_list(e, List::LandmarkNouns)
        && !d.pack.given_names.contains(d.tok(tokens.start))
}

/// Is the run ending before `e` followed by an age or a kin noun in
/// apposition ("Otis Ferry, the 22-year-old son of", "John Holliday, 37,",
/// "X, the son of")?
fn age_follows(d: &Doc<'_>, e: usize) -> bool {
    let n = d.an.tokens.len();
    if e + 2 >= n || d.tok(e) != "," {
        return false;
    }
    let mut t = e + 1;
    if matches!(d.lower(t), "the" | "a" | "an") {
        t += 1;
    }
    let kin_of = |k: usize| k + 1 < n && d.in_list(k, List::PersonCues) && d.lower(k + 1) == "of";
    t < n
        && (super::coref::age_phrase(d, t).is_some_and(|(end, _)| kin_of(end))
            || kin_of(t)
            || (t == e + 1
                && t + 1 < n
                && d.an.tokens[t].kind == TokenKind::Number
                && d.tok(t + 1) == ","
                && d.tok(t).parse::<u32>().is_ok_and(|a| (16..=100).contains(&a))))
}

/// Is the run ending before `e` followed by a title in apposition
/// ("X, a senior KGB officer", "X - a former Yale historian", "X is senior
/// benefit officer")?
fn title_follows(d: &Doc<'_>, e: usize) -> bool {
    let n = d.an.tokens.len();
    if e >= n {
        return false;
    }
    let si = d.sentence_of[e - 1];
    let mut j = e;
    match d.lower(j) {
        // A dash, not a hyphen: "Kahn - a historian", not "Mid-Bedfordshire MP".
        "-" | "\u{2013}" if d.an.tokens[j].start > d.an.tokens[j - 1].end => j += 1,
        "," | "is" | "was" => j += 1,
        _ => return false,
    }
    if j < n && matches!(d.lower(j), "a" | "an" | "the") {
        j += 1;
    }
    for _ in 0..8 {
        if j >= n || d.sentence_of[j] != si {
            return false;
        }
        if let Some((end, _)) = d.title_from[j] {
            // "However, Labour MP Karen Buck": a title followed by a name is that name's.
            return end >= n || !d.is_cap(end);
        }
        let t = d.an.tokens[j];
        if (t.kind == TokenKind::Punct && d.tok(j) != "-") || d.in_list(j, List::FunctionWords) {
            return false;
        }
        j += 1;
    }
    false
}

/// Is the run ending before `e` the subject of its founding ("Veritas was
/// formed by", "X, founded in 1999"; lexicon `founding_verbs`)? Then it
/// names an organisation.
fn founding_follows(d: &Doc<'_>, e: usize) -> bool {
    let n = d.an.tokens.len();
    let j = if e < n && matches!(d.lower(e), "was" | "were" | "," | "has" | "had") {
        e + 1
    } else {
        return false;
    };
    let j = if j < n && d.lower(j) == "been" { j + 1 } else { j };
    j < n
        && d.in_list(j, List::FoundingVerbs)
        && j + 1 < n
        && matches!(
            d.lower(j + 1),
            "by" | "in" | "last" | "earlier" | "this" | "two" | "three" | "a" | "as" | "after"
        )
}

/// Does the name at `start` follow an attribution verb after a comma or a
/// quotation ("…, said X", "\"…\" added X")?
fn after_attribution(d: &Doc<'_>, start: usize, sentence_start: usize) -> bool {
    start >= sentence_start + 2
        && d.in_list(start - 1, List::AttributionVerbs)
        && matches!(d.tok(start - 2), "," | "\"" | "\u{201d}" | "'" | "\u{2019}")
}

/// "Shami Chakrabarti, from human rights group Liberty", "X, of the
/// charity Y": a name followed by where its bearer comes from, an
/// organisation named after a kind of body.
fn affiliation_follows(d: &Doc<'_>, e: usize) -> bool {
    let n = d.an.tokens.len();
    if e + 2 >= n || d.tok(e) != "," || !matches!(d.lower(e + 1), "from" | "of") {
        return false;
    }
    let si = d.sentence_of[e];
    let mut j = e + 2;
    if d.lower(j) == "the" {
        j += 1;
    }
    for _ in 0..4 {
        if j + 1 >= n || d.sentence_of[j] != si || d.is_cap(j) || d.an.tokens[j].kind != TokenKind::Word {
            return false;
        }
        if d.in_list(j, List::OrgDescriptors) {
            return d.is_cap(j + 1);
        }
        j += 1;
    }
    false
}

/// Two full names of one person: same surname (checked by the caller) and
/// first names equal or transliteration variants ("Viktor"/"Victor").
fn same_person(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (fa, fb) = (a.split_whitespace().next().unwrap_or(""), b.split_whitespace().next().unwrap_or(""));
    let (la, lb) = (a.split_whitespace().last(), b.split_whitespace().last());
    la == lb
        && fa.chars().next() == fb.chars().next()
        && strsim::levenshtein(&fa.to_lowercase(), &fb.to_lowercase()) <= 1 + fa.chars().count().min(fb.chars().count()) / 6
}

/// "DaimlerChrysler's chairman": a single unknown name owning a title is an
/// organisation (a person's surname is resolved before this counts). With
/// `executive`, only an executive's title followed by the holder's name
/// counts ("Air Deccan's managing director Gorur Gopinath"; a person's
/// name owns a "spokesman" or an "aide").
fn possessive_title_follows(d: &Doc<'_>, e: usize, executive: bool) -> bool {
    let n = d.an.tokens.len();
    if e + 1 >= n || !matches!(d.lower(e), "'s" | "\u{2019}s") || d.pack.given_names.contains(d.tok(e - 1)) {
        return false;
    }
    let j = if e + 2 < n && d.in_list(e + 1, List::TitleModifiers) {
        e + 2
    } else {
        e + 1
    };
    // The executive's name may follow in apposition ("Marsh's new chief executive, Michael Cherkasky").
    let name_at = |end: usize| end < n && (d.is_cap(end) || (d.tok(end) == "," && end + 1 < n && d.is_cap(end + 1)));
    d.title_from[j].is_some_and(|(end, t)| t.relation.is_some() && (!executive || (t.is_executive() && name_at(end))))
}

/// Does a person's name end right before token `t` (a curated one, or a
/// capitalised run starting with a given name)?
fn person_ends(d: &Doc<'_>, t: usize) -> bool {
    d.mentions
        .iter()
        .any(|m| m.tokens.end == t && m.etype == EntityType::Person && !m.pronoun)
        || (t >= 2 && d.is_cap(t - 1) && d.pack.given_names.contains(d.tok(t - 2)))
}

/// Is token `e` a comma followed by a curated town, county, region or
/// country ("Hatfield, Hertfordshire")?
fn place_follows(d: &Doc<'_>, e: usize) -> bool {
    e + 1 < d.an.tokens.len()
        && d.tok(e) == ","
        && d.mentions.iter().any(|m| {
            m.tokens.start == e + 1
                && m.etype == EntityType::Place
                && !m.demonym
                && matches!(d.entities[m.entity].kind.as_deref(), Some("city" | "region" | "country"))
        })
}

/// "Sibneft, a Russian oil company that …": a name followed by an
/// apposition naming a kind of organisation (up to three lower-case words
/// or a demonym before it; the noun ends the phrase).
fn kind_in_apposition(d: &Doc<'_>, e: usize) -> bool {
    let n = d.an.tokens.len();
    if e + 2 >= n || d.tok(e) != "," {
        return false;
    }
    // "a Russian oil company", "the Italian firm", "India's biggest
    // software firm", "the country's second-largest brokerage firm".
    let possessive = |k: usize| k < n && matches!(d.lower(k), "'s" | "\u{2019}s");
    let start = match d.lower(e + 1) {
        "the" if possessive(e + 3) => e + 4,
        "a" | "an" | "the" => e + 2,
        // "Metrojaya, one of the largest retail groups in Malaysia".
        "one" if d.lower(e + 2) == "of" && d.lower(e + 3) == "the" => e + 4,
        _ => match d.mentions.iter().find(|m| m.tokens.start == e + 1 && m.etype == EntityType::Place) {
            Some(m) if m.tokens.end + 1 < n && possessive(m.tokens.end) => m.tokens.end + 1,
            _ => return false,
        },
    };
    let si = d.sentence_of[e];
    for j in start..(start + 5).min(n - 1) {
        if d.sentence_of[j] != si {
            return false;
        }
        if d.in_list(j, List::OrgNounsAfter) {
            let next = d.lower(j + 1);
            return matches!(
                next,
                "," | "."
                    | "that"
                    | "which"
                    | "based"
                    | "whose"
                    | "with"
                    | "in"
                    | "and"
                    | "founded"
                    | "owned"
                    | "run"
                    | "controlled"
                    | "headed"
                    | "led"
            );
        }
        if d.in_list(j, List::UnitNouns) {
            return d.lower(j + 1) == "of";
        }
        // "Sibneft, Russia's fifth-biggest oil company," ("oil" describes it).
        // "Changyu, the largest wine maker in China" (but "the film maker").
        let superlative = d.lower(e + 1) == "the" && d.in_list(e + 2, List::Superlatives);
        if (superlative || (start != e + 2 && d.lower(e + 1) != "the"))
            && d.in_list(j, List::CompanyNouns)
            && !d.in_list(j, List::StaffNouns)
            && matches!(d.lower(j + 1), "," | "." | "that" | "which" | "and" | "in")
        {
            return true;
        }
        if !describing_word(d, j) {
            return false;
        }
    }
    false
}

/// "Germany's ThyssenKrupp", "Madrid-based Ferrovial": one word right
/// after a place's possessive, or up to two after "Place-based", name a
/// company (two words after a possessive are as often an athlete's name:
/// "France's Hind Dehiba"; a person's name starts with a given name, and a
/// surname is seen after one).
fn company_after_place(d: &Doc<'_>, tokens: &Range<usize>, sentence_start: usize) -> bool {
    let start = tokens.start;
    if start < sentence_start + 2 || tokens.len() > 2 || d.pack.given_names.contains(d.tok(start)) {
        return false;
    }
    let after_place = |end: usize| {
        d.mentions
            .iter()
            .any(|m| m.tokens.end == end && m.etype == EntityType::Place && (m.demonym || d.is_cap(m.tokens.start)))
    };
    let possessive = tokens.len() == 1 && matches!(d.lower(start - 1), "'s" | "\u{2019}s") && after_place(start - 1);
    // The place before "-based" may be one no gazetteer knows ("Bracknell-based").
    let based = d.lower(start - 1) == "based"
        && d.tok(start - 2) == "-"
        && start >= sentence_start + 3
        && (after_place(start - 2) || d.is_cap(start - 3));
    if !(possessive || based) {
        return false;
    }
    let w = d.tok(start);
    // "Britain's Jewish community", "China's State Environmental Protection
    // Agency": adjectives of nationality or faith and common words are no firms.
    let adjective = tokens.len() == 1
        && d.pack
            .lexicon
            .get("adjective_suffixes")
            .is_some_and(|suffixes| suffixes.iter().any(|suffix| w.ends_with(suffix.as_str())));
    !adjective
        && !d.in_list(start, List::NotNames)
        && (tokens.end >= d.an.tokens.len() || !d.is_cap(tokens.end))
        && !surname_in_document(d, w)
}

/// Does the word follow a given name somewhere in the document ("Kennedy"
/// after "Charles Kennedy")? Then it is a surname, not a firm's name.
fn surname_in_document(d: &Doc<'_>, w: &str) -> bool {
    (1..d.an.tokens.len()).any(|k| d.tok(k) == w && d.pack.given_names.contains(d.tok(k - 1)))
}

/// "The mill, Krivorizhstal, is": a name in commas after an organisation noun.
fn descriptor_apposition(d: &Doc<'_>, tokens: &Range<usize>, sentence_start: usize) -> bool {
    tokens.start >= sentence_start + 2
        && d.tok(tokens.start - 1) == ","
        && d.in_list(tokens.start - 2, List::OrgDescriptors)
        && tokens.end < d.an.tokens.len()
        && d.tok(tokens.end) == ","
}

/// "the Naftohaz company", "the Indian state-owned Tata group": a short
/// name after "the" (and up to four lower-case words, hyphens or
/// demonyms) and before a kind of
/// organisation. Not a person's full name.
fn kind_noun_after(d: &Doc<'_>, tokens: &Range<usize>, sentence_start: usize) -> bool {
    if tokens.len() > 3 || tokens.end >= d.an.tokens.len() || !d.in_list(tokens.end, List::OrgNounsAfter) {
        return false;
    }
    if d.pack.given_names.contains(d.tok(tokens.start)) {
        return false;
    }
    let mut k = tokens.start;
    while k > sentence_start && tokens.start - k < 5 {
        k -= 1;
        match d.lower(k) {
            "the" => return true,
            _ if describing_word(d, k) => {}
            _ => return false,
        }
    }
    false
}

/// A word that can describe a kind of organisation before its noun: a
/// lower-case word, a hyphen or a demonym ("Russian state-owned").
fn describing_word(d: &Doc<'_>, k: usize) -> bool {
    let demonym = || d.mentions.iter().any(|m| m.demonym && m.tokens.contains(&k));
    d.an.tokens[k].kind == TokenKind::Word && (!d.is_cap(k) || demonym()) || d.tok(k) == "-"
}

fn is_acronym(w: &str) -> bool {
    let n = w.chars().count();
    (2..=6).contains(&n)
        && w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && !w.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'))
}

fn new_entity(d: &mut Doc<'_>, etype: EntityType, label: &str, kind: Option<String>) -> usize {
    d.entities.push(Local {
        etype,
        label: Cow::Owned(label.to_string()),
        names: BTreeSet::new(),
        entry: None,
        kind: kind.map(Cow::Owned),
        gender: None,
    });
    d.entities.len() - 1
}

fn find_or_new(d: &mut Doc<'_>, etype: EntityType, label: &str, kind: Option<String>) -> usize {
    d.entities
        .iter()
        .position(|e| e.etype == etype && (e.label == label || e.names.contains(label)))
        .unwrap_or_else(|| new_entity(d, etype, label, kind))
}
