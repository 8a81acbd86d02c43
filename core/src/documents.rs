//! What a document file may be: a receipt type (recognised by the server from
//! the file's first bytes, never from its name), at most
//! [`MAX_DOCUMENT_BYTES`], with a name kept for display only once it is
//! cleaned of paths and control characters.

use std::fmt;

/// The largest document file: 20 MiB.
pub const MAX_DOCUMENT_BYTES: u64 = 20 * 1024 * 1024;

/// The kinds of file a receipt may come as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReceiptKind {
    /// A PDF.
    Pdf,
    /// A PNG image.
    Png,
    /// A JPEG photo.
    Jpeg,
    /// A HEIC photo, as phones take them.
    Heic,
    /// A TIFF scan.
    Tiff,
}

impl ReceiptKind {
    /// The kind a detected media type names, if it is a receipt kind at all.
    pub fn from_media_type(media_type: &str) -> Option<ReceiptKind> {
        match media_type {
            "application/pdf" => Some(ReceiptKind::Pdf),
            "image/png" => Some(ReceiptKind::Png),
            "image/jpeg" => Some(ReceiptKind::Jpeg),
            "image/heic" | "image/heif" => Some(ReceiptKind::Heic),
            "image/tiff" => Some(ReceiptKind::Tiff),
            _ => None,
        }
    }

    /// The `Content-Type` the file is stored and sent with.
    pub fn content_type(self) -> &'static str {
        match self {
            ReceiptKind::Pdf => "application/pdf",
            ReceiptKind::Png => "image/png",
            ReceiptKind::Jpeg => "image/jpeg",
            ReceiptKind::Heic => "image/heic",
            ReceiptKind::Tiff => "image/tiff",
        }
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRefusal {
    /// Larger than [`MAX_DOCUMENT_BYTES`].
    TooLarge,
    /// Not a PDF, PNG, JPEG, HEIC or TIFF file.
    UnsupportedType,
    /// No bytes at all.
    Empty,
}

impl FileRefusal {
    /// The stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            FileRefusal::TooLarge => "file_too_large",
            FileRefusal::UnsupportedType => "unsupported_file_type",
            FileRefusal::Empty => "empty_file",
        }
    }
}

impl fmt::Display for FileRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileRefusal::TooLarge => write!(
                f,
                "This file is larger than {} MiB. Send a smaller file.",
                MAX_DOCUMENT_BYTES / (1024 * 1024)
            ),
            FileRefusal::UnsupportedType => f.write_str(
                "This file is not a receipt type. Send a PDF, PNG, JPEG, HEIC or TIFF file.",
            ),
            FileRefusal::Empty => f.write_str("This file is empty."),
        }
    }
}

impl std::error::Error for FileRefusal {}

/// The longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// A file name as kept for display: only its last path component (a browser
/// or a forged request may send `../../etc/passwd` or `C:\\scans\\a.pdf`),
/// without control characters, trimmed, at most [`MAX_FILE_NAME_CHARS`]
/// characters, and `document` if nothing is left.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let name: String = trimmed.chars().take(MAX_FILE_NAME_CHARS).collect();
    if name.is_empty() {
        "document".to_owned()
    } else {
        name
    }
}
