//! Reading a receipt's text: the supplier (its first prominent line), the
//! date (common UK, US and ISO forms), the total (the amount labelled total,
//! or else the largest) and the currency. Each field comes with a
//! confidence; a field that is not found is left out rather than guessed.

use clientele_core::extraction::{Field, Fields};
use regex::Regex;
use std::sync::LazyLock;
use time::{Date, Month};

/// Reads the fields from a receipt's text.
pub fn read_fields(text: &str) -> Fields {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let currency = currency(text);
    Fields {
        supplier: supplier(&lines),
        date: date(&lines, currency.as_ref().map(|c| c.value.as_str())),
        total: total(&lines),
        currency,
    }
}

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.,])(\d{1,3}(?:,\d{3})+|\d+)[.,](\d{2})(?:$|[^\d])")
        .expect("a valid regex")
});
static TOTAL_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(grand\s+total|total\s+due|amount\s+due|balance\s+due|total\s+paid|total)\b")
        .expect("a valid regex")
});
static SUBTOTAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bsub\s*-?\s*total\b").expect("a valid regex"));
static NOT_A_SUPPLIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(tax\s+)?(receipt|invoice|vat\s+receipt|sales\s+receipt|copy)\b|^(date|tel|phone|vat|total)\b")
        .expect("a valid regex")
});
static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})\b").expect("a valid regex"));
static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b").expect("a valid regex")
});
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b")
        .expect("a valid regex")
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
        .expect("a valid regex")
});

/// The first line that reads like a name: letters, not a heading such as
/// "RECEIPT", and not mostly digits.
fn supplier(lines: &[&str]) -> Option<Field> {
    lines.iter().take(6).find_map(|line| {
        let letters = line.chars().filter(|c| c.is_alphabetic()).count();
        let digits = line.chars().filter(|c| c.is_ascii_digit()).count();
        let looks_like_name =
            letters >= 3 && digits * 2 < letters && !NOT_A_SUPPLIER.is_match(line);
        looks_like_name.then(|| Field {
            value: line.split_whitespace().collect::<Vec<_>>().join(" "),
            confidence: 70,
        })
    })
}

/// Amounts on a line, in hundredths, in the order written.
fn amounts(line: &str) -> Vec<u64> {
    AMOUNT
        .captures_iter(line)
        .filter_map(|captures| {
            let whole: u64 = captures[1].replace(',', "").parse().ok()?;
            let cents: u64 = captures[2].parse().ok()?;
            Some(whole * 100 + cents)
        })
        .collect()
}

fn money(hundredths: u64) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The amount on the last line labelled total (not subtotal), or the line
/// after such a label; else the largest amount, with less confidence.
fn total(lines: &[&str]) -> Option<Field> {
    let labelled = lines.iter().enumerate().rev().find_map(|(index, line)| {
        if !TOTAL_LABEL.is_match(line) || SUBTOTAL.is_match(line) {
            return None;
        }
        amounts(line).last().copied().or_else(|| {
            lines
                .get(index + 1)
                .and_then(|next| amounts(next).first().copied())
        })
    });
    if let Some(amount) = labelled {
        return Some(Field {
            value: money(amount),
            confidence: 90,
        });
    }
    lines
        .iter()
        .flat_map(|line| amounts(line))
        .max()
        .map(|amount| Field {
            value: money(amount),
            confidence: 40,
        })
}

/// The currency named by a symbol or a code anywhere in the text.
fn currency(text: &str) -> Option<Field> {
    let found = [
        ("GBP", ["£", "GBP"]),
        ("EUR", ["€", "EUR"]),
        ("USD", ["$", "USD"]),
    ]
    .into_iter()
    .map(|(code, marks)| {
        let count: usize = marks.iter().map(|mark| text.matches(mark).count()).sum();
        (code, count)
    })
    .filter(|(_, count)| *count > 0)
    .max_by_key(|(_, count)| *count)?;
    Some(Field {
        value: found.0.to_owned(),
        confidence: 85,
    })
}

fn month(name: &str) -> Option<Month> {
    let month = match &name.to_lowercase()[..3] {
        "jan" => Month::January,
        "feb" => Month::February,
        "mar" => Month::March,
        "apr" => Month::April,
        "may" => Month::May,
        "jun" => Month::June,
        "jul" => Month::July,
        "aug" => Month::August,
        "sep" => Month::September,
        "oct" => Month::October,
        "nov" => Month::November,
        "dec" => Month::December,
        _ => return None,
    };
    Some(month)
}

fn full_year(year: &str) -> Option<i32> {
    let number: i32 = year.parse().ok()?;
    Some(if year.len() == 2 {
        2000 + number
    } else {
        number
    })
}

fn field_of(date: Date, confidence: u8) -> Field {
    Field {
        value: format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        ),
        confidence,
    }
}

/// The first date in a common form. Numeric dates are read day first (UK)
/// unless that is impossible or the receipt is in dollars.
fn date(lines: &[&str], currency: Option<&str>) -> Option<Field> {
    let us_first = currency == Some("USD");
    lines.iter().find_map(|line| {
        if let Some(c) = ISO_DATE.captures(line) {
            let month = Month::try_from(c[2].parse::<u8>().ok()?).ok()?;
            let date = Date::from_calendar_date(c[1].parse().ok()?, month, c[3].parse().ok()?);
            if let Ok(date) = date {
                return Some(field_of(date, 95));
            }
        }
        if let Some(c) = DAY_MONTH_YEAR.captures(line) {
            let date =
                Date::from_calendar_date(full_year(&c[3])?, month(&c[2])?, c[1].parse().ok()?);
            if let Ok(date) = date {
                return Some(field_of(date, 90));
            }
        }
        if let Some(c) = MONTH_DAY_YEAR.captures(line) {
            let date =
                Date::from_calendar_date(full_year(&c[3])?, month(&c[1])?, c[2].parse().ok()?);
            if let Ok(date) = date {
                return Some(field_of(date, 90));
            }
        }
        let c = NUMERIC_DATE.captures(line)?;
        let (first, second): (u8, u8) = (c[1].parse().ok()?, c[2].parse().ok()?);
        let year = full_year(&c[3])?;
        let (day, month_number, confidence) = match (first > 12, second > 12) {
            (true, false) => (first, second, 85),
            (false, true) => (second, first, 85),
            _ if us_first => (second, first, 60),
            _ => (first, second, 60),
        };
        let month = Month::try_from(month_number).ok()?;
        Date::from_calendar_date(year, month, day)
            .ok()
            .map(|date| field_of(date, confidence))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_uk_receipt_is_read_whole() {
        let fields = read_fields(
            "RECEIPT\nCopper Kettle Cafe\n12 High Street\nDate: 12/03/2026\n\
             Flat white 3.20\nCroissant 2.80\nSubtotal 6.00\nVAT 1.20\nTOTAL £7.20\n",
        );
        assert_eq!(fields.supplier.unwrap().value, "Copper Kettle Cafe");
        assert_eq!(fields.date.unwrap().value, "2026-03-12");
        assert_eq!(fields.total.unwrap().value, "7.20");
        assert_eq!(fields.currency.unwrap().value, "GBP");
    }

    #[test]
    fn us_and_iso_and_written_dates_are_read() {
        let us = read_fields("Acme Hardware\n03/14/2026\nTotal $1,204.50\n");
        assert_eq!(us.date.unwrap().value, "2026-03-14");
        assert_eq!(us.total.unwrap().value, "1204.50");
        assert_eq!(us.currency.unwrap().value, "USD");
        let iso = read_fields("Fenwick Print Works\n2026-11-02\nAmount due EUR 88.00\n");
        assert_eq!(iso.date.unwrap().value, "2026-11-02");
        assert_eq!(iso.currency.unwrap().value, "EUR");
        let written = read_fields("Bramble Florists\n2nd March 2026\nTotal 15.00\n");
        assert_eq!(written.date.unwrap().value, "2026-03-02");
        let american = read_fields("Harbour Motors\nMarch 5, 2026\nTotal 15.00\n");
        assert_eq!(american.date.unwrap().value, "2026-03-05");
    }

    #[test]
    fn without_a_total_label_the_largest_amount_is_taken_less_surely() {
        let fields = read_fields("Kestrel Cycles\nInner tube 6.99\nTyre 24.50\n");
        let total = fields.total.unwrap();
        assert_eq!(total.value, "24.50");
        assert!(total.confidence < 50);
    }

    #[test]
    fn a_field_that_is_not_there_is_not_guessed() {
        let fields = read_fields("hello\n");
        assert_eq!(fields.date, None);
        assert_eq!(fields.total, None);
        assert_eq!(fields.currency, None);
    }
}
