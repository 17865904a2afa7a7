//! Text: sentences and tokens with byte offsets into the document text.
//!
//! Lines are paragraphs; a heading line such as `- 'Defend your country!' -`
//! is a sentence of its own. Inside a line, a sentence ends at `.`, `!` or
//! `?` (plus closing quotes) before a capitalised word, unless the word
//! before the full stop is a known abbreviation or an initial. Boilerplate
//! lines are blanked out by the rule pack's patterns before tokenising, so
//! offsets always point into the original text. No knowledge lives here:
//! abbreviations and boilerplate come from the rule pack.

use crate::model::Span;
use regex::{Regex, RegexSet};
use regex_syntax::hir::Look;
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    /// Token indices `first..last`.
    pub tokens: std::ops::Range<usize>,
    /// A heading line (`- ... -`).
    pub heading: bool,
    /// Index of the paragraph (non-blank line, from 1) the sentence is in.
    pub paragraph: usize,
}

/// What the splitter needs from the rule pack.
#[derive(Debug, Default)]
pub struct TextRules {
    /// Lower-case abbreviations written with a full stop (`mr`, `st`, `gen`).
    pub abbreviations: HashSet<String>,
    /// A line matching one of these is site boilerplate and is dropped.
    pub boilerplate: LinePatterns,
    /// A line matching one of these is a heading.
    pub heading: LinePatterns,
}

/// Does a line match any of a list of patterns? Every line is asked, twice.
/// The patterns anchored at the line's start are tried together, as one
/// set: such a search mostly fails within a few bytes, so one search costs
/// about what one pattern alone does. Each other pattern is tried alone,
/// with the strategy the regex engine picks for it (one set of them all
/// would scan every line to its end).
#[derive(Debug, Default)]
pub struct LinePatterns {
    anchored: Option<RegexSet>,
    others: Vec<Regex>,
}

impl LinePatterns {
    pub fn new(patterns: Vec<Regex>) -> Result<LinePatterns, regex::Error> {
        let (anchored, others): (Vec<Regex>, Vec<Regex>) = patterns.into_iter().partition(|r| starts_anchored(r.as_str()));
        let anchored = if anchored.is_empty() {
            None
        } else {
            Some(RegexSet::new(anchored.iter().map(Regex::as_str))?)
        };
        Ok(LinePatterns { anchored, others })
    }

    pub fn is_match(&self, line: &str) -> bool {
        self.anchored.as_ref().is_some_and(|set| set.is_match(line)) || self.others.iter().any(|r| r.is_match(line))
    }
}

/// Does every match of `pattern` start where the text does (`^a`, `(?i)^a|^b`)?
fn starts_anchored(pattern: &str) -> bool {
    regex_syntax::parse(pattern).is_ok_and(|hir| hir.properties().look_set_prefix().contains(Look::Start))
}

#[derive(Debug, Default)]
pub struct Analysis {
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// The tokens of the line at hand that may end a sentence (`.`, `!`,
    /// `?`), marked by the tokenizer: splitting visits these, not every token.
    stops: Vec<usize>,
}

impl Analysis {
    pub fn text<'a>(&self, text: &'a str, i: usize) -> &'a str {
        &text[self.tokens[i].start..self.tokens[i].end]
    }
}

pub fn is_quote_char(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}' | '\u{00AB}' | '\u{00BB}'
    )
}

/// Splits `text` into tokens and sentences.
pub fn analyse(text: &str, rules: &TextRules) -> Analysis {
    let mut out = Analysis::default();
    analyse_into(text, rules, &mut out);
    out
}

/// Splits `text` into tokens and sentences in `out`, whose buffers (cleared
/// first) are reused: extraction keeps one from document to document.
pub fn analyse_into(text: &str, rules: &TextRules, out: &mut Analysis) {
    out.tokens.clear();
    out.sentences.clear();
    // About one token per five bytes of text: reserve once rather than grow.
    out.tokens.reserve(text.len() / 4);
    let mut line_start = 0;
    // Paragraphs are counted over the lines with text, so that a blank line
    // between two paragraphs does not put them further apart.
    let mut paragraph = 0;
    for line in lines(text) {
        let start = line_start;
        line_start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        if trimmed.is_empty() || rules.boilerplate.is_match(trimmed) {
            continue;
        }
        paragraph += 1;
        let heading = rules.heading.is_match(trimmed);
        let first = out.tokens.len();
        out.stops.clear();
        tokenize(body, start, &mut out.tokens, &mut out.stops);
        split_sentences(text, first, heading, paragraph, rules, out);
    }
}

/// The lines of `text` with their line breaks, as `text.split_inclusive('\n')`
/// has them, each break found by `memchr` (many bytes at a time).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
    ends.chain(std::iter::once(text.len())).filter_map(move |end| {
        let line = &text[start..end];
        start = end;
        // Only the last can be empty: after a final line break.
        (!line.is_empty()).then_some(line)
    })
}

/// Adds the tokens of `line` (at `offset` in the text) to `tokens`, and the
/// index of each one-byte `.`, `!` or `?` among them to `stops`.
fn tokenize(line: &str, offset: usize, tokens: &mut Vec<Token>, stops: &mut Vec<usize>) {
    let bytes = line.as_bytes();
    // Walks by byte index: a char is decoded once, where a token may start
    // or continue, never again after an ASCII word.
    let char_at = |i: usize| line[i..].chars().next();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII whitespace (as `char::is_whitespace` has it) and ASCII
        // characters need no decoding.
        let c = match bytes[i] {
            b' ' | b'\t'..=b'\r' => {
                i += 1;
                continue;
            }
            b if b.is_ascii() => char::from(b),
            _ => match char_at(i) {
                // The rest of `char::is_whitespace` is not ASCII.
                Some(c) if c.is_whitespace() => {
                    i += c.len_utf8();
                    continue;
                }
                Some(c) => c,
                None => break,
            },
        };
        let after = i + c.len_utf8();
        // Fast path: an ASCII word of letters (most tokens) followed by a
        // byte that can neither continue it nor start a clitic or separator.
        if c.is_ascii_alphabetic() {
            let end = letters_end(bytes, after);
            let next = bytes.get(end).copied();
            if next.is_none_or(|b| b.is_ascii() && !b.is_ascii_alphanumeric() && b != b'\'') {
                tokens.push(Token {
                    start: offset + i,
                    end: offset + end,
                    kind: TokenKind::Word,
                });
                i = end;
                continue;
            }
        }
        if c.is_alphanumeric() {
            let mut end = after;
            let mut digits = c.is_ascii_digit();
            while let Some(d) = char_at(end) {
                let j = end;
                // Digits keep their separators: 6,700 and 2.5 are one token.
                let sep = matches!(d, ',' | '.') && digits && bytes.get(j + 1).is_some_and(u8::is_ascii_digit);
                // An apostrophe inside a name is part of it (O'Leary, d'Alema),
                // but not a clitic ('s, 't), which becomes its own token.
                let inner_apostrophe = matches!(d, '\'' | '\u{2019}') && !digits && {
                    let mut rest = line[j + d.len_utf8()..].chars();
                    match (rest.next(), rest.next()) {
                        (Some('s' | 't'), n) => n.is_some_and(char::is_alphanumeric),
                        (Some(n), _) => n.is_alphabetic(),
                        (None, _) => false,
                    }
                };
                if d.is_alphanumeric() || sep || inner_apostrophe {
                    digits &= d.is_ascii_digit() || sep;
                    end = j + d.len_utf8();
                } else {
                    break;
                }
            }
            let kind = if digits { TokenKind::Number } else { TokenKind::Word };
            tokens.push(Token {
                start: offset + i,
                end: offset + end,
                kind,
            });
            i = end;
        } else if (c == '\'' || c == '\u{2019}')
            && tokens.last().is_some_and(|t| t.end == offset + i && t.kind == TokenKind::Word)
            && line[after..].starts_with(['s', 't'])
            && !line[after + 1..].starts_with(|n: char| n.is_alphanumeric())
        {
            // Possessive or clitic: Lukashenko's, won't -> "'s", "'t" as one token.
            tokens.push(Token {
                start: offset + i,
                end: offset + after + 1,
                kind: TokenKind::Word,
            });
            i = after + 1;
        } else if c == '.' && line[i..].starts_with("...") {
            tokens.push(Token {
                start: offset + i,
                end: offset + i + 3,
                kind: TokenKind::Punct,
            });
            i += 3;
        } else {
            if matches!(c, '.' | '!' | '?') {
                stops.push(tokens.len());
            }
            tokens.push(Token {
                start: offset + i,
                end: offset + after,
                kind: TokenKind::Punct,
            });
            i = after;
        }
    }
}

/// The end of the run of ASCII letters in `bytes` from `i`: eight bytes
/// at a time (most words end within the first eight), then byte by byte.
fn letters_end(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x80 * ONES;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // Per byte, with no carry between bytes: case folded ('A' → 'a'),
        // high bit dropped, then the high bit of `x + k` tells `x >= 0x80 - k`.
        let folded = (x | (0x20 * ONES)) & !HIGH;
        let from_a = folded + (0x80 - 0x61) * ONES;
        let past_z = folded + (0x80 - 0x7B) * ONES;
        let letters = from_a & !past_z & !x & HIGH;
        let others = !letters & HIGH;
        if others != 0 {
            return i + (others.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
        i += 1;
    }
    i
}

fn split_sentences(text: &str, first: usize, heading: bool, paragraph: usize, rules: &TextRules, out: &mut Analysis) {
    let Analysis { tokens, sentences, stops } = out;
    let last = tokens.len();
    if first == last {
        return;
    }
    let mut begin = first;
    let push = |b: usize, e: usize, out: &mut Vec<Sentence>| {
        if b < e {
            out.push(Sentence {
                span: Span {
                    start: tokens[b].start,
                    end: tokens[e - 1].end,
                },
                tokens: b..e,
                heading,
                paragraph,
            });
        }
    };
    // A heading is one sentence, whatever its stops.
    let stops: &[usize] = if heading { &[] } else { stops };
    for &i in stops {
        let full_stop = text.as_bytes()[tokens[i].start] == b'.';
        // No stop is among the closing quotes: the next is at `end` or after.
        let mut end = i + 1;
        while end < last
            && text[tokens[end].start..tokens[end].end]
                .chars()
                .all(|c| is_quote_char(c) || c == ')')
        {
            // A closing quote belongs to this sentence only if glued to the stop.
            if tokens[end].start != tokens[end - 1].end {
                break;
            }
            end += 1;
        }
        if end < last && starts_sentence(text, &tokens[end]) && !(full_stop && is_abbreviation(text, tokens, i, first, rules)) {
            push(begin, end, sentences);
            begin = end;
        }
    }
    push(begin, last, sentences);
}

fn starts_sentence(text: &str, t: &Token) -> bool {
    let c = text[t.start..].chars().next().unwrap_or(' ');
    c.is_uppercase() || c.is_ascii_digit() || is_quote_char(c) || c == '-' || c == '('
}

fn is_abbreviation(text: &str, tokens: &[Token], dot: usize, first: usize, rules: &TextRules) -> bool {
    if dot == first {
        return false;
    }
    let prev = &tokens[dot - 1];
    if prev.end != tokens[dot].start || prev.kind != TokenKind::Word {
        return false;
    }
    let w = &text[prev.start..prev.end];
    // An initial (J. R. R., U.S.) or a known abbreviation (Mr., St.).
    (w.chars().count() == 1 && w.chars().all(char::is_uppercase)) || rules.abbreviations.contains(&*lower_case(w, &mut [0; 16]))
}

/// `w` in lower case: a short ASCII word lower-cased in `buf` (no
/// allocation; abbreviations are asked about before every full stop), any
/// other by `to_lowercase`.
pub(crate) fn lower_case<'b>(w: &'b str, buf: &'b mut [u8; 16]) -> std::borrow::Cow<'b, str> {
    if w.len() <= buf.len() && w.is_ascii() {
        let lower = &mut buf[..w.len()];
        lower.copy_from_slice(w.as_bytes());
        lower.make_ascii_lowercase();
        // ASCII in, ASCII out.
        std::borrow::Cow::Borrowed(std::str::from_utf8(lower).unwrap_or_default())
    } else {
        std::borrow::Cow::Owned(w.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> TextRules {
        TextRules {
            abbreviations: ["mr", "st", "dr"].iter().map(|s| s.to_string()).collect(),
            boilerplate: line_patterns(&["^Support us$", "(?i)for the price of a coffee$"]),
            heading: line_patterns(&[r"^-\s.*\s-$"]),
        }
    }

    fn line_patterns(patterns: &[&str]) -> LinePatterns {
        LinePatterns::new(patterns.iter().map(|p| Regex::new(p).unwrap()).collect()).unwrap()
    }

    fn sentences(text: &str) -> Vec<String> {
        let a = analyse(text, &rules());
        a.sentences.iter().map(|s| text[s.span.start..s.span.end].to_string()).collect()
    }

    #[test]
    fn letter_runs_end_where_byte_by_byte_they_would() {
        let naive = |b: &[u8], mut i: usize| {
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            i
        };
        let text = "Zebra@azAZ[`{ abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\u{e9}t\u{e9} x9 Y_z\x7f";
        let b = text.as_bytes();
        for i in 0..b.len() {
            assert_eq!(letters_end(b, i), naive(b, i), "from {i}");
        }
        for byte in 0..=255u8 {
            let mut b = b"abcde".to_vec();
            b.push(byte);
            b.extend_from_slice(b"fghijklmn");
            assert_eq!(letters_end(&b, 1), naive(&b, 1), "byte {byte:#x}");
        }
    }

    #[test]
    fn line_patterns_match_where_one_of_their_patterns_does() {
        let patterns = [
            r"(?i)^support us\.?$",
            r"(?i)coffee\.?$",
            r"^#+\s",
            r"^-\s.*\s-$",
            "(?m)^x",
            "a|^b",
            "^$",
        ];
        assert_eq!(patterns.map(starts_anchored), [true, false, true, true, false, false, true]);
        let lines_to_try = [
            "Support us",
            "support us.",
            "a coffee",
            "# Heading",
            "- A -",
            "cb",
            "b",
            "c\nx",
            "x",
            "",
            "zz",
        ];
        // Every subset of the patterns, against every line.
        for subset in 0..1u32 << patterns.len() {
            let chosen: Vec<&str> = (0..patterns.len()).filter(|i| subset >> i & 1 == 1).map(|i| patterns[i]).collect();
            let one_by_one: Vec<Regex> = chosen.iter().map(|p| Regex::new(p).unwrap()).collect();
            let together = line_patterns(&chosen);
            for line in lines_to_try {
                assert_eq!(
                    together.is_match(line),
                    one_by_one.iter().any(|r| r.is_match(line)),
                    "{chosen:?} on {line:?}"
                );
            }
        }
    }

    #[test]
    fn lines_split_as_split_inclusive_does() {
        for text in ["", "\n", "a", "a\n", "a\nb", "a\n\nb\n", "\n\na\r\n\u{e9}\n", "x\n\n"] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.split_inclusive('\n').collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn abbreviations_and_initials_do_not_split() {
        assert_eq!(
            sentences("Mr. Smith met J. R. R. Tolkien in the U.S. on Monday. He left St. Ives."),
            vec!["Mr. Smith met J. R. R. Tolkien in the U.S. on Monday.", "He left St. Ives."]
        );
    }

    #[test]
    fn quotes_headings_and_boilerplate() {
        let text = "\"We won!\" he said. Then \"Go.\" She left.\n- 'Defend your country!' -\nNext line here.\nSupport us\n";
        assert_eq!(
            sentences(text),
            vec![
                "\"We won!\" he said.",
                "Then \"Go.\"",
                "She left.",
                "- 'Defend your country!' -",
                "Next line here."
            ]
        );
    }

    #[test]
    fn tokens_split_possessives_and_hyphens_keep_numbers() {
        let text = "Lukashenko's 65-year-old aide saw 6,700 people.";
        let a = analyse(text, &rules());
        let toks: Vec<&str> = (0..a.tokens.len()).map(|i| a.text(text, i)).collect();
        assert_eq!(
            toks,
            vec![
                "Lukashenko",
                "'s",
                "65",
                "-",
                "year",
                "-",
                "old",
                "aide",
                "saw",
                "6,700",
                "people",
                "."
            ]
        );
    }
}
