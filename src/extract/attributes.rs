//! Attributes of persons and the relations their titles imply.
//!
//! Titles come before a name ("Catholic priest Jan Novak", "Tory leader
//! Anna Smith", "the Polish ambassador to Slovakia, Jan Novak") or after it
//! in apposition ("Jan Novak, a senior KGB officer"). The organisation, place or demonym qualifying a title gives the
//! title's relation (leaderOf, affiliatedWith, memberOf, as the rule pack
//! says); a head-of-state title with no qualifier leads the person's curated
//! country or else the document's main country. Ages come from "N-year-old"
//! in apposition and from "X, N,".

use super::coref::age_phrase;
use super::entities::title_before;
use super::{Doc, LocalRelation, Mention};
use crate::model::{AttributeValue, EntityType, Span};
use crate::rules::List;
use crate::rules::Title;
use crate::text::TokenKind;
use rustc_hash::FxHashMap as HashMap;

#[derive(Clone)]
struct Found<'p> {
    person: usize,
    title: &'p Title,
    text: String,
    qualifier: Option<usize>,
    /// The qualifier is a nationality, a demonym ("the Dutch co-chairman"):
    /// the holder is from there, and an executive does not lead it.
    nationality: bool,
    /// A party before the title when something else qualifies it
    /// ("London's Labour mayor"): the person is a member.
    party: Option<usize>,
    complement: Option<usize>,
    /// "of", "at" or "for" follows the title but names nothing recognised:
    /// no guessed object (main country, last organisation) either.
    open_complement: bool,
    opposition: bool,
    /// A deputy's office named before its qualifier ("deputy Conservative
    /// chairman"); a subordinate word inside `text` counts too.
    subordinate: bool,
    span: Span,
    sentence: usize,
    /// From a title in the plural ("Labour MPs A and B"): it also holds for
    /// the persons listed after this one.
    plural: bool,
}

impl Found<'_> {
    /// A relation the title implies, with the title's evidence; the rule is
    /// `{kind}:{title words}`.
    fn relation(&self, predicate: &str, object: usize, kind: &str) -> LocalRelation {
        LocalRelation {
            subject: self.person,
            predicate: predicate.into(),
            object,
            rule: format!("{kind}:{}", self.title.words),
            span: self.span,
            sentence: self.sentence,
        }
    }
}

pub(super) fn extract(d: &mut Doc<'_>) {
    let mut found = Vec::new();
    let mut ages = Vec::new();
    for mi in 0..d.mentions.len() {
        let m = &d.mentions[mi];
        if m.etype != EntityType::Person || m.demonym || m.pronoun {
            continue;
        }
        let si = d.sentence_of[m.tokens.start];
        let first = d.an.sentences[si].tokens.start;
        let last = d.an.sentences[si].tokens.end;
        if let Some(f) = title_left(d, mi, first) {
            let listed = if f.plural { listed_after(d, mi, last) } else { Vec::new() };
            // Each listed person's evidence runs from the title to their name.
            let others: Vec<Found<'_>> = listed
                .into_iter()
                .map(|(person, end)| Found {
                    person,
                    span: Span {
                        start: f.span.start,
                        end: d.an.tokens[end - 1].end,
                    },
                    ..f.clone()
                })
                .collect();
            found.push(f);
            found.extend(others);
        }
        // Apposition after the name: ", a senior KGB officer", " - a former Yale historian", ", 50,".
        let b = m.tokens.end;
        if b + 1 < last && matches!(d.tok(b), "," | "-" | "is" | "was") {
            let mut j = b + 1;
            if matches!(d.lower(j), "a" | "an" | "the") {
                j += 1;
            }
            if let Some((_, age)) = (j < last).then(|| age_phrase(d, j)).flatten() {
                ages.push((m.entity, age, d.span_of(&(m.tokens.start..j + 5)), si));
            } else if j < last && d.an.tokens[j].kind == TokenKind::Number && d.tok(b) == "," && j + 1 < last && d.tok(j + 1) == "," {
                if let Ok(age) = d.tok(j).parse::<u32>() {
                    if (1..=120).contains(&age) {
                        ages.push((m.entity, age, d.span_of(&(m.tokens.start..j + 1)), si));
                    }
                }
            } else if let Some(f) = title_right(d, mi, j, last) {
                found.push(f);
            }
        }
    }
    let (more, mentions) = descriptions(d, &found);
    found.extend(more);
    if !mentions.is_empty() {
        d.mentions.extend(mentions);
        d.mentions.sort_by_key(|m| m.tokens.start);
    }
    for (e, age, span, si) in ages {
        d.attributes.push((e, AttributeValue::Age(age), "age:apposition".into(), span, si));
    }
    let mut opponents = Vec::new();
    // A head of state named with their country once ("ties with President
    // Kerekou" in a sentence on Benin) leads that one wherever else the
    // title stands alone, not the document's main country.
    let mut stated_country: HashMap<usize, usize> = HashMap::default();
    for f in found
        .iter()
        .filter(|f| f.title.head_of_state && f.qualifier.is_none() && f.complement.is_none())
    {
        if let Some(c) = sentence_country(d, f.sentence) {
            stated_country.entry(f.person).or_insert(c);
        }
    }
    for f in &found {
        d.attributes
            .push((f.person, AttributeValue::Title(f.text.clone()), "title".into(), f.span, f.sentence));
        if f.opposition {
            opponents.push((f.person, f.span, f.sentence));
        }
        if let Some(p) = f.party {
            // "London's Labour mayor": a member; "London's Labour spokesman": affiliated.
            let predicate = if f.title.relation.as_deref() == Some("affiliatedWith") {
                "affiliatedWith"
            } else {
                "memberOf"
            };
            d.relations.push(f.relation(predicate, p, "title-party"));
        }
        let Some(pred) = &f.title.relation else { continue };
        // "Deputy Prime Minister X" does not lead: affiliated with what qualifies the title, if anything.
        let subordinate = f.subordinate
            || f.text
                .split(|c: char| c.is_whitespace() || c == '-')
                .any(|w| d.pack.word_in(&w.to_lowercase(), List::SubordinateWords));
        let pred = if subordinate && pred == "leaderOf" {
            &"affiliatedWith".to_string()
        } else {
            pred
        };
        let object = f.qualifier.or(f.complement).or_else(|| {
            // "X, president of domestic distribution at Y": nothing guessed;
            // but "Tony Blair, prime minister for eight years" still leads
            // his curated country.
            if let Some(o) = body_before_title(d, f) {
                return Some(o);
            }
            if f.open_complement {
                return (f.title.head_of_state && !subordinate)
                    .then(|| curated_country(d, f.person))
                    .flatten();
            }
            if f.title.is_executive() && pred == "leaderOf" && !subordinate && !f.plural {
                return last_organisation(d, f);
            }
            // "Japan's economy …, said economy minister Heizo Takenaka": a
            // minister (lexicon `government_titles`) is the government's, of
            // the one country named before.
            if pred == "affiliatedWith"
                && !subordinate
                && f.text
                    .split([' ', '-'])
                    .any(|w| d.pack.word_in(&w.to_lowercase(), List::GovernmentTitles))
            {
                return country_before(d, f);
            }
            if !f.title.head_of_state || subordinate {
                return None;
            }
            // The person's curated country, when the text names it (a person
            // curated in a country the text does not name leads no other).
            if d.entities[f.person].entry.and_then(|x| d.pack.within_of(x)).is_some() {
                return curated_country(d, f.person);
            }
            // News style capitalises a head of state's title before the name
            // ("President Bush") but not a firm's ("after the death of
            // president Umberto Agnelli"): that one is the company's just
            // named, if any.
            if f.title.corporate && title_written_first(d, f).is_some_and(|w| w.starts_with(|c: char| c.is_lowercase())) {
                return last_organisation(d, f);
            }
            sentence_country(d, f.sentence)
                .or_else(|| stated_country.get(&f.person).copied())
                .or(d.main_country)
        });
        // An executive qualified by a nationality ("Dutch co-chairman X") is
        // from there, not its leader; by a curated landmark ("Downing Street
        // media chief") works there. A place's name stays: "Liverpool boss",
        // "Wales coach", "Manchester City boss" lead the team.
        let place_kind = |o: usize| {
            (d.entities[o].etype == EntityType::Place)
                .then(|| d.entities[o].kind.as_deref())
                .flatten()
        };
        // "the German co-head of EADS" still leads what follows "of".
        let object = if f.title.affiliated && f.nationality {
            f.complement.filter(|&c| Some(c) != f.qualifier)
        } else {
            object
        };
        let pred = match object {
            Some(o) if f.title.affiliated && pred == "leaderOf" && place_kind(o) == Some("landmark") && d.entities[o].entry.is_some() => {
                &"affiliatedWith".to_string()
            }
            _ => pred,
        };
        // "Welsh secretary of the British Medical Association": the
        // nationality qualifies, and the body named after "of" is his too.
        let also = f.complement.filter(|&c| f.nationality && object.is_some_and(|o| o != c));
        for o in object.into_iter().chain(also) {
            // memberOf ranges over organisations: a member for a place
            // ("the Witney MP") is affiliated with it; a party that
            // qualifies an office rather than a party role ("Labour mayor")
            // has a member ("Tory spokesman" stays affiliated).
            let pred = if pred == "memberOf" && d.entities[o].etype == EntityType::Place {
                "affiliatedWith"
            } else if is_party(d, o) && !f.title.party_role && pred == "leaderOf" {
                "memberOf"
            } else {
                pred.as_str()
            };
            d.relations.push(f.relation(pred, o, "title"));
            if f.title.affiliated && pred == "leaderOf" && d.entities[o].etype == EntityType::Organization {
                d.relations.push(f.relation("affiliatedWith", o, "title"));
                // "Lib Dem chairman X" is a member of the party too.
                if is_party(d, o) {
                    d.relations.push(f.relation("memberOf", o, "title"));
                }
            }
        }
    }
    // An opposition figure opposes whoever leads the main country.
    if let Some(country) = d.main_country {
        let leaders: Vec<usize> = d
            .relations
            .iter()
            .filter(|r| r.predicate == "leaderOf" && r.object == country)
            .map(|r| r.subject)
            .collect();
        for (p, span, sentence) in opponents {
            for &l in &leaders {
                if l != p {
                    d.relations.push(LocalRelation {
                        subject: p,
                        predicate: "opposes".into(),
                        object: l,
                        rule: "title:opposition".into(),
                        span,
                        sentence,
                    });
                }
            }
        }
    }
}

/// Definite title descriptions in subject position ("The Tory leader
/// argued", `"…," the home secretary said`): the person who already bears
/// that title (or one ending in it: "the minister" is the justice minister)
/// in the document, else, when the title is qualified ("Tory
/// leader"), the person the text last spoke of. An unqualified title with
/// no bearer ("the prime minister") stays unresolved.
fn descriptions<'p>(d: &Doc<'p>, known: &[Found<'p>]) -> (Vec<Found<'p>>, Vec<Mention>) {
    let mut found = Vec::new();
    let mut mentions = Vec::new();
    for si in 0..d.an.sentences.len() {
        let range = d.an.sentences[si].tokens.clone();
        for t in range.clone() {
            if d.lower(t) != "the" || d.in_quote(t) {
                continue;
            }
            // Elsewhere than opening a clause ("accused the prime minister
            // of"), only someone named with the same title before.
            let subject = t == range.start
                || (t > range.start && d.is_mark(t - 1))
                || (t > range.start + 1 && d.tok(t - 1) == "," && d.is_mark(t - 2));
            // "Quentin Davies, the MP for Grantham": an apposition, read with
            // its name ("In Edinburgh, the prime minister said" is not one).
            if !subject && t > range.start + 1 && matches!(d.tok(t - 1), "," | "-") && ends_person(d, t - 1) {
                continue;
            }
            let mut j = t + 1;
            let mut qualifier = None;
            let mut nationality = false;
            let mut opposition = false;
            while j < range.end {
                if let Some(m) = d.mention_at(j).map(|i| &d.mentions[i]).filter(|m| !m.pronoun) {
                    if qualifier.is_some() || !matches!(m.etype, EntityType::Organization | EntityType::Place) {
                        break;
                    }
                    qualifier = Some(m.entity);
                    nationality = m.demonym;
                    j = m.tokens.end;
                } else if title_at(d, j, range.end).is_none() && d.in_list(j, List::TitleModifiers) {
                    opposition |= d.in_list(j, List::OppositionWords);
                    j += 1;
                } else {
                    break;
                }
            }
            let Some((end, title)) = title_at(d, j, range.end) else { continue };
            let of_a_name = d.lower(end) == "of" && (end + 1 >= range.end || d.is_cap(end + 1) || d.lower(end + 1) == "the");
            if end < range.end && (d.is_cap(end) || of_a_name || d.tok(end) == ",") {
                continue;
            }
            // Not a deputy's, shadow's or former holder's title ("Deputy Prime
            // Minister John Prescott" is not "the prime minister").
            let before = |f: &&Found<'_>| {
                f.span.start < d.an.tokens[t].start
                    && !f.text.split(|c: char| c.is_whitespace() || c == '-').any(|w| {
                        d.pack.word_in(&w.to_lowercase(), List::SubordinateWords) || matches!(w.to_lowercase().as_str(), "former" | "ex")
                    })
            };
            // "the Irish captain" is not the All Blacks captain named before.
            let same_qualifier = |f: &&Found<'_>| qualifier.is_none() || f.qualifier == qualifier;
            let bearer = known
                .iter()
                .rev()
                .filter(before)
                .filter(same_qualifier)
                .find(|f| std::ptr::eq(f.title, title))
                .or_else(|| {
                    known
                        .iter()
                        .rev()
                        .filter(before)
                        .filter(same_qualifier)
                        .find(|f| same_office(d, f.title, title))
                })
                .map(|f| f.person);
            // Not "the president of his business empire".
            let office = (end >= range.end || d.lower(end) != "of")
                .then(|| office_holder(d, title, qualifier, t))
                .flatten();
            let person = bearer.or(office).or_else(|| {
                qualifier.filter(|_| subject)?;
                d.mentions
                    .iter()
                    .rev()
                    .filter(|m| m.tokens.end <= t && m.etype == EntityType::Person && !m.demonym && !d.in_quote(m.tokens.start))
                    .find(|m| si.saturating_sub(d.sentence_of[m.tokens.start]) <= 3)
                    .map(|m| m.entity)
            });
            let Some(person) = person else { continue };
            found.push(Found {
                person,
                title,
                text: collapse(d.surface(&(t + 1..end))),
                qualifier,
                nationality,
                party: None,
                complement: None,
                open_complement: false,
                opposition,
                subordinate: false,
                span: d.span_of(&(t..end)),
                sentence: si,
                plural: false,
            });
            mentions.push(Mention {
                tokens: t..end,
                etype: EntityType::Person,
                entity: person,
                demonym: false,
                pronoun: true,
            });
        }
    }
    (found, mentions)
}

/// Does a person's name (or a pronoun) end right before token `t`?
fn ends_person(d: &Doc<'_>, t: usize) -> bool {
    d.mentions.iter().any(|m| m.tokens.end == t && m.etype == EntityType::Person)
}

/// "Tony Blair … the prime minister said": the curated person mentioned
/// before token `t` who is known by the office (`offices` in the pack), of
/// the country that qualifies it if one does; the most mentioned one, then
/// the one named last.
fn office_holder(d: &Doc<'_>, title: &Title, qualifier: Option<usize>, t: usize) -> Option<usize> {
    // Qualified by the holder's country ("the British prime minister") or
    // party ("the Tory leader").
    let holds = |e: usize| {
        d.entities[e].entry.is_some_and(|x| {
            d.pack.entries[x].offices.contains(&title.words)
                && qualifier.is_none_or(|q| {
                    let country = d.pack.within_of(x);
                    let party = d.pack.entries[x].party.as_ref().and_then(|p| d.pack.entry_by_name.get(p).copied());
                    d.entities[q].entry.is_some() && (d.entities[q].entry == country || d.entities[q].entry == party)
                })
        })
    };
    // (entity, its mentions in the document, its last mention before `t`).
    let mut holders: Vec<(usize, usize, usize)> = Vec::new();
    for (i, m) in d.mentions.iter().enumerate() {
        if m.tokens.end > t || m.pronoun || m.demonym || m.etype != EntityType::Person {
            continue;
        }
        match holders.iter_mut().find(|h| h.0 == m.entity) {
            Some(h) => h.2 = i,
            None if holds(m.entity) => {
                let count = d.mentions.iter().filter(|x| x.entity == m.entity && !x.pronoun).count();
                holders.push((m.entity, count, i));
            }
            None => {}
        }
    }
    holders.into_iter().max_by_key(|&(_, count, last)| (count, last)).map(|(e, _, _)| e)
}

/// The title as written where its evidence starts, if the evidence starts
/// with it (a title before the name: "said president Umberto Agnelli").
fn title_written_first<'a>(d: &Doc<'a>, f: &Found<'_>) -> Option<&'a str> {
    d.text[f.span.start..]
        .get(..f.text.len())
        .filter(|w| w.eq_ignore_ascii_case(&f.text))
}

/// The country a person's curated entry is in, when the document names it.
fn curated_country(d: &Doc<'_>, person: usize) -> Option<usize> {
    let entry = d.entities[person].entry.and_then(|x| d.pack.within_of(x))?;
    d.entities.iter().position(|e| e.entry == Some(entry))
}

/// "Yukos said … said chief executive Steven Theede": an executive's title
/// that nothing qualifies belongs to an organisation the text named in the
/// same sentence or the two before.
/// Only a title right before the name, opening the clause ("Chief
/// executive X said", "said chairman X"): after a name or a noun the title is
/// qualified by something not recognised ("Global Asset Management
/// investment chief X"), and an unrecognised complement follows one in
/// apposition ("X, chief executive of the Refugee Council").
fn last_organisation(d: &Doc<'_>, f: &Found<'_>) -> Option<usize> {
    let (range, t) = evidence_start(d, f)?;
    let prefix = title_written_first(d, f).is_some();
    let opens = t == range.start
        || d.an.tokens[t - 1].kind == TokenKind::Punct && !matches!(d.lower(t - 1), "'s" | "\u{2019}s" | "'" | "\u{2019}")
        || d.in_list(t - 1, List::Speech);
    if !prefix || !opens {
        return None;
    }
    // Of several, the one the document names most ("Yukos said … the
    // European court … said chief executive X"), else the last.
    let first = d.an.sentences[f.sentence.saturating_sub(2)].tokens.start;
    let count = |e: usize| d.mentions.iter().filter(|m| m.entity == e).count();
    d.mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            m.etype == EntityType::Organization
                && !m.demonym
                && m.tokens.start >= first
                && d.an.tokens[m.tokens.end - 1].end <= f.span.start
                && m.entity != f.person
        })
        .max_by_key(|&(i, m)| (count(m.entity), i))
        .map(|(_, m)| m.entity)
}

/// The tokens of the title's sentence and the token its evidence starts at.
fn evidence_start(d: &Doc<'_>, f: &Found<'_>) -> Option<(std::ops::Range<usize>, usize)> {
    let range = d.an.sentences[f.sentence].tokens.clone();
    let t = d.an.tokens.binary_search_by_key(&f.span.start, |t| t.start).ok()?;
    range.contains(&t).then_some((range, t))
}

/// "Committee chairman John Denham" after "the home affairs committee": a
/// body's noun right before a title written before the name stands for the
/// organisation named last whose name has that noun.
fn body_before_title(d: &Doc<'_>, f: &Found<'_>) -> Option<usize> {
    title_written_first(d, f)?;
    let (range, t) = evidence_start(d, f)?;
    let k = t.checked_sub(1).filter(|&k| k >= range.start)?;
    if d.mention_at(k).is_some() || !d.in_list(k, List::CommitteeNouns) {
        return None;
    }
    super::coref::named_with_noun(d, k, d.lower(k))
}

/// The one country named in a sentence, if exactly one is.
fn sentence_country(d: &Doc<'_>, si: usize) -> Option<usize> {
    one_country(d, si, usize::MAX)
}

/// The one country named in the title's sentence before the title.
fn country_before(d: &Doc<'_>, f: &Found<'_>) -> Option<usize> {
    one_country(d, f.sentence, f.span.start)
}

/// The one country named in sentence `si` before byte `before`.
fn one_country(d: &Doc<'_>, si: usize, before: usize) -> Option<usize> {
    let range = &d.an.sentences[si].tokens;
    let mut found: Vec<usize> = d
        .mentions
        .iter()
        .filter(|m| range.contains(&m.tokens.start) && !m.demonym && !m.pronoun && d.an.tokens[m.tokens.end - 1].end <= before)
        .map(|m| m.entity)
        .filter(|&e| d.entities[e].kind.as_deref() == Some("country"))
        .collect();
    found.dedup();
    (found.len() == 1).then(|| found[0])
}

/// The mention that ends just before token `end`, if any.
fn mention_ending(d: &Doc<'_>, end: usize) -> Option<usize> {
    d.mention_ending(end).filter(|&i| !d.mentions[i].pronoun)
}

/// Title before the name at mention `mi`.
fn title_left<'p>(d: &Doc<'p>, mi: usize, first: usize) -> Option<Found<'p>> {
    let m = &d.mentions[mi];
    let si = d.sentence_of[m.tokens.start];
    let mut p = m.tokens.start;
    // Skip honorifics ("Sir", "Dr"), but one that is a title itself ends the
    // walk ("Medical Research Council Professor X").
    while p > first && d.is_honorific(p - 1) && title_before(d, p, first).is_none() {
        p -= 1;
    }
    let mut complement = None;
    let apposition = title_before(d, p, first).is_none();
    let plural_title = d.plural_title_to.get(p).copied().flatten().filter(|&(start, _)| start >= first);
    let plural = title_before(d, p, first).is_none() && plural_title.is_some();
    let (ts, title, end) = if let Some((ts, t)) = title_before(d, p, first).or(plural_title) {
        (ts, t, p)
    } else if p > first + 1 && d.tok(p - 1) == "," {
        // Apposition before the name: "the ambassador to Slovakia, X", "the director of public prosecutions, X".
        let mut e = p - 1;
        if let Some(c) = mention_ending(d, e) {
            let prep = d.mentions[c].tokens.start.checked_sub(1)?;
            if matches!(d.lower(prep), "of" | "for" | "at" | "in" | "to") {
                if d.lower(prep) != "to" {
                    complement = Some(d.mentions[c].entity);
                }
                e = prep;
            }
        }
        match title_before(d, e, first) {
            Some((ts, t)) => (ts, t, e),
            None => {
                // Skip "of" + up to three lower-case words.
                let mut k = e;
                let mut n = 0;
                while k > first && n < 3 && !d.is_cap(k - 1) && d.an.tokens[k - 1].kind == TokenKind::Word && d.lower(k - 1) != "of" {
                    k -= 1;
                    n += 1;
                }
                if k <= first || d.lower(k - 1) != "of" {
                    return None;
                }
                let (ts, t) = title_before(d, k - 1, first)?;
                (ts, t, k - 1)
            }
        }
    } else {
        return None;
    };
    let (q, opposition) = modifiers_before(d, ts, first);
    // "as he begins his second term as US President, Tony Blair has said":
    // a role after "as" in the reported clause is someone else's, not the
    // reporter's after the comma ("In his new job as Renault chief
    // executive, Mr Ghosn will" is his).
    if apposition {
        let b = mention_ending(d, q).map_or(q, |m| d.mentions[m].tokens.start);
        let n = d.an.tokens.len();
        let e = m.tokens.end;
        let reports =
            e < n && (d.in_list(e, List::Speech) || (e + 1 < n && matches!(d.lower(e), "has" | "had") && d.in_list(e + 1, List::Speech)));
        let holder_before = d
            .mentions
            .iter()
            .any(|o| o.etype == EntityType::Person && !o.pronoun && !o.demonym && o.tokens.start >= first && o.tokens.end < b);
        if b > first && d.lower(b - 1) == "as" && reports && holder_before {
            return None;
        }
    }
    // "Russian tennis chief", "European commission president": a nationality
    // before a noun does not say what the title leads (it says where an
    // "Indian oil minister" works).
    let leads = title.relation.as_deref() == Some("leaderOf");
    let mut qualifier = qualifier_ending(d, q)
        .or_else(|| possessive_qualifier(d, q, first).filter(|&e| !(leads && demonym_before_noun(d, q, e))))
        .or_else(|| (q > first).then(|| org_reference(d, q - 1)).flatten())
        .or_else(|| {
            (d.in_list(q, List::PartyNouns) && q <= ts && unqualified(d, q, first))
                .then(|| curated_party(d, m.entity).or_else(|| party_named_last(d, q)))
                .flatten()
        })
        .or_else(|| {
            // "But leader Charles Kennedy said": a party role nothing
            // qualifies is in the holder's curated party, when it is named.
            (title.party_role && !title.affiliated && q == ts && unqualified(d, q, first))
                .then(|| curated_party(d, m.entity))
                .flatten()
        })
        .or_else(|| {
            let executive = title.affiliated || title.relation.as_deref() == Some("founded");
            (executive && unqualified(d, q, first))
                .then(|| antecedent_org(d, q, first))
                .flatten()
        });
    // "Dutch co-chairman Antony Burgmans": a nationality, not what he
    // chairs; an executive's organisation is then the one named last.
    let nationality = qualifier.is_some() && mention_ending(d, q).is_some_and(|i| d.mentions[i].demonym);
    if title.affiliated && nationality {
        let start = mention_start(d, q);
        qualifier = unqualified(d, start, first).then(|| antecedent_org(d, start, first)).flatten();
    }
    // "a close ally of the ex-Yukos boss, X": the title is someone else's
    // (but "a video of the ambassador, X" is X's).
    if apposition {
        let start = modifiers_before(d, qualifier.map_or(q, |_| mention_start(d, q)).min(q), first).0;
        if start >= first + 3
            && matches!(d.lower(start - 1), "the" | "a" | "an")
            && d.lower(start - 2) == "of"
            && d.in_list(start - 3, List::RelationalNouns)
        {
            return None;
        }
    }
    let mut party = None;
    // "London's Labour mayor", "the Scottish Labour MP": the party makes a
    // member; the title's relation goes to what qualifies the party. A role
    // inside the party ("Scottish Conservative leader") stays the party's.
    if let Some(p) = qualifier.filter(|&p| is_party(d, p) && !title.party_role) {
        let ps = mention_start(d, q);
        if let Some(outer) = qualifier_ending(d, ps)
            .or_else(|| possessive_qualifier(d, ps, first))
            .filter(|&o| !is_party(d, o))
        {
            // "German Labour Minister X": a party of another country is the
            // portfolio's name, not a party.
            let party_country = d.entities[p].entry.and_then(|x| d.pack.within_of(x));
            let foreign = mention_ending(d, ps).is_some_and(|i| d.mentions[i].demonym)
                && d.entities[outer].kind.as_deref() == Some("country")
                && party_country.is_some_and(|c| d.entities[outer].entry.is_some_and(|o| !inside(d, o, c)));
            if !foreign {
                party = Some(p);
            }
            qualifier = Some(outer);
        }
    }
    // "deputy Conservative Chairman X": the deputy comes before the qualifier.
    let subordinate = qualifier_ending(d, q).is_some() && {
        let start = mention_start(d, q);
        (modifiers_before(d, start, first).0..start).any(|k| d.in_list(k, List::SubordinateWords))
    };
    let mut text = collapse(d.surface(&(q..end)));
    if plural {
        text = singular_title(&text, title);
    }
    Some(Found {
        person: m.entity,
        title,
        text,
        qualifier,
        // An executive's nationality gave way to the organisation above.
        nationality: nationality && !title.affiliated,
        party,
        complement,
        open_complement: false,
        opposition,
        subordinate,
        span: d.span_of(&(qualifier.map_or(q, |_| mention_start(d, q)).min(q)..m.tokens.end)),
        sentence: si,
        plural,
    })
}

/// A plural title as written ("Labour MPs", "co-founders", "secretaries")
/// in the singular: only the plural ending of the last word goes.
fn singular_title(text: &str, title: &Title) -> String {
    let one = title.words.rsplit(' ').next().unwrap_or(&title.words);
    let many = crate::rules::plural_of(one);
    let cut = text.len().saturating_sub(many.len());
    let Some(tail) = text.get(cut..).filter(|t| t.eq_ignore_ascii_case(&many)) else {
        return text.to_string();
    };
    let singular = if many.ends_with("ies") && !one.ends_with("ie") {
        let y = if tail.ends_with("IES") { "Y" } else { "y" };
        format!("{}{y}", &tail[..tail.len() - 3])
    } else {
        tail[..one.len()].to_string()
    };
    format!("{}{singular}", &text[..cut])
}

/// The persons listed after the person of mention `mi`: "A and B",
/// "A, B and C"; each with the token after its name.
fn listed_after(d: &Doc<'_>, mi: usize, last: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut k = d.mentions[mi].tokens.end;
    while k + 1 < last && matches!(d.tok(k), "," | "and") {
        let mut next = k + 1;
        if d.tok(k) == "," && d.lower(next) == "and" {
            next += 1;
        }
        while next < last && d.is_honorific(next) {
            next += 1;
        }
        let Some(m) = d.mention_at(next).map(|i| &d.mentions[i]) else {
            break;
        };
        if m.etype != EntityType::Person || m.demonym || m.pronoun {
            break;
        }
        out.push((m.entity, m.tokens.end));
        let was_and = d.tok(k) == "and" || next > k + 1 && d.lower(k + 1) == "and";
        k = m.tokens.end;
        if was_and {
            break;
        }
    }
    out
}

/// Title after the name: "X, a senior KGB officer".
fn title_right<'p>(d: &Doc<'p>, mi: usize, from: usize, last: usize) -> Option<Found<'p>> {
    let m = &d.mentions[mi];
    let si = d.sentence_of[m.tokens.start];
    let mut j = from;
    let mut qualifier = None;
    let mut nationality = false;
    let mut opposition = false;
    while j < last && j < from + 6 {
        if let Some((end, title)) = title_at(d, j, last) {
            // "A, Gazprom chief executive B": the title is B's; "Echoing
            // Condoleezza Rice, the prime minister said": the title opens a
            // clause of its own.
            let the_title = j == from && d.lower(from - 1) == "the";
            if end < last && (d.is_cap(end) && d.an.tokens[end].kind == TokenKind::Word || (the_title && d.in_list(end, List::Speech))) {
                return None;
            }
            // "X, president of National Futures Advisory Services": the
            // organisation after the title, or, unrecognised, no other.
            let after_of = complement_after(d, end, last);
            return Some(Found {
                person: m.entity,
                title,
                text: collapse(d.surface(&(modifiers_before(d, j, from).0..end))),
                qualifier,
                nationality,
                party: None,
                complement: after_of.flatten(),
                open_complement: after_of.is_some_and(|c| c.is_none()),
                opposition,
                // "the SEC's chief accountant": a staff title ("chief" is its modifier).
                subordinate: end < last && d.in_list(end, List::StaffNouns),
                span: d.span_of(&(m.tokens.start..end)),
                sentence: si,
                plural: false,
            });
        }
        if let Some(mm) = d.mention_at(j).map(|i| &d.mentions[i]).filter(|m| !m.pronoun) {
            if matches!(mm.etype, EntityType::Organization | EntityType::Place) {
                qualifier = Some(mm.entity);
                nationality = mm.demonym;
            }
            j = mm.tokens.end;
            continue;
        }
        let w = d.lower(j);
        if let Some(r) = org_reference(d, j) {
            qualifier = Some(r);
            nationality = false;
        }
        if matches!(w, "'s" | "\u{2019}s" | "'" | "\u{2019}") && qualifier.is_some() {
            j += 1;
            continue;
        }
        if d.an.tokens[j].kind != TokenKind::Word
            || (d.is_cap(j) && !d.in_list(j, List::TitleModifiers))
            || d.in_list(j, List::FunctionWords)
        {
            return None;
        }
        opposition |= d.in_list(j, List::OppositionWords);
        j += 1;
    }
    None
}

/// What "of", "at" or "for" right after a title at `end` names: `None`
/// without such a word; `Some(None)` when what follows is not a recognised
/// organisation or place ending its phrase ("of India's Percept Films", "of
/// the Frankfurt-based exchange", "of the Commons public accounts
/// committee"); a description may come first ("vice chairman of banking
/// giant Citigroup", "director of civil liberties pressure group Liberty").
fn complement_after(d: &Doc<'_>, end: usize, last: usize) -> Option<Option<usize>> {
    if end + 1 >= last || !matches!(d.lower(end), "of" | "at" | "for" | "from" | "with") {
        return None;
    }
    let first = if d.lower(end + 1) == "the" { end + 2 } else { end + 1 };
    let mut k = first;
    while k < last
        && k < first + 4
        && d.an.tokens[k].kind == TokenKind::Word
        && !d.is_cap(k)
        && !d.in_list(k, List::FunctionWords)
        && d.mention_at(k).is_none()
    {
        k += 1;
    }
    let kind_noun = |t: usize| {
        [List::OrgDescriptors, List::CompanyNouns, List::BodyNouns]
            .into_iter()
            .any(|l| d.in_list(t, l))
    };
    if k > first && !kind_noun(k - 1) {
        k = first;
    }
    let ends_phrase = |e: usize| {
        e >= last
            || matches!(
                d.lower(e),
                "," | "." | ";" | ":" | "(" | ")" | "and" | "who" | "which" | "in" | "since" | "until"
            )
            || d.in_list(e, List::Speech)
    };
    // "chair of the CBI's SME Council", "president of Barnard's Retail
    // Consulting Group": the owner's name, then what it owns.
    let owner_end = d.mention_at(k).map_or(k + usize::from(d.is_cap(k)), |i| d.mentions[i].tokens.end);
    if owner_end > k && owner_end + 1 < last && matches!(d.tok(owner_end), "'s" | "\u{2019}s") && d.mention_at(owner_end + 1).is_some() {
        k = owner_end + 1;
    }
    Some(
        d.mention_at(k)
            .map(|i| &d.mentions[i])
            .filter(|c| {
                !c.pronoun && !c.demonym && matches!(c.etype, EntityType::Organization | EntityType::Place) && ends_phrase(c.tokens.end)
            })
            .map(|c| c.entity),
    )
}

/// The longest title starting at token `j`: (token after it, title).
fn title_at<'p>(d: &Doc<'p>, j: usize, last: usize) -> Option<(usize, &'p Title)> {
    d.title_from.get(j).copied().flatten().filter(|&(end, _)| end <= last)
}

/// Walks back over title modifiers ("opposition", "Catholic", "ex-"):
/// (first modifier token, whether one marks the opposition).
fn modifiers_before(d: &Doc<'_>, ts: usize, first: usize) -> (usize, bool) {
    let mut q = ts;
    let mut opposition = false;
    while q > first && qualifier_ending(d, q).is_none() {
        let w = d.lower(q - 1);
        if d.in_list(q - 1, List::TitleModifiers) || (w == "-" && q >= first + 2 && d.in_list(q - 2, List::TitleModifiers)) {
            opposition |= d.in_list(q - 1, List::OppositionWords);
            q -= 1;
        } else {
            break;
        }
    }
    (q, opposition)
}

/// An organisation or place up to two lower-case words before a title,
/// possibly in the possessive.
fn possessive_qualifier(d: &Doc<'_>, q: usize, first: usize) -> Option<usize> {
    let mut k = q;
    for _ in 0..2 {
        if k > first
            && !d.is_cap(k - 1)
            && d.an.tokens[k - 1].kind == TokenKind::Word
            && !d.in_list(k - 1, List::FunctionWords)
            && !matches!(d.lower(k - 1), "'s" | "\u{2019}s")
            // A verb is no part of the title ("the Conservatives accepted
            // Prime Minister Tony Blair's promise").
            && !d.lower(k - 1).ends_with("ed")
        {
            k -= 1;
        }
    }
    // "the BBC's political editor X", "Conservative family spokeswoman X",
    // "the Association of Chief Police Officers' spokesman".
    if k > first && matches!(d.lower(k - 1), "'s" | "\u{2019}s" | "'" | "\u{2019}") {
        qualifier_ending(d, k - 1)
    } else if k < q {
        qualifier_ending(d, k)
    } else {
        None
    }
}

/// Is curated entry `e` the entry `outer` or inside it (Scotland in the
/// United Kingdom)?
fn inside(d: &Doc<'_>, e: usize, outer: usize) -> bool {
    e == outer || d.pack.outer_entries(e).any(|up| up == outer)
}

/// Is the qualifier `e` found before token `q` a demonym separated from
/// it by lower-case words?
fn demonym_before_noun(d: &Doc<'_>, q: usize, e: usize) -> bool {
    q >= 1
        && !d.is_cap(q - 1)
        && !matches!(d.lower(q - 1), "'s" | "\u{2019}s" | "'" | "\u{2019}")
        && d.mentions
            .iter()
            .any(|m| m.entity == e && m.demonym && m.tokens.end < q && m.tokens.end + 3 > q)
}

/// An organisation, place or demonym mention ending at token `end` qualifies a title.
fn qualifier_ending(d: &Doc<'_>, end: usize) -> Option<usize> {
    let m = &d.mentions[mention_ending(d, end)?];
    // "pro-Iraq war Labour MP": a stance, not a qualifier.
    let s = m.tokens.start;
    if s >= 2 && d.tok(s - 1) == "-" && d.in_list(s - 2, List::StancePrefixes) {
        return None;
    }
    matches!(m.etype, EntityType::Organization | EntityType::Place).then_some(m.entity)
}

fn mention_start(d: &Doc<'_>, end: usize) -> usize {
    d.mention_ending(end).map_or(end, |i| d.mentions[i].tokens.start)
}

/// "its chairman", "the party's spokesman", "the firm's chief executive":
/// at token `t` ("its", or the "'s" of "the party's"), the organisation (or,
/// for "its", the country) the text named last, in this sentence or the one
/// before; a party for "the party's", a company for "the firm's".
fn org_reference(d: &Doc<'_>, t: usize) -> Option<usize> {
    let sentence = &d.an.sentences[d.sentence_of[t]].tokens;
    let (start, want): (usize, fn(&Doc<'_>, usize) -> bool) = if d.lower(t) == "its" {
        (t, |d, e| {
            d.entities[e].etype == EntityType::Organization || d.entities[e].kind.as_deref() == Some("country")
        })
    } else if d.in_list(t, List::PartyNouns) && (!d.is_cap(t) || t == sentence.start) {
        return party_named_last(d, t);
    } else if matches!(d.lower(t), "'s" | "\u{2019}s") && t >= sentence.start + 2 && d.lower(t - 2) == "the" && !d.is_cap(t - 1) {
        if d.in_list(t - 1, List::PartyNouns) {
            (t - 2, is_party)
        } else if d.in_list(t - 1, List::CompanyNouns) || d.in_list(t - 1, List::BodyNouns) {
            (t - 2, |d, e| d.entities[e].etype == EntityType::Organization && !is_party(d, e))
        } else {
            return None;
        }
    } else {
        return None;
    };
    d.named_last(start, Some(1), |m| want(d, m.entity)).map(|m| m.entity)
}

/// Does nothing name what the title starting at `q` is of: no capitalised
/// word (but at the start of a sentence), possessive or organisation head
/// noun in it or among the few words just before it ("Mitsubishi's
/// chief executive", "Refugee Council Chief Executive", "UK Independence
/// Party leader", "Global Asset Management investment chief", "Committee
/// chairman")?
fn unqualified(d: &Doc<'_>, q: usize, first: usize) -> bool {
    let named = |t: usize| {
        (d.is_cap(t) && t > first) || matches!(d.lower(t), "'s" | "\u{2019}s" | "'" | "\u{2019}") || d.in_list(t, List::OrgHeads)
    };
    if q > first && (d.is_cap(q) || d.in_list(q - 1, List::OrgHeads)) {
        return false;
    }
    // Back over the words (and hyphens) of the phrase: "Mitsubishi's newly-appointed".
    let mut t = q;
    while t > first && q - t < 4 && (d.an.tokens[t - 1].kind == TokenKind::Word || d.tok(t - 1) == "-" || named(t - 1)) {
        t -= 1;
        if named(t) {
            return false;
        }
    }
    true
}

/// The curated party of a person the document names, if any.
fn curated_party(d: &Doc<'_>, person: usize) -> Option<usize> {
    let party = d.pack.entries[d.entities[person].entry?].party.as_ref()?;
    let entry = *d.pack.entry_by_name.get(party)?;
    d.entities.iter().position(|e| e.entry == Some(entry))
}

/// "party leader Charles Kennedy": the party the text named last before token `t`.
fn party_named_last(d: &Doc<'_>, t: usize) -> Option<usize> {
    d.named_last(t, None, |m| is_party(d, m.entity)).map(|m| m.entity)
}

/// "The Countryside Alliance said … Chief executive Simon Hart said", "a
/// victory for chairman Mukesh Ambani", "since founder Dhirubhai Ambani
/// died": an executive's or founder's title nothing qualifies
/// is of the organisation (not a party) named last, in this sentence or the
/// one before. Not after "a" ("a chairman of …" is not the one before).
fn antecedent_org(d: &Doc<'_>, q: usize, first: usize) -> Option<usize> {
    if q > first && matches!(d.lower(q - 1), "a" | "an" | "former" | "ex") {
        return None;
    }
    d.named_last(q, Some(1), |m| {
        d.entities[m.entity].etype == EntityType::Organization && !is_party(d, m.entity)
    })
    .filter(|m| !d.modifies_body(m))
    .map(|m| m.entity)
}

/// Does a bearer of `held` answer to the description `said` ("the minister"
/// is the "justice minister" named before)? Exact titles are tried first.
/// A deputy, vice or shadow office is not the office ("the chancellor" is
/// not the shadow chancellor).
fn same_office(d: &Doc<'_>, held: &Title, said: &Title) -> bool {
    held.words
        .strip_suffix(said.words.as_str())
        .is_some_and(|rest| rest.ends_with(' ') && !rest.split([' ', '-']).any(|w| d.pack.word_in(w, List::SubordinateWords)))
}

fn is_party(d: &Doc<'_>, e: usize) -> bool {
    d.entities[e].kind.as_deref() == Some("party")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
