//! Document files on disk, content-addressed: a file is kept under the
//! SHA-256 of its bytes (`<dir>/ab/abcdef…`), so identical files are stored
//! once. An upload streams into a temporary file, counting and hashing as it
//! goes, and is refused the moment it passes 20 MiB, so it is never held in
//! memory. Only a file that was fsynced and renamed into place is named by a
//! document row, and the row is committed after that, so a crash never
//! leaves a row without its file. Files no row names (an upload that died
//! between the two steps) are swept at start.

use clientele_core::DocumentFile;
use clientele_core::documents::{FileRefusal, MAX_DOCUMENT_BYTES, ReceiptKind};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tokio::io::AsyncWriteExt;

/// How many first bytes are enough to recognise a receipt type.
const SNIFF_BYTES: usize = 64;

/// Why a file could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file is not acceptable.
    #[error("{0}")]
    Refused(FileRefusal),
    /// The upload ended early or could not be read.
    #[error("the upload could not be read: {0}")]
    Upload(String),
    /// The disk failed; the detail is for the log.
    #[error("storing a file failed: {0}")]
    Disk(String),
}

impl From<std::io::Error> for FileError {
    fn from(error: std::io::Error) -> FileError {
        FileError::Disk(error.to_string())
    }
}

/// The folder of stored files.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// Opens (creating) the folder, and empties its temporary folder: what
    /// is there is an upload that never finished.
    pub fn open(dir: &Path) -> Result<FileStore, FileError> {
        let temporary = dir.join("tmp");
        if temporary.exists() {
            std::fs::remove_dir_all(&temporary)?;
        }
        std::fs::create_dir_all(&temporary)?;
        Ok(FileStore {
            dir: dir.to_owned(),
        })
    }

    /// Opens (creating) a folder that several instances share. Another
    /// instance's uploads may be in flight in it, so only temporary files
    /// older than [`SHARED_GRACE`] are removed: uploads that never finished.
    pub fn open_shared(dir: &Path) -> Result<FileStore, FileError> {
        let temporary = dir.join("tmp");
        std::fs::create_dir_all(&temporary)?;
        for file in std::fs::read_dir(&temporary)? {
            let file = file?;
            if is_older_than(&file, SHARED_GRACE)? {
                std::fs::remove_file(file.path())?;
            }
        }
        Ok(FileStore {
            dir: dir.to_owned(),
        })
    }

    /// Where the file with this SHA-256 is kept.
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| self.dir.join(&sha256[..2]).join(sha256))
    }

    /// Takes an upload's chunks into the store, refusing it as soon as it is
    /// too large, and then unless it is a receipt type by its first bytes.
    pub async fn receive<S, E>(&self, mut chunks: S) -> Result<DocumentFile, FileError>
    where
        S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
        E: IntoUpload,
    {
        use futures_util::StreamExt;
        let temporary = self
            .dir
            .join("tmp")
            .join(crate::auth::secret::random_token());
        let mut file = tokio::fs::File::create(&temporary).await?;
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        let outcome: Result<(), FileError> = async {
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(IntoUpload::into_upload)?;
                size += chunk.len() as u64;
                if size > MAX_DOCUMENT_BYTES {
                    return Err(FileError::Refused(FileRefusal::TooLarge));
                }
                if head.len() < SNIFF_BYTES {
                    let wanted = (SNIFF_BYTES - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..wanted]);
                }
                hasher.update(&chunk);
                file.write_all(&chunk).await?;
            }
            if size == 0 {
                return Err(FileError::Refused(FileRefusal::Empty));
            }
            Ok(())
        }
        .await;
        if let Err(error) = outcome {
            drop(file);
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(error);
        }
        let Some(kind) = receipt_kind(&head) else {
            drop(file);
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(FileError::Refused(FileRefusal::UnsupportedType));
        };
        file.sync_all().await?;
        drop(file);
        let sha256 = format!("{:x}", hasher.finalize());
        let path = self
            .path_of(&sha256)
            .ok_or_else(|| FileError::Disk("a digest is not hex".into()))?;
        let folder = path.parent().unwrap_or(&self.dir).to_owned();
        tokio::fs::create_dir_all(&folder).await?;
        if tokio::fs::try_exists(&path).await? {
            // The same bytes are kept already.
            tokio::fs::remove_file(&temporary).await?;
        } else {
            tokio::fs::rename(&temporary, &path).await?;
            // The rename itself must survive a crash too.
            tokio::fs::File::open(&folder).await?.sync_all().await?;
        }
        Ok(DocumentFile {
            size_bytes: size,
            content_type: kind.content_type().to_owned(),
            sha256,
        })
    }

    /// Stores bytes already in memory (the demo data's files), recognised
    /// like an upload. Seeding writes many small files in one transaction
    /// that is either committed whole or not at all, and unreferenced files
    /// are swept at start, so each is not fsynced on its own.
    pub fn store_bytes(&self, bytes: &[u8]) -> Result<DocumentFile, FileError> {
        if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
            return Err(FileError::Refused(FileRefusal::TooLarge));
        }
        let kind = receipt_kind(&bytes[..bytes.len().min(SNIFF_BYTES)])
            .ok_or(FileError::Refused(FileRefusal::UnsupportedType))?;
        let sha256 = format!("{:x}", Sha256::digest(bytes));
        let path = self
            .path_of(&sha256)
            .ok_or_else(|| FileError::Disk("a digest is not hex".into()))?;
        if !path.exists() {
            std::fs::create_dir_all(path.parent().unwrap_or(&self.dir))?;
            let temporary = self
                .dir
                .join("tmp")
                .join(crate::auth::secret::random_token());
            std::fs::write(&temporary, bytes)?;
            std::fs::rename(&temporary, &path)?;
        }
        Ok(DocumentFile {
            size_bytes: bytes.len() as u64,
            content_type: kind.content_type().to_owned(),
            sha256,
        })
    }

    /// Deletes every stored file that no document names, and answers how
    /// many it deleted.
    pub fn sweep(&self, referenced: &HashSet<String>) -> Result<usize, FileError> {
        self.sweep_older_than(referenced, Duration::ZERO)
    }

    /// Like [`FileStore::sweep`], but keeps files younger than `grace`: in a
    /// folder that several instances share, a young file no row names yet
    /// may be another instance's upload, about to be committed.
    pub fn sweep_older_than(
        &self,
        referenced: &HashSet<String>,
        grace: Duration,
    ) -> Result<usize, FileError> {
        let mut swept = 0;
        for folder in std::fs::read_dir(&self.dir)? {
            let folder = folder?;
            if !folder.file_type()?.is_dir() || folder.file_name() == "tmp" {
                continue;
            }
            for file in std::fs::read_dir(folder.path())? {
                let file = file?;
                let name = file.file_name().to_string_lossy().into_owned();
                if !referenced.contains(&name) && is_older_than(&file, grace)? {
                    std::fs::remove_file(file.path())?;
                    swept += 1;
                }
            }
        }
        Ok(swept)
    }
}

/// How old an unnamed file in a shared folder must be before it is taken
/// for a leftover: far longer than any upload takes to be committed.
pub const SHARED_GRACE: Duration = Duration::from_secs(3600);

/// Whether a file was last modified more than `age` ago.
fn is_older_than(file: &std::fs::DirEntry, age: Duration) -> Result<bool, FileError> {
    if age.is_zero() {
        return Ok(true);
    }
    let modified = file.metadata()?.modified()?;
    Ok(SystemTime::now()
        .duration_since(modified)
        .is_ok_and(|elapsed| elapsed > age))
}

/// The receipt type of a file by its first bytes (the `infer` crate knows
/// the signatures), never by its name.
pub fn receipt_kind(head: &[u8]) -> Option<ReceiptKind> {
    infer::get(head).and_then(|kind| ReceiptKind::from_media_type(kind.mime_type()))
}

/// An error of the stream an upload arrives on.
pub trait IntoUpload {
    /// As a [`FileError`].
    fn into_upload(self) -> FileError;
}

impl IntoUpload for axum::extract::multipart::MultipartError {
    fn into_upload(self) -> FileError {
        if self.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            FileError::Refused(FileRefusal::TooLarge)
        } else {
            FileError::Upload(self.body_text())
        }
    }
}

impl IntoUpload for std::io::Error {
    fn into_upload(self) -> FileError {
        FileError::Upload(self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_are_recognised_by_their_bytes_not_their_names() {
        assert_eq!(receipt_kind(b"%PDF-1.7\n%..."), Some(ReceiptKind::Pdf));
        assert_eq!(
            receipt_kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(ReceiptKind::Png)
        );
        assert_eq!(
            receipt_kind(b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
            Some(ReceiptKind::Jpeg)
        );
        assert_eq!(
            receipt_kind(b"II*\0\x08\0\0\0\x0e\0\0\x01"),
            Some(ReceiptKind::Tiff)
        );
        assert_eq!(
            receipt_kind(b"MM\0*\0\0\0\x08\0\x0e\x01\0"),
            Some(ReceiptKind::Tiff)
        );
        assert_eq!(
            receipt_kind(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Some(ReceiptKind::Heic)
        );
        assert_eq!(
            receipt_kind(b"MZ\x90\0\x03\0\0\0"),
            None,
            "a Windows program"
        );
        assert_eq!(receipt_kind(b"GIF89a"), None);
        assert_eq!(receipt_kind(b"hello"), None);
    }
}
