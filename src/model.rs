//! The values that flow between stages: entity types, documents and the facts
//! extracted from one document. Plain data, no behaviour beyond naming.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The core entity types of the vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EntityType {
    Person,
    Organization,
    Place,
    Group,
}

impl EntityType {
    pub const ALL: [EntityType; 4] = [Self::Person, Self::Organization, Self::Place, Self::Group];

    pub fn name(self) -> &'static str {
        match self {
            Self::Person => "Person",
            Self::Organization => "Organization",
            Self::Place => "Place",
            Self::Group => "Group",
        }
    }

    /// Lower-case segment used in entity IRIs.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Organization => "organization",
            Self::Place => "place",
            Self::Group => "group",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One input article.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub id: String,
    pub title: Option<String>,
    pub text: String,
    pub date: Option<String>,
    pub url: Option<String>,
    pub source: Option<String>,
}

/// A span of the document text, in bytes (converted to characters on output).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// An entity as seen in one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityFact {
    /// Stable key: `type/slug`, a pure function of type and canonical name.
    pub key: String,
    pub etype: EntityType,
    /// Canonical name (the `rdfs:label`).
    pub label: String,
    /// Every other name: the ones seen in the document and the curated aliases.
    pub alt_labels: Vec<String>,
    /// Curated sub-kind (country, city, party, ...), if any.
    pub kind: Option<String>,
    pub mentions: usize,
}

/// Where a fact comes from: the rule and the text that supports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub rule: String,
    /// The matched text.
    pub span: Span,
    /// The sentence holding the match.
    pub sentence: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationFact {
    pub subject: String,
    pub predicate: String,
    pub object: String,
    pub evidence: Evidence,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteFact {
    pub text: String,
    pub speaker: Option<String>,
    pub evidence: Evidence,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributeValue {
    Title(String),
    Age(u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeFact {
    pub entity: String,
    pub value: AttributeValue,
    pub evidence: Evidence,
}

/// Everything extracted from one document, sorted and deduplicated.
#[derive(Clone, Debug, Default)]
pub struct DocFacts {
    pub doc: Document,
    pub main_country: Option<String>,
    pub entities: Vec<EntityFact>,
    pub relations: Vec<RelationFact>,
    pub quotes: Vec<QuoteFact>,
    pub attributes: Vec<AttributeFact>,
}
