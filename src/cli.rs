//! Command-line definitions (clap). Nothing here does work: `commands`
//! turns these values into calls on the library.

use crate::store::ExportFormat;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "gleaner",
    version,
    about = "Turn news articles into a knowledge graph you can query (SPARQL), draw (DOT) and measure",
    after_help = "Examples:
  gleaner build article.txt                 # into output/store, exports in output/
  gleaner build corpus.jsonl --store kg     # a JSON Lines corpus into ./kg
  gleaner query 'SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name } ORDER BY ?name'
  gleaner export --format nquads > graph.nq
  gleaner extract corpus.jsonl > corpus.nq  # no store: stream N-Quads for other tools"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct RuleArgs {
    /// A folder of rule files (TOML) added on top of the built-in pack; repeatable
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Use only the --rules folders, not the built-in pack
    #[arg(long)]
    pub no_builtin_rules: bool,
}

#[derive(Args, Debug, Clone)]
pub struct StoreArg {
    /// The oxigraph store folder
    #[arg(long, value_name = "DIR", default_value = "output/store")]
    pub store: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Extract articles into the store (each document's graph replaces any earlier one)
    #[command(after_help = "INPUT is a .txt article, a folder (searched recursively for .txt and .jsonl), \
a JSON Lines file ({\"id\",\"title\",\"text\"} per line, optional \"date\", \"url\", \"source\") or - for standard input.

Examples:
  gleaner build tests/data/belarus-2020-08-16.txt
  gleaner build articles/ more.jsonl --store kg --export kg
  cat story.txt | gleaner build - --store kg")]
    Build {
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// The store folder [default: output/store]
        #[arg(long, value_name = "DIR")]
        store: Option<PathBuf>,
        /// Write graph.ttl, graph.dot, stats.txt and stats.json here [default: output/ when --store is not given]
        #[arg(long, value_name = "DIR")]
        export: Option<PathBuf>,
        /// Write no export files
        #[arg(long, conflicts_with = "export")]
        no_export: bool,
        /// Worker threads [default: all cores]
        #[arg(short = 'j', long, value_name = "N")]
        jobs: Option<usize>,
        /// No progress bar and no summary line
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Run a SPARQL query over all documents (prefixes gl:, schema:, rdfs:, rdf:, skos:, owl:, xsd: are declared)
    #[command(after_help = "Examples:
  gleaner query 'SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name } ORDER BY ?name'
  gleaner query --file who-leads.rq --format csv
  gleaner query 'ASK { ?p gl:leaderOf ?c }'")]
    Query {
        /// The query (or use --file)
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        sparql: Option<String>,
        /// Read the query from a file
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: ResultFormat,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Write the store as RDF (turtle and ntriples hold the union of all documents' graphs)
    #[command(after_help = "Examples:
  gleaner export --format turtle > graph.ttl
  gleaner export --format nquads -o graph.nq")]
    Export {
        #[arg(long, value_enum, default_value = "turtle")]
        format: ExportFormat,
        /// Output file [default: standard output]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Extract articles and stream each document's N-Quads to standard output, without a store
    #[command(after_help = "For corpora split across machines: run `gleaner extract` on each shard and \
`gleaner load` (or any RDF store) on the results; entity IRIs depend only on the rule pack, so graphs merge by union.

Example:
  gleaner extract corpus.jsonl -j 2 > corpus.nq")]
    Extract {
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        #[arg(short = 'j', long, value_name = "N")]
        jobs: Option<usize>,
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Load N-Quads files (from `gleaner extract`) into the store, replacing the documents they hold
    #[command(
        after_help = "FILE is an N-Quads file or - for standard input; files are read as streams, never whole.

Examples:
  gleaner load shard-1.nq shard-2.nq --store kg
  gleaner extract articles/ | gleaner load - --store kg"
    )]
    Load {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        store: StoreArg,
        /// No progress bar and no summary line
        #[arg(short, long)]
        quiet: bool,
    },
    /// Draw the entity graph as Graphviz DOT (or SVG/PNG through Graphviz)
    #[command(after_help = "Examples:
  gleaner dot -o graph.dot
  gleaner dot --format svg -o graph.svg
  gleaner dot --focus Lukashenko --depth 2 --format png -o lukashenko.png
  gleaner dot --top 30 --relations supports,opposes")]
    Dot {
        #[command(flatten)]
        store: StoreArg,
        /// Output file [default: standard output]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "dot")]
        format: DotFormat,
        /// Only the neighbourhood of the entity with this name (any of its names)
        #[arg(long, value_name = "NAME")]
        focus: Option<String>,
        /// Radius of the --focus neighbourhood
        #[arg(long, default_value_t = 1, value_name = "N")]
        depth: usize,
        /// Only these entity types (comma-separated: Person,Organization,Place,Group)
        #[arg(long, value_delimiter = ',', value_name = "TYPES")]
        types: Vec<String>,
        /// Only these relations (comma-separated, e.g. supports,opposes)
        #[arg(long, value_delimiter = ',', value_name = "RELATIONS")]
        relations: Vec<String>,
        /// Only entities with at least N relations
        #[arg(long, default_value_t = 0, value_name = "N")]
        min_degree: usize,
        /// Only the N most central entities (PageRank) and the edges among them
        #[arg(long, value_name = "N")]
        top: Option<usize>,
    },
    /// Graph statistics: counts, degrees, PageRank, betweenness, components, distances
    #[command(after_help = "Examples:
  gleaner stats
  gleaner stats --json --top 20 > stats.json")]
    Stats {
        #[command(flatten)]
        store: StoreArg,
        /// A JSON object instead of the table (fields in the README)
        #[arg(long)]
        json: bool,
        /// How many entities the rankings list
        #[arg(long, default_value_t = 10, value_name = "N")]
        top: usize,
    },
    /// Score extraction from TEXT against a reference annotation (no store)
    #[command(after_help = "The annotation format is documented in docs/gold-format.md.

Example:
  gleaner eval tests/data/belarus-2020-08-16.gold.json tests/data/belarus-2020-08-16.txt")]
    Eval {
        gold: PathBuf,
        text: PathBuf,
        /// Print the scores as JSON
        #[arg(long)]
        json: bool,
        /// Only the scores, not every miss and spurious item
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Check a rule pack and report every error with file, line and column
    #[command(after_help = "Example:\n  gleaner check-rules --rules my-rules/")]
    CheckRules {
        #[command(flatten)]
        rules: RuleArgs,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DotFormat {
    Dot,
    Svg,
    Png,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ResultFormat {
    Table,
    Json,
    Csv,
    Tsv,
    Xml,
}
