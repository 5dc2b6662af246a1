//! JSON text to a `serde_json::Value`, refusing an object that names a key twice. serde_json
//! keeps the last of two equal keys; a proxy, a log or an auditor reading the first would see
//! another amount than the one booked, so the service accepts no such body at all. Keys are
//! compared after unescaping (`"am\u006funt"` is `amount`).

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why the text is not a body.
#[derive(Debug)]
pub enum Refusal {
    /// Not JSON (or trailing text after it).
    Syntax(serde_json::Error),
    /// The path of the key that came twice, e.g. `donor.name` or `postings[1].amount`.
    DuplicateKey(String),
}

pub fn parse(bytes: &[u8]) -> Result<Value, Refusal> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Unique {
        at: &At::Root,
        duplicate: &duplicate,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v));
    value.map_err(|e| match duplicate.into_inner() {
        Some(path) => Refusal::DuplicateKey(path),
        None => Refusal::Syntax(e),
    })
}

/// Where a value sits, rendered only when a duplicate is found.
enum At<'a> {
    Root,
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Root => Ok(()),
            At::Key(At::Root, key) => write!(f, "{}", shorten(key)),
            At::Key(parent, key) => write!(f, "{parent}.{}", shorten(key)),
            At::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// A hostile key may be a megabyte long; the message names its start.
fn shorten(key: &str) -> String {
    const MAX: usize = 64;
    match key.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &key[..end]),
        None => key.to_owned(),
    }
}

struct Unique<'a> {
    at: &'a At<'a>,
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Unique<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Unique<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // as serde_json's own Value does
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            let at = At::Index(self.at, items.len());
            let seed = Unique {
                at: &at,
                duplicate: self.duplicate,
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                let path = At::Key(self.at, &key).to_string();
                *self.duplicate.borrow_mut() = Some(path);
                return Err(de::Error::custom("duplicate key"));
            }
            let at = At::Key(self.at, &key);
            let value = map.next_value_seed(Unique {
                at: &at,
                duplicate: self.duplicate,
            })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
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
        // the same key after unescaping
        assert_eq!(
            duplicate(r#"{"amount":"1","am\u006funt":"2"}"#).as_deref(),
            Some("amount")
        );
        // equal keys in different objects are not duplicates
        assert_eq!(duplicate(r#"{"a":{"x":1},"b":{"x":1}}"#), None);
    }

    #[test]
    fn a_long_key_is_named_by_its_start() {
        let key = "k".repeat(1000);
        let text = format!(r#"{{"{key}":1,"{key}":2}}"#);
        let path = duplicate(&text).unwrap();
        assert_eq!(path.chars().count(), 65);
    }
}
