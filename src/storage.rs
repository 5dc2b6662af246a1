//! The content-addressed file store of attachments: a file lives at `<dir>/<aa>/<sha256>`,
//! where `aa` is the first two hex digits of its SHA-256, so the same bytes are stored once
//! however often they are uploaded. An upload is written to a temporary file in `<dir>` while it
//! is hashed, flushed to disk, then renamed into place (atomic on one file system), so a reader
//! never sees a partial file; an upload that is abandoned removes its temporary file.

use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::fs::{self, File, OpenOptions};
use tokio::io::{AsyncWriteExt, BufWriter};

use crate::domain::attachment::{is_sha256_hex, SNIFF_LEN};

const TEMP_PREFIX: &str = ".upload-";

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

/// A file now in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Lower-case hex.
    pub sha256: String,
    pub size: u64,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FileStore { root: root.into() }
    }

    /// Where the file with this digest lives; `None` unless `sha256` is 64 lower-case hex
    /// digits (so no value from a row or a request can name a path outside the store).
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256_hex(sha256).then(|| self.root.join(&sha256[..2]).join(sha256))
    }

    /// Starts an upload: a new temporary file in the store's directory.
    pub async fn create(&self) -> io::Result<Upload> {
        fs::create_dir_all(&self.root).await?;
        let temp = self.root.join(format!(
            "{TEMP_PREFIX}{}.tmp",
            uuid::Uuid::new_v4().simple()
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .await?;
        Ok(Upload {
            root: self.root.clone(),
            temp,
            file: Some(BufWriter::with_capacity(64 * 1024, file)),
            hasher: Sha256::new(),
            size: 0,
            head: Vec::with_capacity(SNIFF_LEN),
            finished: false,
        })
    }

    /// Opens a stored file for reading, with its length; `None` when it is not on disk.
    pub async fn open(&self, sha256: &str) -> io::Result<Option<(File, u64)>> {
        let Some(path) = self.path_of(sha256) else {
            return Ok(None);
        };
        match File::open(&path).await {
            Ok(file) => {
                let len = file.metadata().await?.len();
                Ok(Some((file, len)))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A file being written; `finish` puts it in the store, dropping it discards it.
pub struct Upload {
    root: PathBuf,
    temp: PathBuf,
    file: Option<BufWriter<File>>,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
    finished: bool,
}

impl Upload {
    pub async fn write(&mut self, chunk: &[u8]) -> io::Result<()> {
        if self.head.len() < SNIFF_LEN {
            let take = (SNIFF_LEN - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        match self.file.as_mut() {
            Some(file) => file.write_all(chunk).await,
            None => Err(io::Error::other("upload already finished")),
        }
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The first bytes written (up to `SNIFF_LEN`), to tell the file's type.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Flushes the file to disk and moves it to its content address. When the store already
    /// holds these bytes the temporary file is dropped and the stored one kept.
    pub async fn finish(mut self) -> io::Result<Stored> {
        let mut file = self
            .file
            .take()
            .ok_or_else(|| io::Error::other("upload already finished"))?;
        file.flush().await?;
        let file = file.into_inner();
        file.sync_all().await?;
        drop(file);

        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let dir = self.root.join(&sha256[..2]);
        let target = dir.join(&sha256);
        fs::create_dir_all(&dir).await?;
        if fs::try_exists(&target).await? {
            fs::remove_file(&self.temp).await?;
        } else {
            fs::rename(&self.temp, &target).await?;
            sync_dir(&dir).await?;
        }
        self.finished = true;
        Ok(Stored {
            sha256,
            size: self.size,
        })
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let temp = std::mem::take(&mut self.temp);
        let remove = move || {
            if let Err(e) = std::fs::remove_file(&temp) {
                if e.kind() != io::ErrorKind::NotFound {
                    tracing::warn!(error = %e, path = %temp.display(), "temporary upload not removed");
                }
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => drop(rt.spawn_blocking(remove)),
            Err(_) => remove(),
        }
    }
}

/// Makes a rename in `dir` durable (the directory entry itself is flushed).
async fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
        .await
        .map_err(io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store() -> (FileStore, PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "doanket-store-test-{}",
            uuid::Uuid::new_v4().simple()
        ));
        (FileStore::new(&dir), dir)
    }

    fn files_under(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    #[tokio::test]
    async fn stores_by_digest_once() {
        let (store, dir) = temp_store();
        let bytes = b"%PDF-1.4 hello";
        let digest = hex::encode(Sha256::digest(bytes));
        for _ in 0..2 {
            let mut up = store.create().await.unwrap();
            up.write(&bytes[..3]).await.unwrap();
            up.write(&bytes[3..]).await.unwrap();
            assert_eq!(up.head(), b"%PDF-1.4");
            let stored = up.finish().await.unwrap();
            assert_eq!(stored.sha256, digest);
            assert_eq!(stored.size, bytes.len() as u64);
        }
        let files = files_under(&dir);
        assert_eq!(files, vec![dir.join(&digest[..2]).join(&digest)]);
        assert_eq!(std::fs::read(&files[0]).unwrap(), bytes);
        let (_, len) = store.open(&digest).await.unwrap().unwrap();
        assert_eq!(len, bytes.len() as u64);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn an_abandoned_upload_leaves_nothing() {
        let (store, dir) = temp_store();
        let mut up = store.create().await.unwrap();
        up.write(b"partial").await.unwrap();
        drop(up);
        // the removal runs on the blocking pool
        for _ in 0..100 {
            if files_under(&dir).is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert!(files_under(&dir).is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn only_digests_name_files() {
        let (store, _) = temp_store();
        assert!(store.path_of("../../etc/passwd").is_none());
        assert!(store.open(&"0".repeat(64)).await.unwrap().is_none());
    }
}
