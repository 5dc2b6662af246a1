//! What a refusal says, in both languages: a message (`Text`) and an invalid input field
//! (`FieldError`). Plain data, so the domain can refuse input without knowing HTTP; the HTTP layer
//! renders them (`error.rs`).

use crate::i18n::Lang;

/// A message in both languages; the response picks one by `Accept-Language`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub en: String,
    pub vi: String,
}

impl Text {
    pub fn new(en: impl Into<String>, vi: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            vi: vi.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Vi => &self.vi,
        }
    }
}

/// One invalid input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: Text,
    /// The line of an uploaded file the error is on (1 = the header), when it is about a file.
    pub line: Option<u64>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, en: impl Into<String>, vi: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: Text::new(en, vi),
            line: None,
        }
    }

    /// The same error, placed on `line` of an uploaded file.
    pub fn at_line(self, line: u64) -> Self {
        FieldError {
            line: Some(line),
            ..self
        }
    }
}
