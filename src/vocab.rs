//! IRIs of the vocabulary gleaner writes: the core vocabulary of
//! `CORE-VOCABULARY.md` plus gleaner's own extensions defined in
//! `ontology/gleaner.ttl`. Every IRI used by the code is a constant here and
//! nowhere else.

pub const GL: &str = "https://w3id.org/gleaner/ns#";
pub const SCHEMA: &str = "http://schema.org/";
pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
pub const OWL: &str = "http://www.w3.org/2002/07/owl#";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
pub const DCTERMS: &str = "http://purl.org/dc/terms/";

/// Base of entity IRIs: `{ID}{type}/{slug}`.
pub const ID: &str = "https://w3id.org/gleaner/id/";
/// Base of document IRIs (also the names of the documents' graphs): `{DOC}{slug}`.
pub const DOC: &str = "https://w3id.org/gleaner/doc/";

/// The graph that holds entity descriptions (type, label, other names),
/// shared by all documents so that the union of graphs has each once.
pub const ENTITIES_GRAPH: &str = "https://w3id.org/gleaner/graph/entities";

/// Prefixes predeclared in queries and used when writing Turtle/TriG.
pub const PREFIXES: &[(&str, &str)] = &[
    ("gl", GL),
    ("schema", SCHEMA),
    ("rdf", RDF),
    ("rdfs", RDFS),
    ("skos", SKOS),
    ("owl", OWL),
    ("xsd", XSD),
    ("dcterms", DCTERMS),
];

pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub const RDF_STATEMENT: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement";
pub const RDF_SUBJECT: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject";
pub const RDF_PREDICATE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate";
pub const RDF_OBJECT: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#object";
pub const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
pub const SKOS_ALT_LABEL: &str = "http://www.w3.org/2004/02/skos/core#altLabel";

pub const SCHEMA_PERSON: &str = "http://schema.org/Person";
pub const SCHEMA_ORGANIZATION: &str = "http://schema.org/Organization";
pub const SCHEMA_PLACE: &str = "http://schema.org/Place";
pub const SCHEMA_QUOTATION: &str = "http://schema.org/Quotation";
pub const SCHEMA_TEXT: &str = "http://schema.org/text";
pub const SCHEMA_ARTICLE: &str = "http://schema.org/NewsArticle";
pub const SCHEMA_HEADLINE: &str = "http://schema.org/headline";
pub const SCHEMA_IDENTIFIER: &str = "http://schema.org/identifier";
pub const SCHEMA_DATE_PUBLISHED: &str = "http://schema.org/datePublished";
pub const SCHEMA_URL: &str = "http://schema.org/url";
pub const SCHEMA_PUBLISHER: &str = "http://schema.org/publisher";

pub const GL_GROUP: &str = "https://w3id.org/gleaner/ns#Group";
pub const GL_SPEAKER: &str = "https://w3id.org/gleaner/ns#speaker";
pub const GL_TITLE: &str = "https://w3id.org/gleaner/ns#title";
pub const GL_AGE: &str = "https://w3id.org/gleaner/ns#age";
pub const GL_KIND: &str = "https://w3id.org/gleaner/ns#kind";
pub const GL_MENTIONS: &str = "https://w3id.org/gleaner/ns#mentions";
pub const GL_MENTION_COUNT: &str = "https://w3id.org/gleaner/ns#mentionCount";
pub const GL_ENTITY: &str = "https://w3id.org/gleaner/ns#entity";
pub const GL_MAIN_COUNTRY: &str = "https://w3id.org/gleaner/ns#mainCountry";
pub const GL_SENTENCE: &str = "https://w3id.org/gleaner/ns#Sentence";
pub const GL_EVIDENCE: &str = "https://w3id.org/gleaner/ns#evidence";
pub const GL_DOCUMENT: &str = "https://w3id.org/gleaner/ns#document";
pub const GL_RULE: &str = "https://w3id.org/gleaner/ns#rule";
pub const GL_START: &str = "https://w3id.org/gleaner/ns#start";
pub const GL_END: &str = "https://w3id.org/gleaner/ns#end";
pub const GL_TEXT: &str = "https://w3id.org/gleaner/ns#text";
pub const GL_FACT: &str = "https://w3id.org/gleaner/ns#Fact";
pub const GL_ATTRIBUTE_FACT: &str = "https://w3id.org/gleaner/ns#AttributeFact";

pub const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";

/// The relation properties of the core vocabulary, by local name.
pub const RELATIONS: &[&str] = &[
    "leaderOf",
    "memberOf",
    "affiliatedWith",
    "relativeOf",
    "locatedIn",
    "neighbourOf",
    "founded",
    "movedTo",
    "supports",
    "opposes",
    "accuses",
    "sanctions",
];

/// Relations that hold both ways; written once, subject before object by key.
pub const SYMMETRIC: &[&str] = &["relativeOf", "neighbourOf"];
