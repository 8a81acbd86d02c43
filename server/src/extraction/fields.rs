//! Reading a receipt's text: the supplier (its first line that reads like a
//! name), the date (common UK, US, European and ISO forms, written or in
//! numbers), the total (the amount labelled total, or else the largest) and
//! the currency (the mark on the total's line, or else the one used most).
//! Amounts are read as British and American tills write them (`1,204.50`)
//! and as continental ones do (`1.204,50`). Each field comes with a
//! confidence; a field that is not found is left out rather than guessed.
//!
//! The text comes from `pdftotext` or from OCR, so the rules allow for what
//! OCR does to receipts: a stray space after a decimal comma (`1.750, 44`),
//! dots and bars next to words, and the cents of a right-hand column split
//! off into lines of their own at the end (see `rejoin_split_cents`).

use clientele_core::extraction::{Field, Fields};
use regex::Regex;
use std::sync::LazyLock;
use time::{Date, Month};

/// Reads the fields from a receipt's text.
pub fn read_fields(text: &str) -> Fields {
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    let lines = rejoin_split_cents(lines);
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let total = total(&lines);
    let currency = currency(&lines, total.as_ref().and_then(|(_, line)| *line));
    Fields {
        supplier: supplier(&lines),
        date: date(&lines, currency.as_ref().map(|c| c.value.as_str())),
        total: total.map(|(field, _)| field),
        currency,
    }
}

/// An amount with two decimals: grouped in thousands by commas with a
/// decimal point, by points with a decimal comma, or not grouped. OCR
/// sometimes puts a space after a decimal comma.
static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{1,3}(?:,\d{3})+\.\d{2}|\d{1,3}(?:\.\d{3})+, ?\d{2}|\d+\.\d{2}|\d+, ?\d{2}")
        .expect("a valid regex")
});
static TOTAL_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(grand\s+total|total\s+due|amount\s+due|balance\s+due|total\s+paid|total\s+to\s+pay|total)\b")
        .expect("a valid regex")
});
static SUBTOTAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bsub\s*-?\s*total\b").expect("a valid regex"));
static NOT_A_SUPPLIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^((tax|vat|sales|simplified)\s+)?(receipt|invoice|copy)\b|^(customer|merchant)\s+copy\b|^(date|tel|phone|vat|total)\b")
        .expect("a valid regex")
});
static DATE_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bdate\b").expect("a valid regex"));
static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})\b").expect("a valid regex"));
static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^\d.,/-])(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4}|\d{2})(?:$|[^\d.,/-]|[.,](?:$|\D))",
    )
    .expect("a valid regex")
});
/// A month by its name or its usual short form, as a whole word.
const MONTH_NAME: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?[\s/.-]*{MONTH_NAME}[\s,/.-]+(\d{{4}}|\d{{2}})\b"
    ))
    .expect("a valid regex")
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{MONTH_NAME}[\s/.-]+(\d{{1,2}})(?:st|nd|rd|th)?,?[\s/.-]+(\d{{4}})\b"
    ))
    .expect("a valid regex")
});
/// A line OCR made of the cents of a right-hand column: two digits with
/// perhaps a stray mark, and nothing else. A third digit is taken for a
/// misread point (`215` for `.15`).
static CENTS_FRAGMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-.,:;+~'‘’ ]{0,3}\d?(\d{2})[.,]?$").expect("a valid regex"));
/// The end of a line whose cents OCR split off: a whole number, perhaps
/// with the point or comma that stood before the cents.
static WHOLE_AT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.,*])(\d{1,3}(?:[.,]\d{3})+|\d+)([.,]?)$").expect("a valid regex")
});

/// Undoes what OCR (tesseract, reading a page as one column) does to a
/// receipt whose amounts stand in a column at the right: the whole units
/// stay on their lines (`Total $182`) and the cents come out after
/// everything else, one line each, in the same order (`.66`). The lines
/// that lost their cents are those after the date that end in a whole
/// number, or else those that end in a whole number and a point. Only when
/// there are exactly as many of them as fragments does each fragment go
/// back to its line (`Total $182.66`); otherwise the text is left alone.
fn rejoin_split_cents(mut lines: Vec<String>) -> Vec<String> {
    let fragments = lines
        .iter()
        .rev()
        .take_while(|line| CENTS_FRAGMENT.is_match(line))
        .count();
    if fragments < 2 {
        return lines;
    }
    let body_end = lines.len() - fragments;
    let dated = lines[..body_end]
        .iter()
        .position(|line| date_on(line, false).is_some());
    let whole = |wanted: &dyn Fn(usize, &regex::Captures) -> bool| -> Vec<usize> {
        (0..body_end)
            .filter(|&index| {
                WHOLE_AT_END
                    .captures(&lines[index])
                    .is_some_and(|captures| wanted(index, &captures))
            })
            .collect()
    };
    let after_the_date = whole(&|index, _| dated.is_some_and(|dated| index > dated));
    let with_a_point = whole(&|_, captures| !captures[2].is_empty());
    let Some(split) = [after_the_date, with_a_point]
        .into_iter()
        .find(|split| split.len() == fragments)
    else {
        return lines;
    };
    let cents: Vec<String> = lines[body_end..]
        .iter()
        .map(|line| CENTS_FRAGMENT.captures(line).expect("matched above")[1].to_owned())
        .collect();
    for (index, cents) in split.into_iter().zip(cents) {
        let line = &mut lines[index];
        if !line.ends_with(['.', ',']) {
            // The point was lost too: a decimal comma if the thousands were
            // grouped with points (1.204), else a point.
            let whole = &WHOLE_AT_END.captures(line).expect("matched above")[1];
            line.push(if whole.contains('.') { ',' } else { '.' });
        }
        line.push_str(&cents);
    }
    lines.truncate(body_end);
    lines
}

/// The first line that reads like a name: letters, not a heading such as
/// "RECEIPT", and not mostly digits; without marks OCR put at its ends.
fn supplier(lines: &[&str]) -> Option<Field> {
    lines.iter().take(6).find_map(|line| {
        let line = line
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .trim_end_matches(|c: char| !c.is_alphanumeric() && !matches!(c, '.' | ')'));
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

/// Amounts on a line, in hundredths, in the order written. A number that
/// is part of something longer (`8512.44.019`), a percentage (`8.25%`) or
/// a date (`17.11.2026`) is not an amount.
fn amounts(line: &str) -> Vec<u64> {
    AMOUNT
        .find_iter(line)
        .filter(|found| {
            let before = line[..found.start()]
                .chars()
                .rev()
                .take(2)
                .collect::<Vec<_>>();
            let after = line[found.end()..].chars().take(2).collect::<Vec<_>>();
            let part_of_a_number = |near: &[char]| match near {
                [first, ..] if first.is_ascii_digit() => true,
                ['.' | ',' | '/' | '-' | ':', second, ..] => second.is_ascii_digit(),
                _ => false,
            };
            !part_of_a_number(&before) && !part_of_a_number(&after) && after.first() != Some(&'%')
        })
        .filter_map(|found| {
            let digits: String = found
                .as_str()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

fn money(hundredths: u64) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The amount on the last line labelled total (not subtotal), or on the
/// line after such a label, with that line's index; else the largest
/// amount, with less confidence and no line.
fn total(lines: &[&str]) -> Option<(Field, Option<usize>)> {
    let labelled = lines.iter().enumerate().rev().find_map(|(index, line)| {
        if !TOTAL_LABEL.is_match(line) || SUBTOTAL.is_match(line) {
            return None;
        }
        match amounts(line).last() {
            Some(amount) => Some((*amount, index)),
            None => lines
                .get(index + 1)
                .and_then(|next| amounts(next).first().map(|amount| (*amount, index + 1))),
        }
    });
    if let Some((amount, index)) = labelled {
        let field = Field {
            value: money(amount),
            confidence: 90,
        };
        return Some((field, Some(index)));
    }
    let largest = lines.iter().flat_map(|line| amounts(line)).max()?;
    let field = Field {
        value: money(largest),
        confidence: 40,
    };
    Some((field, None))
}

static CURRENCY_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(GBP|EUR|USD)\b").expect("a valid regex"));

/// The currencies a line names, by symbol or by code, in the order written.
fn currency_marks(line: &str) -> Vec<&'static str> {
    let mut marks: Vec<(usize, &'static str)> = CURRENCY_CODE
        .find_iter(line)
        .map(|found| {
            let code = match found.as_str() {
                "GBP" => "GBP",
                "EUR" => "EUR",
                _ => "USD",
            };
            (found.start(), code)
        })
        .collect();
    for (symbol, code) in [('£', "GBP"), ('€', "EUR"), ('$', "USD")] {
        marks.extend(line.match_indices(symbol).map(|(at, _)| (at, code)));
    }
    marks.sort();
    marks.into_iter().map(|(_, code)| code).collect()
}

/// The currency marked on the total's line, or else the one marked most
/// often in the text, less surely.
fn currency(lines: &[&str], total_line: Option<usize>) -> Option<Field> {
    if let Some(code) = total_line.and_then(|index| currency_marks(lines[index]).pop()) {
        return Some(Field {
            value: code.to_owned(),
            confidence: 95,
        });
    }
    let mut counts = [("GBP", 0), ("EUR", 0), ("USD", 0)];
    for code in lines.iter().flat_map(|line| currency_marks(line)) {
        if let Some(count) = counts.iter_mut().find(|(name, _)| *name == code) {
            count.1 += 1;
        }
    }
    let (code, count) = counts.into_iter().max_by_key(|(_, count)| *count)?;
    (count > 0).then(|| Field {
        value: code.to_owned(),
        confidence: 75,
    })
}

fn month(name: &str) -> Option<Month> {
    let month = match name.to_lowercase().get(..3)? {
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

/// A year as written, in four digits or two (this century).
fn full_year(year: &str) -> Option<i32> {
    let number: i32 = year.parse().ok()?;
    Some(if year.len() == 2 {
        2000 + number
    } else {
        number
    })
}

/// A date from its parts, if it is a real one and its year is plausible for
/// a receipt.
fn calendar_date(year: i32, month: Month, day: &str) -> Option<Date> {
    if !(1990..=2099).contains(&year) {
        return None;
    }
    Date::from_calendar_date(year, month, day.parse().ok()?).ok()
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

/// The first date on a line labelled "date", or else the first date at
/// all, in a common form. Numeric dates are read day first (UK and Europe)
/// unless that is impossible or the receipt is in dollars.
fn date(lines: &[&str], currency: Option<&str>) -> Option<Field> {
    let us_first = currency == Some("USD");
    lines
        .iter()
        .filter(|line| DATE_LABEL.is_match(line))
        .chain(lines.iter())
        .find_map(|line| date_on(line, us_first))
}

fn date_on(line: &str, us_first: bool) -> Option<Field> {
    if let Some(c) = ISO_DATE.captures(line) {
        let month = Month::try_from(c[2].parse::<u8>().ok()?).ok();
        if let Some(date) = month.and_then(|month| calendar_date(c[1].parse().ok()?, month, &c[3]))
        {
            return Some(field_of(date, 95));
        }
    }
    if let Some(c) = DAY_MONTH_YEAR.captures(line)
        && let Some(date) = calendar_date(full_year(&c[3])?, month(&c[2])?, &c[1])
    {
        return Some(field_of(date, 90));
    }
    if let Some(c) = MONTH_DAY_YEAR.captures(line)
        && let Some(date) = calendar_date(full_year(&c[3])?, month(&c[1])?, &c[2])
    {
        return Some(field_of(date, 90));
    }
    let c = NUMERIC_DATE.captures(line)?;
    if c[2] != c[4] {
        // 12/03-2026 is not a date.
        return None;
    }
    let (first, second): (u8, u8) = (c[1].parse().ok()?, c[3].parse().ok()?);
    let year = full_year(&c[5])?;
    let (day, month_number, confidence) = match (first > 12, second > 12) {
        (true, false) => (first, second, 85),
        (false, true) => (second, first, 85),
        _ if us_first => (second, first, 60),
        _ => (first, second, 60),
    };
    let month = Month::try_from(month_number).ok()?;
    calendar_date(year, month, &day.to_string()).map(|date| field_of(date, confidence))
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

    /// Issue 16: a Dutch receipt's total (1.750,44) was missed and the
    /// largest "amount" taken instead, from its BTW number.
    #[test]
    fn continental_amounts_are_read_and_reference_numbers_are_not_amounts() {
        let fields = read_fields(
            "Grachten Fietsen B.V.\nPrinsengracht 263, 1016 GV Amsterdam\n\
             BTW NL 8512.44.019.B01\nReceipt 36692     17/12/2026\n\
             4 x Wood glue      763,44\nSubtotal     1.446,65\nVAT 21%     303,79\n\
             TOTAL     EUR 1.750,44\nCash     1.760,00\nChange     9,56\n",
        );
        assert_eq!(fields.total.unwrap().value, "1750.44");
        assert_eq!(fields.currency.unwrap().value, "EUR");
        assert_eq!(fields.date.unwrap().value, "2026-12-17");
        assert_eq!(amounts("BTW NL 8512.44.019.B01"), Vec::<u64>::new());
        assert_eq!(amounts("Sales tax 8.25%   13.53"), vec![1353]);
        assert_eq!(amounts("Date 17.11.2026"), Vec::<u64>::new());
        // OCR's stray space after a decimal comma.
        assert_eq!(amounts("Card 3.413, 80"), vec![341_380]);
        assert_eq!(amounts("1,204.50 and 12,10 €"), vec![120_450, 1210]);
    }

    #[test]
    fn dates_between_dashes_with_two_digit_years_or_a_trailing_point_are_read() {
        let dashed = read_fields("Kestrel Cycles Ltd\n19-Jun-2026   13:54\nTotal due 127.87 GBP\n");
        assert_eq!(dashed.date.unwrap().value, "2026-06-19");
        let short = read_fields("Sable Books\n3 Sept 25\nTotal £4.00\n");
        assert_eq!(short.date.unwrap().value, "2025-09-03");
        let pointed =
            read_fields("Bramble & Thorn Florists\nReceipt 38525 14/01/25.\nTotal £4.00\n");
        assert_eq!(pointed.date.unwrap().value, "2025-01-14");
        // "Market" is not March.
        let market = read_fields("Hartley's Hardware\n3 Market Place 12\nTotal £4.00\n");
        assert_eq!(market.date, None);
    }

    #[test]
    fn a_date_labelled_date_wins_over_one_printed_earlier() {
        let fields = read_fields(
            "Fenwick Print Works\nOrder of 02/01/2026\nDate: 09/01/2026\nTotal £4.00\n",
        );
        assert_eq!(fields.date.unwrap().value, "2026-01-09");
    }

    #[test]
    fn the_currency_on_the_totals_line_wins_over_marks_elsewhere() {
        let fields = read_fields(
            "Cork Harbour Fuels\nPrices include $ conversion: $1.10 $2.20\nTotal EUR 42.50\n",
        );
        let currency = fields.currency.unwrap();
        assert_eq!(currency.value, "EUR");
        assert!(currency.confidence > 90);
        // A code inside a word is not a code.
        let german = read_fields("Berliner Druckhaus GmbH\nUSt-IdNr DE 811 907 980\nSumme 12.00\n");
        assert_eq!(german.currency, None);
    }

    /// What tesseract (`--psm 4`) made of a receipt turned 1.5 degrees: the
    /// cents of the amounts' column came out last, one line each.
    #[test]
    fn cents_that_ocr_split_off_a_column_go_back_to_their_lines() {
        let fields = read_fields(
            "SALES RECEIPT\nHarbour Motors\n1450 Harbor Blvd, Oxnard, CA 93035\n(805) 555-0142\n\
             Date: 3/18/26 16:54\n4 x Flat white 114\nSparkling water 9\nDesk lamp 10\n\
             Desk lamp 7\nUnleaded 27\nSubtotal 169\nSales tax 8.25% 13\nGrand total $182\n\
             Cash 190\nChange 7\nThank you for your custom!\n\
             -08\n.54\n.28\n- 60\n-63\n.13\n.53\n66\n.00\n.34\n",
        );
        assert_eq!(fields.total.unwrap().value, "182.66");
        assert_eq!(fields.date.unwrap().value, "2026-03-18");
        assert_eq!(fields.supplier.unwrap().value, "Harbour Motors");
        // With the points left behind, and a card number that is no amount.
        let pointed = read_fields(
            "Acme Hardware Co.\n230 Main St, Springfield, IL 62701\nDate: April 7, 2025 09:14\n\
             Printer paper A4 15.\nPrinter paper A4 26.\nEnvelopes C5 12.\n4 x Diesel 63.\n\
             Grand total $117.\nCard 117.\nVISA **** 7371\nThank you for your custom!\n\
             62\n16\n24\n04\n06\n06\n",
        );
        assert_eq!(pointed.total.unwrap().value, "117.06");
        let continental = read_fields(
            "Porto Azul Restaurante\nDate 02.03.2026\nLunch special 1.278\nTotal EUR 1.546,\n\
             Cash 1.550\n08\n44\n00\n",
        );
        assert_eq!(continental.total.unwrap().value, "1546.44");
    }

    #[test]
    fn split_cents_that_do_not_match_up_with_lines_are_not_guessed() {
        // Ten fragments, but "Change Ts" lost its number: no pairing is sure.
        let fields = read_fields(
            "Summit Office Supply\nJune 22, 2025 13:13\n3.x Diesel $585.\nDiesel $315.\n\
             4 x Box files x10 $1,068.\nWood glue $315,\nDiesel $152.\nSubtotal 2,437.\n\
             Sales tax 8.25% 195\nTotal due USD 2,632.\nCash 2,640.\nChange Ts\n\
             06\n73\n76\n47\n76\n78\n-02\n80\n00\n20\n",
        );
        assert_eq!(fields.total, None);
        assert_eq!(fields.currency.unwrap().value, "USD");
    }

    #[test]
    fn marks_ocr_leaves_around_the_supplier_are_dropped() {
        let fields = read_fields("| Hartley's Hardware _\nTotal £4.00\n");
        assert_eq!(fields.supplier.unwrap().value, "Hartley's Hardware");
        let headed = read_fields("VAT RECEIPT\nAcme Hardware Co.\nTotal $4.00\n");
        assert_eq!(headed.supplier.unwrap().value, "Acme Hardware Co.");
    }
}
