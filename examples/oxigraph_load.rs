//! oxigraph's own bulk loader on an N-Quads file, with no gleaner code in
//! the way: the floor under `gleaner build` and `gleaner load`, which write
//! their stores through the same loader. `benches/corpus.sh` times it on
//! what `gleaner extract` wrote, as its `oxigraph` row.
//!
//! Usage: `cargo run --release --example oxigraph_load -- FILE.nq STORE [MB]`
//!
//! The loader gets every core and, per batch, `MB` megabytes' worth of
//! quads (oxigraph counts a thousand quads a megabyte, split among the
//! threads; default 100: batches of 50,000 quads on two cores). Its own
//! default, one batch of a million quads, leaves one core idle on the
//! benchmark corpus and takes twice as long.

use anyhow::{Context, Result};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::store::Store;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, store, rest @ ..] = args.as_slice() else {
        anyhow::bail!("usage: oxigraph_load FILE.nq STORE [MB]");
    };
    let megabytes = match rest.first() {
        Some(mb) => mb.parse().context("MB: expected a whole number of megabytes")?,
        None => 100,
    };
    let data = std::fs::read(file).with_context(|| format!("cannot read {file}"))?;
    let store = Store::open(store).with_context(|| format!("cannot open the store at {store}"))?;
    let mut loader = store.bulk_loader().with_max_memory_size_in_megabytes(megabytes);
    let mut quads = 0usize;
    let parsed = RdfParser::from_format(RdfFormat::NQuads).for_slice(&data).inspect(|_| quads += 1);
    loader.load_ok_quads::<_, anyhow::Error>(parsed)?;
    loader.commit()?;
    eprintln!("oxigraph_load: {quads} quads");
    Ok(())
}
