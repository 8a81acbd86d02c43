//! The client list as CSV, read with the `csv` crate: [`read`] turns an
//! imported file into rows and the problems of each, [`review`] checks the
//! rows against what is taken already (codes in the practice, emails
//! anywhere) and against each other, and [`write_export`] writes the list.
//!
//! Two headers are read: the import's own, and the export's, so that an
//! exported file imports again as the same clients. Every value is checked
//! by `core`'s onboarding rules; this file only says where the value was.

use crate::domain::format_time;
use crate::store::ExportRow;
use clientele_core::onboarding::{self, OnboardingError};
use clientele_core::wire::{ImportProblem, ImportRow};
use std::borrow::Cow;
use std::collections::HashMap;

mod review;
pub use review::review;

/// The import's header.
pub const IMPORT_HEADER: [&str; 5] = ["name", "code", "business", "user_name", "user_email"];
/// The export's header, which imports too.
pub const EXPORT_HEADER: [&str; 8] = [
    "name",
    "code",
    "status",
    "businesses",
    "owner",
    "owner_email",
    "deactivated_at",
    "deactivated_by",
];
/// How an exported file joins a client's business names.
pub const BUSINESS_SEPARATOR: &str = "; ";

/// An imported file, read: the rows that are well formed, and the problems
/// of the file and of the other rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedFile {
    /// Well-formed rows, in file order.
    pub rows: Vec<ImportRow>,
    /// What is wrong, in file order.
    pub problems: Vec<ImportProblem>,
}

/// Which header a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Import,
    Export,
}

impl Layout {
    /// The columns of (client name, code, businesses, user name, email).
    fn columns(self) -> [&'static str; 5] {
        match self {
            Layout::Import => IMPORT_HEADER,
            Layout::Export => ["name", "code", "businesses", "owner", "owner_email"],
        }
    }

    fn header(self) -> &'static [&'static str] {
        match self {
            Layout::Import => &IMPORT_HEADER,
            Layout::Export => &EXPORT_HEADER,
        }
    }
}

/// A file's header, read: its layout, where each column is, and how many
/// fields a row may have. The names may be in any order and any case, and
/// unnamed columns at the end (a spreadsheet's trailing comma) are allowed.
#[derive(Debug, Clone)]
struct Columns {
    layout: Layout,
    at: HashMap<&'static str, usize>,
    /// The named columns; a row has at least this many fields.
    named: usize,
    /// Every column, named or not; a row has at most this many fields.
    width: usize,
}

impl Columns {
    fn read(record: &csv::StringRecord) -> Option<Columns> {
        let names: Vec<String> = record
            .iter()
            .map(|name| name.trim().to_lowercase())
            .collect();
        let named = names.iter().rposition(|name| !name.is_empty())? + 1;
        let names = &names[..named];
        [Layout::Import, Layout::Export]
            .into_iter()
            .find(|layout| {
                let header = layout.header();
                names.len() == header.len()
                    && header
                        .iter()
                        .all(|column| names.iter().any(|name| name == column))
            })
            .map(|layout| Columns {
                layout,
                at: layout
                    .header()
                    .iter()
                    .map(|column| {
                        (
                            *column,
                            names.iter().position(|name| name == column).unwrap_or(0),
                        )
                    })
                    .collect(),
                named,
                width: record.len(),
            })
    }
}

fn problem(line: u64, column: Option<&str>, message: impl Into<String>) -> ImportProblem {
    ImportProblem {
        line,
        column: column.map(str::to_owned),
        message: message.into(),
    }
}

/// Reads an imported file: UTF-8 (a BOM is dropped), one of the two
/// headers (its columns in any order and case), then one client a row.
/// Quoted fields may hold commas, quotes and line breaks (read as spaces).
/// Blank lines are skipped.
pub fn read(bytes: &[u8]) -> ParsedFile {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let line = 1 + bytes[..error.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            return whole_file(format!(
                "The file is not UTF-8 text: line {line} has bytes that are not UTF-8. \
                 Save it as \"CSV UTF-8\" and import it again."
            ));
        }
    };
    // The csv crate numbers the lines of a file with CRLF line ends (as
    // Excel saves them) one too low (BurntSushi/rust-csv#395), and counts
    // none in a file with CR alone (as old Macs saved them), so both are
    // read as LF: a line break inside a quoted field is a space either way.
    let text: Cow<str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    if text.trim().is_empty() {
        return whole_file(format!(
            "The file is empty. It needs the header {} and a row for each client.",
            IMPORT_HEADER.join(",")
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut parsed = ParsedFile::default();
    let mut columns = None;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                parsed.problems.push(problem(
                    line,
                    None,
                    format!("This row cannot be read: {error}"),
                ));
                continue;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        // A row that runs over several lines holds a quoted line break,
        // or a quote that is never closed.
        let spans_lines = reader.position().line() > line + 1;
        let Some(columns) = &columns else {
            match Columns::read(&record) {
                Some(found) => columns = Some(found),
                None => return header_problem(line, &record),
            }
            continue;
        };
        match read_row(columns, line, &record, spans_lines) {
            Ok(row) => parsed.rows.push(row),
            Err(problems) => parsed.problems.extend(problems),
        }
    }
    if parsed.rows.is_empty() && parsed.problems.is_empty() {
        return whole_file("The file has a header but no clients.".into());
    }
    parsed
}

fn whole_file(message: String) -> ParsedFile {
    ParsedFile {
        rows: Vec::new(),
        problems: vec![problem(0, None, message)],
    }
}

fn header_problem(line: u64, record: &csv::StringRecord) -> ParsedFile {
    let found: String = record
        .iter()
        .collect::<Vec<_>>()
        .join(",")
        .chars()
        .take(200)
        .collect();
    ParsedFile {
        rows: Vec::new(),
        problems: vec![problem(
            line,
            None,
            format!(
                "The header must name the columns {}, in any order (found {found:?}).",
                IMPORT_HEADER.join(",")
            ),
        )],
    }
}

/// One row, every value checked by `core`; every problem of the row at once.
fn read_row(
    columns: &Columns,
    line: u64,
    record: &csv::StringRecord,
    spans_lines: bool,
) -> Result<ImportRow, Vec<ImportProblem>> {
    if !(columns.named..=columns.width).contains(&record.len()) {
        let unclosed = if spans_lines {
            " A quote (\") on this line may never be closed: the lines after it were read \
             into this row."
        } else {
            ""
        };
        return Err(vec![problem(
            line,
            None,
            format!(
                "This row has {} fields; the header has {}.{unclosed}",
                record.len(),
                columns.named
            ),
        )]);
    }
    if let Some(unnamed) = record
        .iter()
        .skip(columns.named)
        .position(|field| !field.trim().is_empty())
    {
        return Err(vec![problem(
            line,
            None,
            format!(
                "Field {} has a value, but the header names no column for it.",
                columns.named + unnamed + 1
            ),
        )]);
    }
    let layout = columns.layout;
    let [
        name_column,
        code_column,
        business_column,
        user_column,
        email_column,
    ] = layout.columns();
    // A line break inside a quoted field (a spreadsheet cell's Alt+Enter)
    // is layout, not part of a name: it reads as a space.
    let values: Vec<String> = record
        .iter()
        .map(|field| field.replace("\r\n", " ").replace(['\r', '\n'], " "))
        .collect();
    let value = |column: &str| {
        columns
            .at
            .get(column)
            .and_then(|at| values.get(*at))
            .map_or("", String::as_str)
    };
    let mut problems = Vec::new();
    let mut check = |column: &'static str, raw: &str, result: Result<String, OnboardingError>| {
        result
            .map_err(|error| {
                let found: String = raw.chars().take(60).collect();
                problems.push(problem(
                    line,
                    Some(column),
                    format!("{error} (found {found:?})"),
                ));
            })
            .ok()
    };
    let name = check(
        name_column,
        value(name_column),
        onboarding::name("client name", value(name_column)),
    );
    let code = check(
        code_column,
        value(code_column),
        // A blank code is none: kept as "" here, and as `None` below.
        onboarding::client_code(value(code_column)).map(Option::unwrap_or_default),
    );
    let raw_businesses: Vec<&str> = match layout {
        Layout::Import => vec![value(business_column)],
        Layout::Export => value(business_column)
            // The whole separator, so that a name's own ";" stays in it.
            .split(BUSINESS_SEPARATOR)
            .filter(|name| !name.trim().is_empty())
            .collect(),
    };
    let businesses = if raw_businesses.is_empty() {
        check(
            business_column,
            "",
            Err(OnboardingError::Name("business name")),
        )
        .map(|name| vec![name])
    } else {
        raw_businesses
            .into_iter()
            .map(|business| {
                check(
                    business_column,
                    business,
                    onboarding::name("business name", business),
                )
            })
            .collect::<Option<Vec<String>>>()
    };
    let user_name = check(
        user_column,
        value(user_column),
        onboarding::name("user's name", value(user_column)),
    );
    let user_email = check(
        email_column,
        value(email_column),
        onboarding::email(value(email_column)),
    );
    let code = code.map(|code| (!code.is_empty()).then_some(code));
    match (name, code, businesses, user_name, user_email) {
        (Some(name), Some(code), Some(businesses), Some(user_name), Some(user_email)) => {
            Ok(ImportRow {
                line,
                name,
                code,
                businesses,
                user_name,
                user_email,
            })
        }
        _ => Err(problems),
    }
}

/// The client list as CSV, under [`EXPORT_HEADER`].
pub fn write_export(rows: &[ExportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(EXPORT_HEADER)?;
    for row in rows {
        writer.write_record([
            row.name.as_str(),
            row.code.as_deref().unwrap_or(""),
            row.status.as_str(),
            &row.businesses.join(BUSINESS_SEPARATOR),
            &row.owner,
            &row.owner_email,
            &row.deactivated_at.map(format_time).unwrap_or_default(),
            row.deactivated_by.as_deref().unwrap_or(""),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}
