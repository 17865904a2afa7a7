//! Quotations and their speakers.
//!
//! Quote marks are paired within a paragraph (straight or curly; a mark
//! after a space opens a new quote even if the last one was never closed,
//! as happens when a multi-paragraph quote was flattened). Quotes of fewer
//! than four words are names, slogans or scare quotes, not quotations. The
//! speaker comes from, in order: `"…," said X` / `"…," X said` right after
//! the quote; `X said: "…"` or a speech verb earlier in the sentence (`X
//! accused Y of "…"`, `X, saying "…"`), whose nearest person (else
//! organisation) before it speaks; else the speaker of the previous quote in
//! the same or previous paragraph. A description with no name ("said one
//! 70-year-old woman") leaves the speaker unknown.

use super::{Doc, LocalQuote};
use crate::model::{EntityType, Span};
use crate::rules::List;
use crate::text::TokenKind;
use std::ops::Range;

const MIN_WORDS: usize = 3;

pub(super) fn extract(d: &mut Doc<'_>) {
    let mut quotes = Vec::new();
    let mut prev: Option<(usize, Option<usize>, bool)> = None; // (paragraph, speaker, attributed)
    let nsent = d.an.sentences.len();
    let mut s = 0;
    while s < nsent {
        let para = d.an.sentences[s].paragraph;
        let mut e = s;
        while e < nsent && d.an.sentences[e].paragraph == para {
            e += 1;
        }
        if d.an.sentences[s].heading {
            s = e;
            continue;
        }
        let tokens = d.an.sentences[s].tokens.start..d.an.sentences[e - 1].tokens.end;
        for inner in d.quoted.iter().filter(|r| tokens.contains(&r.start)) {
            if inner.is_empty() {
                continue;
            }
            let span = d.span_of(inner);
            let text = d.text[span.start..span.end].trim().to_string();
            let words = d.an.tokens[inner.clone()].iter().filter(|t| t.kind != TokenKind::Punct).count();
            if words < MIN_WORDS || title_case(d, inner) {
                continue;
            }
            let sentence = d.sentence_of[inner.start];
            let (speaker, rule) = match attribute(d, inner, tokens.end) {
                Some((sp, rule)) => (sp, rule),
                // Someone speaking in the sentence just before ("X criticised
                // the plans. "…"") outranks the speaker of an earlier quote,
                // unless that sentence quotes someone itself.
                None => {
                    let reported = reported_before(d, sentence, s, inner.start);
                    match (reported, prev) {
                        (Some(sp), _) if !quotes.iter().any(|q: &LocalQuote| q.sentence + 1 == sentence) => {
                            (Some(sp), "quote:after-reported-speech")
                        }
                        (_, Some((p, sp, known))) if para - p <= 1 && known => (sp, "quote:continued"),
                        (Some(sp), _) => (Some(sp), "quote:after-reported-speech"),
                        (None, _) => (None, "quote:unattributed"),
                    }
                }
            };
            // Later quotes continue this one's speaker, named or not, unless
            // nobody was seen speaking it.
            prev = Some((para, speaker, rule != "quote:unattributed"));
            quotes.push(LocalQuote {
                text,
                speaker,
                rule: rule.into(),
                span: Span {
                    start: span.start,
                    end: span.end,
                },
                sentence,
            });
        }
        s = e;
    }
    d.quotes = quotes;
}

fn title_case(d: &Doc<'_>, r: &Range<usize>) -> bool {
    r.clone()
        .filter(|&t| d.an.tokens[t].kind == TokenKind::Word)
        .all(|t| d.is_cap(t) || d.in_list(t, List::Connectors))
}

/// The speaker of the quote `inner`, looking after it then before it.
fn attribute(d: &Doc<'_>, inner: &Range<usize>, para_end: usize) -> Option<(Option<usize>, &'static str)> {
    // After: skip the closing mark and a comma; a quote that ends its
    // sentence with a full stop has no attribution after it.
    let closed = inner.end > inner.start && d.tok(inner.end - 1) == ".";
    let mut t = if closed { para_end } else { inner.end };
    while t < para_end && (d.is_mark(t) || d.tok(t) == ",") {
        t += 1;
    }
    if t < para_end && t > inner.end {
        if is_speech(d, t) {
            // "said X": the first person of the clause, else its first actor.
            // Punctuation inside a name ("S&P") does not end the clause.
            let clause_end = |from: usize| {
                (from..para_end.min(from + 12))
                    .find(|&k| d.an.tokens[k].kind == TokenKind::Punct && d.tok(k) != "-" && !in_mention(d, k))
                    .unwrap_or(para_end.min(from + 12))
            };
            let mut end = clause_end(t + 1);
            // "said the chairman of the committee, Labour MP X": a description, then the name.
            // "said its chairman, Sir Anthony Greener" too.
            let described =
                t + 1 < para_end && (matches!(d.lower(t + 1), "the" | "a" | "an") || d.in_list(t + 1, List::PronounsPossessive));
            let person_in = |r: std::ops::Range<usize>| {
                r.into_iter()
                    .any(|k| mention_at(d, k).is_some_and(|m| d.mentions[m].etype == EntityType::Person))
            };
            if described && end < para_end && d.tok(end) == "," && !person_in(t + 1..end) {
                end = clause_end(end + 1);
            }
            let clause: Vec<usize> = (t + 1..end).filter_map(|k| mention_at(d, k)).collect();
            let pick = clause
                .iter()
                .find(|&&m| d.mentions[m].etype == EntityType::Person)
                .or(clause.first());
            return Some(match pick {
                Some(&m) => (Some(d.mentions[m].entity), "quote:said-x"),
                None => (None, "quote:said-unnamed"),
            });
        }
        // "X said", possibly after a title: `", labour office chief X said`.
        let mut k = t;
        while k < para_end && k < t + 8 && (d.an.tokens[k].kind != TokenKind::Punct || d.tok(k) == "-") {
            if let Some(m) = mention_at(d, k) {
                let mut after = d.mentions[m].tokens.end;
                // "the Kok report said", "his letter says": the author's words.
                if d.mentions[m].etype == EntityType::Person
                    && after + 1 < para_end
                    && d.in_list(after, List::Writings)
                    && is_speech(d, after + 1)
                {
                    after += 1;
                }
                if d.mentions[m].etype == EntityType::Person || after < para_end && is_speech(d, after) {
                    if after < para_end && is_speech(d, after) {
                        return Some((Some(d.mentions[m].entity), "quote:x-said"));
                    }
                    break;
                }
                k = after;
                continue;
            }
            k += 1;
        }
    }
    // Before: the nearest speech verb earlier in the same sentence.
    let open = inner.start.checked_sub(1)?;
    let si = d.sentence_of[open];
    let first = d.an.sentences[si].tokens.start;
    let last = d.an.sentences[si].tokens.end;
    if let Some(verb) = (first..open).rev().find(|&k| is_speech(d, k) && !inside_quote(d, first, k)) {
        return speaker_before(d, first, verb).map(|e| (Some(e), "quote:x-said-before"));
    }
    // Later in the sentence, past other words: '"…" with its product range,
    // said Mr X', '"…," William Lerach, the lawyer leading the suit, said'.
    let verb = (inner.end..last).find(|&k| is_speech(d, k) && !d.in_quote(k))?;
    let actors = |r: Range<usize>, etype: EntityType| {
        r.into_iter()
            .filter_map(|k| mention_at(d, k))
            .filter(|&m| d.mentions[m].etype == etype && !d.in_quote(d.mentions[m].tokens.start))
            .map(|m| d.mentions[m].entity)
            .collect::<Vec<_>>()
    };
    // The person nearest before the verb, else the first after it; else an
    // organisation just before the verb ('"…" are needed, the IMF has said').
    let persons = |r: Range<usize>| actors(r, EntityType::Person);
    persons(inner.end..verb)
        .last()
        .copied()
        .or_else(|| persons(verb + 1..last.min(verb + 10)).first().copied())
        .or_else(|| {
            let near = verb.saturating_sub(4).max(inner.end);
            actors(near..verb, EntityType::Organization).last().copied()
        })
        .map(|e| (Some(e), "quote:said-later"))
}

/// A quote opening a sentence right after reported speech ("X said
/// prosecutors had drawn up a list. "We will …"") is X's; so is a quote
/// opening the paragraph after "X criticised the rivalry on GMTV."
fn reported_before(d: &Doc<'_>, sentence: usize, para_first: usize, inner_start: usize) -> Option<usize> {
    // Across a paragraph break only when the quote opens its paragraph.
    let opens_paragraph = inner_start == d.an.sentences[para_first].tokens.start + 1;
    if sentence == 0 || (sentence <= para_first && !opens_paragraph) {
        return None;
    }
    let prev = &d.an.sentences[sentence - 1];
    let verb = prev.tokens.clone().rev().find(|&k| is_speech(d, k) && !d.in_quote(k))?;
    speaker_before(d, prev.tokens.start, verb)
}

/// Is token `k` inside an earlier quote of the sentence (an odd number of marks before it)?
fn inside_quote(d: &Doc<'_>, first: usize, k: usize) -> bool {
    (first..k).filter(|&t| d.is_mark(t)).count() % 2 == 1
}

fn in_mention(d: &Doc<'_>, k: usize) -> bool {
    d.mentions.iter().any(|m| m.tokens.contains(&k))
}

fn is_speech(d: &Doc<'_>, t: usize) -> bool {
    d.in_list(t, List::Speech)
}

fn mention_at(d: &Doc<'_>, t: usize) -> Option<usize> {
    d.mention_at(t).filter(|&i| !d.mentions[i].demonym)
}

/// The nearest person before `verb` in the sentence, else organisation,
/// place, group. After a comma a participle ("X criticised Y, saying …")
/// has the sentence's first person as subject; "A spokesman said" with no
/// name is the organisation named last (this sentence or the one before).
fn speaker_before(d: &Doc<'_>, first: usize, verb: usize) -> Option<usize> {
    let before: Vec<&super::Mention> = d
        .mentions
        .iter()
        .filter(|m| m.tokens.start >= first && m.tokens.end <= verb && !m.demonym && !d.in_quote(m.tokens.start))
        .collect();
    let participle = verb > first && d.tok(verb - 1) == "," && d.lower(verb).ends_with("ing");
    if participle {
        if let Some(m) = before.iter().find(|m| m.etype == EntityType::Person) {
            return Some(m.entity);
        }
    }
    if before.is_empty() && verb >= first + 2 && matches!(d.lower(verb - 2), "a" | "an" | "the") && d.in_list(verb - 1, List::Spokespeople)
    {
        return d.organisation_named_last(verb, 1);
    }
    for want in [EntityType::Person, EntityType::Organization, EntityType::Place, EntityType::Group] {
        if let Some(m) = before.iter().rev().find(|m| m.etype == want) {
            return Some(m.entity);
        }
    }
    None
}
