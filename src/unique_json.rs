//! JSON text to a `serde_json::Value`, refusing an object that names a key twice. serde_json
//! keeps the last of two equal keys; a proxy, a log or an auditor reading the first would see
//! another amount than the one booked, so the service accepts no such body at all. Keys are
//! compared after unescaping (`"am\u006funt"` is `amount`).
//!
//! serde_json parses (and so validates) the text first; a second pass over the valid text then
//! walks its objects and arrays without building values, decoding only the keys.

use std::collections::HashSet;

use serde_json::Value;

/// Why the text is not a body.
#[derive(Debug)]
pub enum Refusal {
    /// Not JSON (or trailing text after it).
    Syntax(serde_json::Error),
    /// The path of the key that came twice, e.g. `donor.name` or `postings[1].amount`.
    DuplicateKey(String),
}

pub fn parse(bytes: &[u8]) -> Result<Value, Refusal> {
    let value = serde_json::from_slice(bytes).map_err(Refusal::Syntax)?;
    match first_duplicate(bytes) {
        Some(path) => Err(Refusal::DuplicateKey(path)),
        None => Ok(value),
    }
}

/// One open object or array of the walk.
enum Frame {
    Object {
        keys: HashSet<String>,
        /// The key whose value is being read (or was read last).
        key: Option<String>,
        expecting_key: bool,
    },
    Array {
        index: usize,
    },
}

/// The path of the first key an object of `bytes` (valid JSON) names twice.
fn first_duplicate(bytes: &[u8]) -> Option<String> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => stack.push(Frame::Object {
                keys: HashSet::new(),
                key: None,
                expecting_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let end = string_end(bytes, i);
                if let Some(Frame::Object {
                    keys,
                    key,
                    expecting_key: expecting @ true,
                }) = stack.last_mut()
                {
                    *expecting = false;
                    // the text is valid JSON, so the quoted key decodes
                    let name: String = serde_json::from_slice(&bytes[i..=end]).ok()?;
                    let repeated = !keys.insert(name.clone());
                    *key = Some(name);
                    if repeated {
                        return Some(render(&stack));
                    }
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The index of the quote that closes the string opening at `start`.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len() - 1
}

/// `donor.name`, `postings[1].amount`, `[0].household_id`.
fn render(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&shorten(key));
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// A hostile key may be a megabyte long; the message names its start.
fn shorten(key: &str) -> String {
    const MAX: usize = 64;
    match key.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &key[..end]),
        None => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicate(text: &str) -> Option<String> {
        match parse(text.as_bytes()) {
            Err(Refusal::DuplicateKey(path)) => Some(path),
            _ => None,
        }
    }

    #[test]
    fn reads_json_as_serde_json_does() {
        let text = r#"{"a": [1, -2, 1.5, "x", null, true, {"b": {}}], "c": "\u00e9"}"#;
        assert_eq!(
            parse(text.as_bytes()).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        assert!(matches!(parse(b"{\"a\": 1} x"), Err(Refusal::Syntax(_))));
        assert!(matches!(parse(b"{\"a\": "), Err(Refusal::Syntax(_))));
    }

    #[test]
    fn names_the_key_that_came_twice_at_any_depth() {
        assert_eq!(
            duplicate(r#"{"amount":"1","amount":"999"}"#).as_deref(),
            Some("amount")
        );
        assert_eq!(
            duplicate(r#"{"donor":{"kind":"individual","name":"A","name":"B"}}"#).as_deref(),
            Some("donor.name")
        );
        assert_eq!(
            duplicate(r#"{"postings":[{"side":"debit"},{"amount":"1","amount":"2"}]}"#).as_deref(),
            Some("postings[1].amount")
        );
        assert_eq!(
            duplicate(r#"[{"a":1},{"b":1,"b":1}]"#).as_deref(),
            Some("[1].b")
        );
        assert_eq!(
            duplicate(r#"{"a":[[1,2],[3,{"k":1,"k":2}]]}"#).as_deref(),
            Some("a[1][1].k")
        );
        // the same key after unescaping
        assert_eq!(
            duplicate(r#"{"amount":"1","am\u006funt":"2"}"#).as_deref(),
            Some("amount")
        );
    }

    #[test]
    fn what_only_looks_like_a_key_is_not_one() {
        // equal keys in different objects, and keys' names inside string values
        assert_eq!(duplicate(r#"{"a":{"x":1},"b":{"x":1}}"#), None);
        assert_eq!(
            duplicate(r#"{"note":"\"note\": 1, {\"a\":1,\"a\":2}","x":["note","note"]}"#),
            None
        );
        assert_eq!(duplicate(r#"{"a":"}","b":"{","a2":"\\"}"#), None);
        assert_eq!(duplicate(r#"{"a":1,"b":"\\","a":2}"#).as_deref(), Some("a"));
    }

    #[test]
    fn a_long_key_is_named_by_its_start() {
        let key = "k".repeat(1000);
        let text = format!(r#"{{"{key}":1,"{key}":2}}"#);
        let path = duplicate(&text).unwrap();
        assert_eq!(path.chars().count(), 65);
    }
}
