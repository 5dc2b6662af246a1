//! The words the database stores for an enum — a status, a method, a kind — read into the enum
//! once, at the row boundary: a row field `#[diesel(deserialize_as = Stored<Method>)]` is a
//! `Method` (`StoredOption` for a nullable column), and a word the code does not know fails the
//! query (a broken assumption, answered 500 and logged), never a silent default.

use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::{Nullable, Text};

/// An enum stored as its wire word.
pub trait Word: Sized {
    /// What it is, for the error naming an unknown word.
    const WHAT: &'static str;
    fn from_word(word: &str) -> Option<Self>;
}

fn read<T: Word>(word: &str) -> deserialize::Result<T> {
    T::from_word(word).ok_or_else(|| format!("unknown {} {word:?} in the database", T::WHAT).into())
}

/// A stored word, read into its enum.
#[derive(Debug, Clone, Copy, diesel::deserialize::FromSqlRow)]
pub struct Stored<T>(pub T);

impl<T: Word> FromSql<Text, Pg> for Stored<T> {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        read(&<String as FromSql<Text, Pg>>::from_sql(bytes)?).map(Stored)
    }
}

/// A nullable stored word, read into an `Option` of its enum.
#[derive(Debug, Clone, Copy, diesel::deserialize::FromSqlRow)]
pub struct StoredOption<T>(pub Option<T>);

impl<T: Word> FromSql<Nullable<Text>, Pg> for StoredOption<T> {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        read(&<String as FromSql<Text, Pg>>::from_sql(bytes)?).map(|t| StoredOption(Some(t)))
    }

    fn from_nullable_sql(bytes: Option<PgValue<'_>>) -> deserialize::Result<Self> {
        match bytes {
            Some(bytes) => Self::from_sql(bytes),
            None => Ok(StoredOption(None)),
        }
    }
}

#[allow(clippy::from_over_into)] // `From<StoredOption<T>> for Option<T>` is not ours to write
impl<T> Into<Option<T>> for StoredOption<T> {
    fn into(self) -> Option<T> {
        self.0
    }
}

/// Makes enums readable as stored words: `words!(Method => "payment method", Method::parse;)`.
macro_rules! words {
    ($($t:ty => $what:literal, $parse:path;)+) => {$(
        impl $crate::db::word::Word for $t {
            const WHAT: &'static str = $what;
            fn from_word(word: &str) -> Option<Self> {
                $parse(word)
            }
        }
        impl From<$crate::db::word::Stored<$t>> for $t {
            fn from(s: $crate::db::word::Stored<$t>) -> Self {
                s.0
            }
        }
    )+};
}
pub(crate) use words;
