//! Attachments: photos and scanned documents that evidence house stages and Tết deliveries.
//! What a file is comes from its first bytes (magic numbers), never from the name or the
//! content type a client claims; only JPEG, PNG and PDF are kept, at most 10 MiB each.

/// The largest file accepted, in bytes (10 MiB; the table's CHECK says the same).
pub const MAX_SIZE: u64 = 10 * 1024 * 1024;

/// The longest filename kept, in characters (the table's CHECK says the same).
pub const MAX_FILENAME: usize = 255;

/// How many leading bytes `FileType::sniff` needs to decide.
pub const SNIFF_LEN: usize = 8;

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const PDF: &[u8] = b"%PDF-";

/// The kinds of file the service stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Jpeg,
    Png,
    Pdf,
}

impl FileType {
    /// The type the leading bytes of a file announce; `None` for anything else (including a
    /// file too short to tell).
    pub fn sniff(head: &[u8]) -> Option<FileType> {
        if head.starts_with(JPEG) {
            Some(FileType::Jpeg)
        } else if head.starts_with(PNG) {
            Some(FileType::Png)
        } else if head.starts_with(PDF) {
            Some(FileType::Pdf)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileType::Jpeg => "jpg",
            FileType::Png => "png",
            FileType::Pdf => "pdf",
        }
    }

    pub fn from_content_type(s: &str) -> Option<FileType> {
        [FileType::Jpeg, FileType::Png, FileType::Pdf]
            .into_iter()
            .find(|t| t.content_type() == s)
    }
}

/// The filename a client sent, reduced to something safe to keep: the last path component
/// (browsers on Windows send `C:\…\photo.jpg`), NFC, without control characters or quotes,
/// at most `MAX_FILENAME` characters (longer names keep their end, where the extension is).
/// `None` when nothing is left. It is only ever shown as data, never used as a path.
pub fn clean_filename(raw: &str) -> Option<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let kept: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    let kept = kept.trim();
    let chars: Vec<char> = kept.chars().collect();
    let start = chars.len().saturating_sub(MAX_FILENAME);
    let bounded: String = chars[start..].iter().collect();
    crate::domain::text::clean(&bounded, MAX_FILENAME).filter(|s| s != "." && s != "..")
}

/// Whether `s` is a SHA-256 digest in lower-case hex (what the store names files by).
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_jpeg_png_and_pdf_by_their_first_bytes() {
        assert_eq!(
            FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            FileType::sniff(&[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some(FileType::Png)
        );
        assert_eq!(FileType::sniff(b"%PDF-1.7\n"), Some(FileType::Pdf));
    }

    #[test]
    fn refuses_everything_else() {
        assert_eq!(FileType::sniff(b""), None);
        assert_eq!(FileType::sniff(b"hello, this is text"), None);
        assert_eq!(FileType::sniff(b"GIF89a"), None);
        assert_eq!(FileType::sniff(b"<svg xmlns="), None);
        assert_eq!(FileType::sniff(b"PK\x03\x04"), None);
        // too short to be sure
        assert_eq!(FileType::sniff(&[0xFF, 0xD8]), None);
        assert_eq!(FileType::sniff(&[0x89, b'P', b'N', b'G']), None);
        assert_eq!(FileType::sniff(b"%PDF"), None);
        assert_eq!(FileType::sniff(b" %PDF-1.4"), None);
    }

    #[test]
    fn content_types_round_trip() {
        for t in [FileType::Jpeg, FileType::Png, FileType::Pdf] {
            assert_eq!(FileType::from_content_type(t.content_type()), Some(t));
        }
        assert_eq!(FileType::from_content_type("text/plain"), None);
    }

    #[test]
    fn filenames_lose_paths_controls_and_quotes() {
        assert_eq!(clean_filename("photo.jpg").as_deref(), Some("photo.jpg"));
        assert_eq!(
            clean_filename("C:\\Users\\An\\nhà mới.jpg").as_deref(),
            Some("nhà mới.jpg")
        );
        assert_eq!(
            clean_filename("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(clean_filename("a\"b\r\nc.pdf").as_deref(), Some("abc.pdf"));
        assert_eq!(clean_filename("dir/"), None);
        assert_eq!(clean_filename("  "), None);
        assert_eq!(clean_filename(".."), None);
        let long = format!("{}.pdf", "x".repeat(300));
        let kept = clean_filename(&long).unwrap();
        assert_eq!(kept.chars().count(), MAX_FILENAME);
        assert!(kept.ends_with(".pdf"));
    }

    #[test]
    fn digests_are_lower_case_hex_of_64() {
        assert!(is_sha256_hex(&"a".repeat(64)));
        assert!(!is_sha256_hex(&"A".repeat(64)));
        assert!(!is_sha256_hex(&"a".repeat(63)));
        assert!(!is_sha256_hex("../../../../etc/passwd"));
    }
}
