//! The symbol table: each lower-case word the rules mention, to its [`Sym`].
//!
//! Every token of every document is looked up here, most of them words no
//! rule mentions, so a lookup, hit or miss, must cost a few instructions
//! rather than a string hash and compare. A one-byte ASCII word is read from
//! a table. A word of 2 to 16 bytes is packed with its length into a [`Key`]
//! of two `u64`s, which tells different words apart by itself, and found by
//! open addressing: no string is hashed byte by byte or compared. Any other
//! word (empty, or longer than 16 bytes) goes to a hash map. The table is
//! built once, when the pack is compiled, and never changes after.

use super::pattern::{Sym, NONE};
use rustc_hash::FxHashMap as HashMap;

/// A word of 2 to 16 bytes as its length and two `u64` loads. Loads may
/// overlap; the length says by how much, so two different words never have
/// the same key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Key {
    lo: u64,
    hi: u64,
    len: u32,
}

impl Key {
    fn of(w: &[u8]) -> Option<Key> {
        let n = w.len();
        let load8 = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("eight bytes"));
        let load4 = |b: &[u8]| u64::from(u32::from_le_bytes(b.try_into().expect("four bytes")));
        // Each arm's loads cover every byte of a word of its lengths.
        let (lo, hi) = match n {
            8..=16 => (load8(&w[..8]), load8(&w[n - 8..])),
            4..=7 => (load4(&w[..4]) | load4(&w[n - 4..]) << 32, 0),
            2..=3 => (u64::from(w[0]) | u64::from(w[1]) << 8 | u64::from(w[n - 1]) << 16, 0),
            _ => return None,
        };
        Some(Key { lo, hi, len: n as u32 })
    }

    /// One 64 × 64 → 128-bit multiply, its halves folded (as foldhash and
    /// wyhash mix): enough to spread words over the table.
    fn hash(self) -> u64 {
        const SEED: [u64; 2] = [0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7344];
        let m = u128::from(self.lo ^ SEED[0]) * u128::from(self.hi ^ SEED[1] ^ u64::from(self.len));
        (m as u64) ^ (m >> 64) as u64
    }
}

/// A [`Key`] and its symbol in 24 bytes, not the 32 of the two side by side.
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    lo: u64,
    hi: u64,
    /// 0 in an empty slot (no key has length 0).
    len: u32,
    sym: Sym,
}

impl Slot {
    fn key(&self) -> Key {
        Key {
            lo: self.lo,
            hi: self.hi,
            len: self.len,
        }
    }
}

/// Lower-case word → symbol.
#[derive(Debug)]
pub struct SymbolTable {
    /// The symbol of each one-byte word (punctuation, "a"): a quarter of
    /// the tokens. Only ASCII bytes are words; a full table needs no test.
    bytes: [Sym; 256],
    /// Words of 2 to 16 bytes, by [`Key::hash`], linear probing. At most a
    /// quarter full: most tokens are words no rule mentions, and a miss
    /// ends at the first empty slot, mostly the first slot it reads.
    slots: Box<[Slot]>,
    /// Every other word.
    rest: HashMap<String, Sym>,
}

impl SymbolTable {
    pub fn new(words: &HashMap<String, Sym>) -> SymbolTable {
        let mut bytes = [NONE; 256];
        let mut slots = vec![Slot::default(); (words.len() * 4).next_power_of_two().max(16)].into_boxed_slice();
        let mask = slots.len() - 1;
        let mut rest = HashMap::default();
        for (word, &sym) in words {
            match (word.as_bytes(), Key::of(word.as_bytes())) {
                (&[b], _) => bytes[usize::from(b)] = sym,
                (_, Some(key)) => {
                    let mut i = key.hash() as usize & mask;
                    while slots[i].len != 0 {
                        i = (i + 1) & mask;
                    }
                    let Key { lo, hi, len } = key;
                    slots[i] = Slot { lo, hi, len, sym };
                }
                (_, None) => {
                    rest.insert(word.clone(), sym);
                }
            }
        }
        SymbolTable { bytes, slots, rest }
    }

    /// The symbol of `word`, `NONE` if no rule mentions it.
    #[inline]
    pub fn get(&self, word: &str) -> Sym {
        let w = word.as_bytes();
        if let [b] = *w {
            return self.bytes[usize::from(b)];
        }
        let Some(key) = Key::of(w) else {
            return self.get_rest(word);
        };
        let mask = self.slots.len() - 1;
        let mut i = key.hash() as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.key() == key {
                return slot.sym;
            }
            if slot.len == 0 {
                return NONE;
            }
            i = (i + 1) & mask;
        }
    }

    /// Out of line: a hash map lookup in the hot path would make every
    /// call save and restore the registers it needs.
    #[cold]
    #[inline(never)]
    fn get_rest(&self, word: &str) -> Sym {
        self.rest.get(word).copied().unwrap_or(NONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_finds_its_symbol_and_no_other_word_finds_one() {
        let words = [
            "a",
            ",",
            "of",
            "the",
            "and",
            "said",
            "minister",
            "ministers",
            "ministe",
            "minist",
            "ab",
            "abc",
            "abcd",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "",
            "prime minister's",
            "président",
            "été",
            "'s",
        ];
        let map: HashMap<String, Sym> = words.iter().enumerate().map(|(i, w)| (w.to_string(), i as Sym)).collect();
        let table = SymbolTable::new(&map);
        for (i, w) in words.iter().enumerate() {
            assert_eq!(table.get(w), i as Sym, "{w:?}");
        }
        // Words that share loads with a known word, or differ only in length.
        for w in [
            "b",
            ".",
            "o",
            "th",
            "thee",
            "an",
            "aand",
            "ministr",
            "mnister",
            "abcdefghijklmnoq",
            "abcdefghijklmno",
            "abcdefghijklmnopqr",
            "bcdefghi",
            "abd",
            "acc",
            "aab",
            "abcdefg",
            "prime minister",
            "presidente",
            "'t",
            "abcdefghijklmnoop",
            "\u{e9}",
        ] {
            assert_eq!(table.get(w), NONE, "{w:?}");
        }
    }

    #[test]
    fn keys_tell_apart_words_of_every_length() {
        // All words of one letter repeated but one byte changed: every
        // position of every length must reach the key.
        for n in 2..=16 {
            let base = vec![b'a'; n];
            let k = Key::of(&base).unwrap();
            for at in 0..n {
                let mut w = base.clone();
                w[at] = b'b';
                assert_ne!(Key::of(&w).unwrap(), k, "length {n}, byte {at}");
            }
        }
        assert_ne!(Key::of(b"aaaaaaaa"), Key::of(b"aaaaaaaaa"));
        assert_eq!(Key::of(b"a"), None);
        assert_eq!(Key::of(&[b'a'; 17]), None);
    }
}
