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
use crate::text::TokenKind;
use std::ops::Range;

const MIN_WORDS: usize = 4;

pub(super) fn extract(d: &mut Doc<'_>) {
    let mut quotes = Vec::new();
    let mut prev: Option<(usize, Option<usize>)> = None; // (paragraph, speaker)
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
        for inner in pair_quotes(d, tokens.clone()) {
            if inner.is_empty() {
                continue;
            }
            let span = d.span_of(&inner);
            let text = d.text[span.start..span.end].trim().to_string();
            let words = d.an.tokens[inner.clone()].iter().filter(|t| t.kind != TokenKind::Punct).count();
            if words < MIN_WORDS || title_case(d, &inner) {
                continue;
            }
            let sentence = d.sentence_of[inner.start];
            let (speaker, rule) = match attribute(d, &inner, tokens.end) {
                Some((sp, rule)) => (sp, rule),
                None => match prev {
                    Some((p, sp)) if para - p <= 1 && sp.is_some() => (sp, "quote:continued"),
                    _ => (None, "quote:unattributed"),
                },
            };
            prev = Some((para, speaker));
            quotes.push(LocalQuote { text, speaker, rule: rule.into(), span: Span { start: span.start, end: span.end }, sentence });
        }
        s = e;
    }
    d.quotes = quotes;
}

fn is_mark(d: &Doc<'_>, t: usize) -> bool {
    matches!(d.tok(t), "\"" | "\u{201C}" | "\u{201D}")
}

/// Inner token ranges of the quotes of a paragraph.
fn pair_quotes(d: &Doc<'_>, tokens: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for t in tokens.clone() {
        if !is_mark(d, t) {
            continue;
        }
        let mark = d.tok(t);
        let tok = d.an.tokens[t];
        let space_before = tok.start == 0 || d.text[..tok.start].ends_with(|c: char| c.is_whitespace() || c == '(' || c == '[');
        let space_after = d.text[tok.end..].starts_with(|c: char| c.is_whitespace()) || tok.end == d.text.len();
        let opening = mark == "\u{201C}" || (mark == "\"" && (space_before || t == tokens.start) && !(space_after && !space_before));
        match open {
            Some(o) if opening && mark != "\u{201D}" => {
                out.push(o + 1..t);
                open = Some(t);
            }
            Some(o) => {
                out.push(o + 1..t);
                open = None;
            }
            None if opening => open = Some(t),
            None => {}
        }
    }
    if let Some(o) = open {
        out.push(o + 1..tokens.end);
    }
    out
}

fn title_case(d: &Doc<'_>, r: &Range<usize>) -> bool {
    let words: Vec<usize> = r.clone().filter(|&t| d.an.tokens[t].kind == TokenKind::Word).collect();
    words.iter().all(|&t| d.is_cap(t) || d.pack.has_word("connectors", &d.lower(t)))
}

/// The speaker of the quote `inner`, looking after it then before it.
fn attribute(d: &Doc<'_>, inner: &Range<usize>, para_end: usize) -> Option<(Option<usize>, &'static str)> {
    // After: skip the closing mark and a comma.
    let mut t = inner.end;
    while t < para_end && (is_mark(d, t) || d.tok(t) == ",") {
        t += 1;
    }
    if t < para_end && t > inner.end {
        if is_speech(d, t) {
            // "said X": the first actor before the end of the clause.
            let mut k = t + 1;
            while k < para_end && k < t + 8 {
                if let Some(m) = mention_at(d, k) {
                    return Some((Some(d.mentions[m].entity), "quote:said-x"));
                }
                if d.an.tokens[k].kind == TokenKind::Punct {
                    break;
                }
                k += 1;
            }
            return Some((None, "quote:said-unnamed"));
        }
        if let Some(m) = mention_at(d, t) {
            let after = d.mentions[m].tokens.end;
            if after < para_end && is_speech(d, after) {
                return Some((Some(d.mentions[m].entity), "quote:x-said"));
            }
        }
    }
    // Before: the nearest speech verb earlier in the same sentence.
    let open = inner.start.checked_sub(1)?;
    let si = d.sentence_of[open];
    let first = d.an.sentences[si].tokens.start;
    let verb = (first..open).rev().find(|&k| is_speech(d, k) && !inside_quote(d, first, k))?;
    speaker_before(d, first, verb).map(|e| (Some(e), "quote:x-said-before"))
}

/// Is token `k` inside an earlier quote of the sentence (an odd number of marks before it)?
fn inside_quote(d: &Doc<'_>, first: usize, k: usize) -> bool {
    (first..k).filter(|&t| is_mark(d, t)).count() % 2 == 1
}

fn is_speech(d: &Doc<'_>, t: usize) -> bool {
    d.pack.has_word("speech", &d.lower(t))
}

fn mention_at(d: &Doc<'_>, t: usize) -> Option<usize> {
    d.mentions.iter().position(|m| m.tokens.start == t && !m.demonym)
}

/// The nearest person before `verb` in the sentence, else organisation, place, group.
fn speaker_before(d: &Doc<'_>, first: usize, verb: usize) -> Option<usize> {
    let before: Vec<&super::Mention> = d.mentions.iter().filter(|m| m.tokens.start >= first && m.tokens.end <= verb && !m.demonym).collect();
    for want in [EntityType::Person, EntityType::Organization, EntityType::Place, EntityType::Group] {
        if let Some(m) = before.iter().rev().find(|m| m.etype == want) {
            return Some(m.entity);
        }
    }
    None
}
