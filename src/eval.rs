//! `gleaner eval`: scores the facts extracted from one text against a
//! hand-made reference annotation (the format of `tests/data/*.gold.json`,
//! documented in `docs/gold-format.md`), the same way as the reference scorer
//! `score.py`: entities match when a name agrees after folding case,
//! punctuation, a leading "the" and a trailing possessive, and the type
//! agrees; relations and quotations match through their entities. Every
//! miss and every spurious item is listed with the rule that produced it.

use crate::model::{AttributeValue, DocFacts, EntityType};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use unicode_normalization::UnicodeNormalization;

#[derive(Deserialize)]
pub struct Gold {
    pub entities: Vec<GoldEntity>,
    #[serde(default)]
    pub relations: Vec<GoldRelation>,
    #[serde(default)]
    pub optional_relations: Vec<GoldRelation>,
    #[serde(default)]
    pub symmetric: Vec<String>,
    #[serde(default)]
    pub attributes: Vec<GoldAttribute>,
    #[serde(default)]
    pub quotes: Vec<GoldQuote>,
    #[serde(default)]
    pub optional_quotes: Vec<GoldQuote>,
}

#[derive(Deserialize)]
pub struct GoldEntity {
    pub id: String,
    #[serde(rename = "type")]
    pub etype: String,
    #[serde(default)]
    pub also: Vec<String>,
    pub names: Vec<String>,
    #[serde(default)]
    pub optional: bool,
}

#[derive(Deserialize)]
pub struct GoldRelation {
    pub s: Vec<String>,
    pub p: String,
    pub o: Vec<String>,
}

#[derive(Deserialize)]
pub struct GoldAttribute {
    pub s: String,
    pub p: String,
    pub v: serde_json::Value,
}

#[derive(Deserialize)]
pub struct GoldQuote {
    pub speaker: Vec<String>,
    pub text: String,
}

#[derive(Debug, Serialize, Clone, Copy, PartialEq)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

pub fn prf(tp: usize, fp: usize, fn_: usize) -> Prf {
    if tp + fp + fn_ == 0 {
        return Prf {
            tp,
            fp,
            fn_,
            precision: 1.0,
            recall: 1.0,
            f1: 1.0,
        };
    }
    let p = if tp + fp > 0 { tp as f64 / (tp + fp) as f64 } else { 0.0 };
    let r = if tp + fn_ > 0 { tp as f64 / (tp + fn_) as f64 } else { 0.0 };
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    Prf {
        tp,
        fp,
        fn_,
        precision: r3(p),
        recall: r3(r),
        f1: r3(f),
    }
}

#[derive(Debug, Serialize)]
pub struct Score {
    pub entities: Prf,
    pub relations: Prf,
    pub quotes: Prf,
    pub attributes: BTreeMap<String, usize>,
    pub overall_f1: f64,
    #[serde(skip)]
    pub details: Vec<String>,
}

/// Folds a name the way the reference scorer does.
pub fn norm(name: &str) -> String {
    let s: String = name.nfkc().collect::<String>().to_lowercase();
    let s = s.trim().replace('\u{2019}', "'");
    let s = s.strip_suffix("'s").unwrap_or(&s);
    let s = s
        .strip_prefix("the")
        .filter(|r| r.starts_with(char::is_whitespace))
        .map_or(s, str::trim_start);
    let s: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' || c.is_whitespace() {
                c
            } else {
                ' '
            }
        })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn qnorm(text: &str) -> String {
    let s: String = text.nfkc().collect::<String>().to_lowercase().replace('\u{2019}', "'");
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn quote_match(a: &str, b: &str) -> bool {
    let (a, b) = (qnorm(a), qnorm(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if a.contains(&b) || b.contains(&a) {
        return la.min(lb) as f64 >= 0.6 * la.max(lb) as f64 || la.min(lb) >= 25;
    }
    let wa: BTreeSet<&str> = a.split(' ').collect();
    let wb: BTreeSet<&str> = b.split(' ').collect();
    wa.intersection(&wb).count() as f64 / wa.union(&wb).count() as f64 >= 0.6
}

pub fn score(gold: &Gold, facts: &DocFacts) -> Score {
    let mut details = Vec::new();
    let mut name_index: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in gold.entities.iter().enumerate() {
        for n in &e.names {
            name_index.entry(norm(n)).or_default().push(i);
        }
    }
    // --- entities
    let mut entity_of: HashMap<&str, &str> = HashMap::new();
    let mut claimed: HashMap<&str, String> = HashMap::new();
    let (mut tp, mut fp) = (0, 0);
    let mut ents: Vec<_> = facts.entities.iter().collect();
    ents.sort_by(|a, b| a.key.cmp(&b.key));
    for e in ents {
        let t = e.etype.name();
        let mut names: BTreeSet<&str> = e.alt_labels.iter().map(String::as_str).collect();
        names.insert(&e.label);
        let label_norm = norm(&e.label);
        let mut cands: Vec<usize> = Vec::new();
        for n in &names {
            cands.extend(name_index.get(&norm(n)).into_iter().flatten());
        }
        let mut ok: Vec<usize> = cands
            .into_iter()
            .filter(|&i| gold.entities[i].etype == t || gold.entities[i].also.iter().any(|a| a == t))
            .collect();
        ok.sort_by_key(|&i| {
            (
                gold.entities[i].optional,
                !gold.entities[i].names.iter().any(|n| norm(n) == label_norm),
            )
        });
        let shown = names.iter().next().copied().unwrap_or(&e.label);
        let Some(&m) = ok.first() else {
            if e.etype == EntityType::Group {
                continue;
            }
            fp += 1;
            let any = names.iter().any(|n| name_index.contains_key(&norm(n)));
            details.push(format!(
                "entity FP  {shown:?} [{t}] ({}; kind {})",
                if any { "wrong type" } else { "not in reference" },
                e.kind.as_deref().unwrap_or("-")
            ));
            continue;
        };
        let g = &gold.entities[m];
        entity_of.insert(&e.key, &g.id);
        if g.optional {
            continue;
        }
        if let Some(prev) = claimed.get(g.id.as_str()) {
            fp += 1;
            details.push(format!("entity FP  {shown:?} duplicates {prev:?} ({})", g.id));
            continue;
        }
        claimed.insert(&g.id, shown.to_string());
        tp += 1;
    }
    let mut fn_ = 0;
    for e in &gold.entities {
        if !e.optional && !claimed.contains_key(e.id.as_str()) {
            fn_ += 1;
            details.push(format!("entity FN  {:?} {}", e.names[0], e.etype));
        }
    }
    let entities = prf(tp, fp, fn_);

    // --- relations
    let sym: BTreeSet<&str> = gold.symmetric.iter().map(String::as_str).collect();
    let hits = |rels: &[GoldRelation], s: &str, p: &str, o: &str| -> Vec<usize> {
        rels.iter()
            .enumerate()
            .filter(|(_, r)| {
                r.p == p
                    && ((r.s.iter().any(|x| x == s) && r.o.iter().any(|x| x == o))
                        || (sym.contains(p) && r.s.iter().any(|x| x == o) && r.o.iter().any(|x| x == s)))
            })
            .map(|(i, _)| i)
            .collect()
    };
    let label_of = |key: &str| {
        facts
            .entities
            .iter()
            .find(|e| e.key == key)
            .map_or(key.to_string(), |e| e.label.clone())
    };
    let (mut found, mut tp, mut fp) = (BTreeSet::new(), 0, 0);
    let mut seen = BTreeSet::new();
    for r in &facts.relations {
        let (gs, go) = (
            entity_of.get(r.subject.as_str()).copied(),
            entity_of.get(r.object.as_str()).copied(),
        );
        let key = (
            gs.unwrap_or(&r.subject).to_string(),
            r.predicate.clone(),
            go.unwrap_or(&r.object).to_string(),
        );
        if !seen.insert(key) {
            continue;
        }
        let h = match (gs, go) {
            (Some(s), Some(o)) => hits(&gold.relations, s, &r.predicate, o),
            _ => Vec::new(),
        };
        if !h.is_empty() {
            if let Some(&i) = h.iter().find(|i| !found.contains(*i)) {
                found.insert(i);
                tp += 1;
            }
            continue;
        }
        if let (Some(s), Some(o)) = (gs, go) {
            if !hits(&gold.optional_relations, s, &r.predicate, o).is_empty() {
                continue;
            }
        }
        fp += 1;
        details.push(format!(
            "relation FP  {:?} {} {:?} (rule {})",
            label_of(&r.subject),
            r.predicate,
            label_of(&r.object),
            r.evidence.rule
        ));
    }
    let mut fn_ = 0;
    for (i, r) in gold.relations.iter().enumerate() {
        if !found.contains(&i) {
            fn_ += 1;
            details.push(format!("relation FN  {} {} {}", r.s[0], r.p, r.o[0]));
        }
    }
    let relations = prf(tp, fp, fn_);

    // --- quotes
    let (mut found, mut tp, mut fp) = (BTreeSet::new(), 0, 0);
    for q in &facts.quotes {
        let speakers: BTreeSet<&str> = match &q.speaker {
            Some(s) => [entity_of.get(s.as_str()).copied().unwrap_or("?")].into(),
            None => ["?"].into(),
        };
        let short: String = q.text.chars().take(60).collect();
        let hit = gold
            .quotes
            .iter()
            .position(|g| quote_match(&q.text, &g.text))
            .map(|i| (Some(i), &gold.quotes[i]));
        let hit = hit.or_else(|| {
            gold.optional_quotes
                .iter()
                .find(|g| quote_match(&q.text, &g.text))
                .map(|g| (None, g))
        });
        let Some((i, g)) = hit else {
            fp += 1;
            details.push(format!("quote FP  {short:?} (no such quote; rule {})", q.evidence.rule));
            continue;
        };
        let ok = g.speaker.iter().any(|s| s == "*" || speakers.contains(s.as_str()));
        match (i, ok) {
            (None, true) => {}
            (None, false) => {
                fp += 1;
                details.push(format!(
                    "quote FP  {short:?} speaker {speakers:?} (wrong speaker; rule {})",
                    q.evidence.rule
                ));
            }
            (Some(_), false) => {
                fp += 1;
                details.push(format!(
                    "quote FP  {short:?} speaker {speakers:?} expected {:?} (rule {})",
                    g.speaker, q.evidence.rule
                ));
            }
            (Some(i), true) => {
                if found.insert(i) {
                    tp += 1;
                }
            }
        }
    }
    let mut fn_ = 0;
    for (i, g) in gold.quotes.iter().enumerate() {
        if !found.contains(&i) {
            fn_ += 1;
            let short: String = g.text.chars().take(60).collect();
            details.push(format!("quote FN  {short:?} by {}", g.speaker[0]));
        }
    }
    let quotes = prf(tp, fp, fn_);

    // --- attributes
    let mut ok_count = 0;
    for a in &gold.attributes {
        let vals: Vec<String> = facts
            .attributes
            .iter()
            .filter(|x| entity_of.get(x.entity.as_str()) == Some(&a.s.as_str()))
            .filter_map(|x| match (&x.value, a.p.as_str()) {
                (AttributeValue::Title(t), "title") => Some(t.clone()),
                (AttributeValue::Age(n), "age") => Some(n.to_string()),
                _ => None,
            })
            .collect();
        let want = match &a.v {
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        let ok = if a.p == "age" {
            vals.contains(&want)
        } else {
            vals.iter().any(|v| v.to_lowercase().contains(&want))
        };
        ok_count += usize::from(ok);
        if !ok {
            details.push(format!("attribute FN  {} {} {want}", a.s, a.p));
        }
    }
    let overall = r3((entities.f1 + relations.f1 + quotes.f1) / 3.0);
    Score {
        entities,
        relations,
        quotes,
        attributes: [("found".to_string(), ok_count), ("of".to_string(), gold.attributes.len())].into(),
        overall_f1: overall,
        details,
    }
}

pub fn render(s: &Score) -> String {
    let mut o = String::new();
    for (k, r) in [("entities", &s.entities), ("relations", &s.relations), ("quotes", &s.quotes)] {
        o += &format!(
            "{k:10} P={:.3} R={:.3} F1={:.3}  (tp={} fp={} fn={})\n",
            r.precision, r.recall, r.f1, r.tp, r.fp, r.fn_
        );
    }
    o += &format!(
        "attributes {}/{}\noverall F1 {:.3}\n",
        s.attributes["found"], s.attributes["of"], s.overall_f1
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_like_the_reference_scorer() {
        assert_eq!(norm("The Kremlin's"), "kremlin");
        assert_eq!(norm("Agence France-Presse"), "agence france presse");
        assert_eq!(norm("Lukashenko\u{2019}s"), "lukashenko");
        assert_eq!(norm("Theresa May"), "theresa may");
    }

    #[test]
    fn quotes_match_by_containment_or_overlap() {
        assert!(quote_match(
            "We won't give away the country!",
            "\"We won't give away the country!\""
        ));
        assert!(!quote_match("ready", "readiness to provide the needed assistance"));
    }
}
