//! Documents in: `.txt` files, folders (recursively, `.txt` and `.jsonl`),
//! JSON Lines files and standard input. Reading is streaming: JSON Lines are
//! read line by line, never whole. This stage only reads; it knows nothing
//! about extraction.

use crate::model::Document;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// A bad input. Each names the file (and line) and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: no such file or directory")]
    Missing { path: String },
    #[error("{path}: the file is empty; expected the text of a news article")]
    Empty { path: String },
    #[error("{path}: binary file (NUL byte at byte {offset}); expected UTF-8 text")]
    Binary { path: String, offset: usize },
    #[error("{path}: not valid UTF-8 at byte {offset}; expected UTF-8 text")]
    NotUtf8 { path: String, offset: usize },
    #[error("{path}:{line}: {message}")]
    BadLine { path: String, line: usize, message: String },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}: not a .txt or .jsonl file; expected an article as .txt or JSON Lines as .jsonl")]
    UnknownKind { path: String },
}

/// The fields of one JSON Lines record.
#[derive(serde::Deserialize)]
struct Record {
    id: Option<serde_json::Value>,
    title: Option<String>,
    text: Option<String>,
    date: Option<String>,
    url: Option<String>,
    source: Option<String>,
}

/// Streams the documents of all inputs in order, with the errors in place.
pub struct Inputs {
    pending: Vec<PathBuf>,
    current: Option<JsonLines>,
}

struct JsonLines {
    path: String,
    reader: Box<dyn BufRead>,
    line: usize,
    buf: Vec<u8>,
}

impl Inputs {
    pub fn new(inputs: &[PathBuf]) -> Self {
        let mut pending: Vec<PathBuf> = inputs.to_vec();
        pending.reverse();
        Inputs { pending, current: None }
    }
}

impl Iterator for Inputs {
    type Item = Result<Document, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(lines) = &mut self.current {
                match lines.next() {
                    Some(item) => return Some(item),
                    None => self.current = None,
                }
            }
            let path = self.pending.pop()?;
            let name = path.display().to_string();
            if name == "-" {
                match read_stdin() {
                    Ok(Stdin::Article(doc)) => return Some(Ok(doc)),
                    Ok(Stdin::JsonLines(reader)) => {
                        self.current = Some(JsonLines::new("<stdin>".into(), reader));
                        continue;
                    }
                    Err(e) => return Some(Err(e)),
                }
            }
            let meta = match std::fs::metadata(&path) {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Some(Err(SourceError::Missing { path: name })),
                Err(source) => return Some(Err(SourceError::Io { path: name, source })),
            };
            if meta.is_dir() {
                match list_dir(&path) {
                    Ok(mut files) => {
                        files.reverse();
                        self.pending.extend(files);
                        continue;
                    }
                    Err(source) => return Some(Err(SourceError::Io { path: name, source })),
                }
            }
            match extension(&path).as_deref() {
                Some("jsonl") | Some("ndjson") => match File::open(&path) {
                    Ok(f) => {
                        self.current = Some(JsonLines::new(name, Box::new(BufReader::new(f))));
                        continue;
                    }
                    Err(source) => return Some(Err(SourceError::Io { path: name, source })),
                },
                _ => return Some(read_text_file(&path)),
            }
        }
    }
}

enum Stdin {
    Article(Document),
    /// Streamed line by line, like a `.jsonl` file.
    JsonLines(Box<dyn BufRead>),
}

/// Standard input: JSON Lines when its first non-blank byte is `{` (read
/// as a stream), else one article.
fn read_stdin() -> Result<Stdin, SourceError> {
    let path = "<stdin>".to_string();
    let io_err = |source| SourceError::Io {
        path: path.clone(),
        source,
    };
    let mut reader = BufReader::with_capacity(1 << 16, io::stdin());
    let first = loop {
        let buf = reader.fill_buf().map_err(io_err)?;
        if buf.is_empty() {
            break None;
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => break Some(buf[i]),
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    if first == Some(b'{') {
        return Ok(Stdin::JsonLines(Box::new(reader)));
    }
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(io_err)?;
    let text = decode(&path, bytes)?;
    Ok(Stdin::Article(Document {
        id: "stdin".into(),
        text,
        ..Document::default()
    }))
}

fn extension(path: &Path) -> Option<String> {
    path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase())
}

/// The `.txt` and `.jsonl` files under a folder, at any depth, sorted by path.
fn list_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(extension(&p).as_deref(), Some("txt" | "jsonl" | "ndjson")) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn decode(path: &str, bytes: Vec<u8>) -> Result<String, SourceError> {
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(SourceError::Binary {
            path: path.to_string(),
            offset,
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| SourceError::NotUtf8 {
        path: path.to_string(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(SourceError::Empty { path: path.to_string() });
    }
    Ok(text)
}

fn read_text_file(path: &Path) -> Result<Document, SourceError> {
    let name = path.display().to_string();
    if extension(path).as_deref() != Some("txt") && path.extension().is_some() {
        return Err(SourceError::UnknownKind { path: name });
    }
    let bytes = std::fs::read(path).map_err(|source| SourceError::Io {
        path: name.clone(),
        source,
    })?;
    let text = decode(&name, bytes)?;
    let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Document {
        id,
        text,
        ..Document::default()
    })
}

impl JsonLines {
    fn new(path: String, reader: Box<dyn BufRead>) -> Self {
        JsonLines {
            path,
            reader,
            line: 0,
            buf: Vec::new(),
        }
    }

    fn bad(&self, message: impl Into<String>) -> SourceError {
        SourceError::BadLine {
            path: self.path.clone(),
            line: self.line,
            message: message.into(),
        }
    }

    fn next(&mut self) -> Option<Result<Document, SourceError>> {
        loop {
            self.buf.clear();
            self.line += 1;
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => {
                    if self.line == 1 {
                        return Some(Err(SourceError::Empty { path: self.path.clone() }));
                    }
                    return None;
                }
                Ok(_) => {}
                Err(source) => {
                    return Some(Err(SourceError::Io {
                        path: self.path.clone(),
                        source,
                    }))
                }
            }
            let line = match std::str::from_utf8(&self.buf) {
                Ok(l) => l.trim(),
                Err(e) => {
                    return Some(Err(
                        self.bad(format!("not valid UTF-8 at column {}; expected a JSON object", e.valid_up_to() + 1))
                    ))
                }
            };
            if line.is_empty() {
                continue;
            }
            let record: Record = match serde_json::from_str(line) {
                Ok(r) => r,
                Err(e) => {
                    return Some(Err(self.bad(format!(
                        "malformed JSON at column {}: {}; expected an object like {{\"id\": \"…\", \"title\": \"…\", \"text\": \"…\"}}",
                        e.column(),
                        strip_position(&e.to_string())
                    ))))
                }
            };
            let id = match record.id {
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s,
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => return Some(Err(self.bad("missing \"id\"; expected a string such as \"id\": \"article-1\""))),
            };
            let Some(text) = record.text.filter(|t| !t.trim().is_empty()) else {
                return Some(Err(
                    self.bad(format!("document {id:?} has no \"text\"; expected the article's text"))
                ));
            };
            return Some(Ok(Document {
                id,
                title: record.title,
                text,
                date: record.date,
                url: record.url,
                source: record.source,
            }));
        }
    }
}

/// serde_json appends " at line L column C"; the caller reports its own position.
fn strip_position(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(paths: &[PathBuf]) -> Vec<Result<Document, String>> {
        Inputs::new(paths).map(|r| r.map_err(|e| e.to_string())).collect()
    }

    #[test]
    fn jsonl_reports_bad_line_and_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        std::fs::write(
            &p,
            "{\"id\":\"1\",\"text\":\"One.\"}\n{oops\n\n{\"id\":\"3\",\"text\":\"Three.\"}\n",
        )
        .unwrap();
        let got = collect(&[p]);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().unwrap().id, "1");
        let err = got[1].as_ref().unwrap_err();
        assert!(err.contains("a.jsonl:2:"), "{err}");
        assert_eq!(got[2].as_ref().unwrap().id, "3");
    }

    #[test]
    fn txt_id_is_file_stem_and_bad_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("story.txt"), "Hello world.").unwrap();
        std::fs::write(dir.path().join("empty.txt"), "  \n").unwrap();
        std::fs::write(dir.path().join("bin.txt"), b"ab\0cd").unwrap();
        std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9").unwrap();
        let got = collect(&[dir.path().to_path_buf(), dir.path().join("nope.txt")]);
        let errs: Vec<&String> = got.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(got.iter().filter(|r| r.is_ok()).count(), 1);
        assert!(errs.iter().any(|e| e.contains("empty.txt") && e.contains("empty")));
        assert!(errs.iter().any(|e| e.contains("bin.txt") && e.contains("binary")));
        assert!(errs.iter().any(|e| e.contains("latin1.txt") && e.contains("UTF-8")));
        assert!(errs.iter().any(|e| e.contains("nope.txt") && e.contains("no such file")));
        assert_eq!(got.iter().find_map(|r| r.as_ref().ok()).unwrap().id, "story");
    }
}
