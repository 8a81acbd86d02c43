//! Receipts with known fields, made at run time from a fixed seed, for
//! measuring how well extraction reads them (issue 16): the API test
//! `extraction_accuracy` and the `extraction` part of `make bench` both use
//! this file (the bench includes it with `#[path]`), so both measure the
//! same receipts in the same way.
//!
//! Each receipt is a real one-page PDF with a text layer, laid out as a till
//! or an accounts package prints one: the supplier in a larger bold type, an
//! address, a phone or VAT number, a date in the form of its country, items
//! with amounts, often a subtotal and a tax line, and the total under one of
//! several labels, in pounds, dollars or euros, by symbol or by code. The
//! image of a receipt is its PDF rendered by poppler's `pdftoppm` at 200 dpi,
//! as a scanner would, and then, for some, turned a few degrees and/or
//! covered in noise, as a phone photo or a tired scanner would. Nothing is
//! committed: every file is made again, byte for byte the same, each run.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{GrayImage, Luma};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The seed every run starts from, so every run sees the same receipts.
pub const SEED: u64 = 16;

/// The fields a receipt is read for, in the order [`Receipt::check`] answers.
pub const FIELDS: [&str; 4] = ["supplier", "date", "total", "currency"];

/// One receipt: what it says, what a reader should find, and how its image
/// is spoilt.
pub struct Receipt {
    /// A file name without extension, such as `receipt-07`.
    pub name: String,
    /// The supplier, as printed.
    pub supplier: String,
    /// The date, as `YYYY-MM-DD`.
    pub date: String,
    /// The total, with two decimals and no separators (`1204.50`).
    pub total: String,
    /// The currency code (`GBP`, `USD` or `EUR`).
    pub currency: &'static str,
    /// How its image is spoilt.
    pub look: Look,
    lines: Vec<Line>,
}

/// What is done to a receipt's image after rendering.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// Turned by this many degrees, one way or the other by its sign.
    pub degrees: f32,
    /// Grey noise of this standard deviation (0–255 scale), plus specks.
    pub noise: f32,
}

/// A printed line: the supplier's name, a centred line, a line from the
/// left, or a label with an amount at the right margin.
enum Line {
    Name(String),
    Centred(String),
    Left(String),
    Amount(String, String),
    Gap,
}

/// `count` receipts from [`SEED`]: the currencies take turns, the first 36
/// have 36 different suppliers, and of every four images one is clean, one
/// turned, one noisy, and one turned and noisy.
pub fn receipts(count: usize) -> Vec<Receipt> {
    let mut rng = StdRng::seed_from_u64(SEED);
    (0..count).map(|index| receipt(index, &mut rng)).collect()
}

struct Region {
    currency: &'static str,
    symbol: &'static str,
    /// (supplier, address, phone or tax number)
    shops: [(&'static str, &'static str, &'static str); 12],
    tax: &'static str,
}

const REGIONS: [Region; 3] = [
    Region {
        currency: "GBP",
        symbol: "£",
        shops: [
            (
                "Copper Kettle Cafe",
                "12 High Street, Leeds LS1 4AB",
                "Tel 0113 496 0321",
            ),
            (
                "Hartley's Hardware",
                "3 Market Place, Skipton BD23 1DZ",
                "VAT Reg No. GB 284 5512 07",
            ),
            (
                "Bramble & Thorn Florists",
                "48 Church Road, Bristol BS5 8AA",
                "Tel 0117 496 0877",
            ),
            (
                "Kestrel Cycles Ltd",
                "Unit 4, Mill Lane, York YO1 6JH",
                "VAT No. GB 731 0042 19",
            ),
            (
                "The Ink Well Stationers",
                "9 Bridge Street, Chester CH1 1NQ",
                "Tel 01244 960 114",
            ),
            (
                "Fenwick Print Works",
                "22 Quay Road, Newcastle NE1 3DX",
                "VAT Reg GB 118 2290 45",
            ),
            (
                "Pennine Fuel Station",
                "Halifax Road, Keighley BD21 5JE",
                "Tel 01535 960 402",
            ),
            (
                "Oakfield Office Supplies",
                "7 Station Approach, Woking GU22 7AP",
                "VAT No. GB 562 7781 30",
            ),
            (
                "Marlow Bakery",
                "15 West Street, Marlow SL7 2LS",
                "Tel 01628 960 233",
            ),
            (
                "Greenway Garden Centre",
                "Lodge Lane, Nantwich CW5 7QB",
                "VAT Reg No. GB 905 3317 62",
            ),
            (
                "Sable Books",
                "61 King Street, Manchester M2 4LQ",
                "Tel 0161 496 0955",
            ),
            (
                "Wharfedale Taxis",
                "2 Boroughgate, Otley LS21 1AL",
                "Tel 01943 960 118",
            ),
        ],
        tax: "VAT 20%",
    },
    Region {
        currency: "USD",
        symbol: "$",
        shops: [
            (
                "Harbour Motors",
                "1450 Harbor Blvd, Oxnard, CA 93035",
                "(805) 555-0142",
            ),
            (
                "Acme Hardware Co.",
                "230 Main St, Springfield, IL 62701",
                "(217) 555-0198",
            ),
            (
                "Blue Heron Coffee",
                "88 Pike St, Seattle, WA 98101",
                "(206) 555-0143",
            ),
            (
                "Summit Office Supply",
                "4100 Elm Ave, Denver, CO 80220",
                "(303) 555-0117",
            ),
            (
                "Lone Star Diner",
                "702 Congress Ave, Austin, TX 78701",
                "(512) 555-0160",
            ),
            (
                "Cedar & Pine Lumber",
                "15 Mill Rd, Burlington, VT 05401",
                "(802) 555-0131",
            ),
            (
                "Bay Street Pharmacy",
                "301 Bay St, Tampa, FL 33606",
                "(813) 555-0179",
            ),
            (
                "Redwood Print Shop",
                "950 Mission St, San Francisco, CA 94103",
                "(415) 555-0124",
            ),
            (
                "Hudson Valley Fuel",
                "12 Route 9W, Newburgh, NY 12550",
                "(845) 555-0186",
            ),
            (
                "Maple Leaf Bakery",
                "44 Water St, Portland, ME 04101",
                "(207) 555-0152",
            ),
            (
                "Grand Avenue Books",
                "527 Grand Ave, Saint Paul, MN 55102",
                "(651) 555-0109",
            ),
            (
                "Desert Sun Car Wash",
                "2210 E Camelback Rd, Phoenix, AZ 85016",
                "(602) 555-0193",
            ),
        ],
        tax: "Sales tax 8.25%",
    },
    Region {
        currency: "EUR",
        symbol: "€",
        shops: [
            (
                "Liffey Street Stationers",
                "14 Liffey St, Dublin 1, Ireland",
                "VAT IE 6388047V",
            ),
            (
                "Grachten Fietsen B.V.",
                "Prinsengracht 263, 1016 GV Amsterdam",
                "BTW NL 8512.44.019.B01",
            ),
            (
                "Café Lumière",
                "21 Rue de Rivoli, 75001 Paris",
                "TVA FR 40 303 265 045",
            ),
            (
                "Atlantic Tyres Galway",
                "Tuam Road, Galway, Ireland",
                "VAT IE 9715312T",
            ),
            (
                "Berliner Druckhaus GmbH",
                "Friedrichstraße 120, 10117 Berlin",
                "USt-IdNr DE 811 907 980",
            ),
            (
                "Porto Azul Restaurante",
                "Rua das Flores 45, 4050-265 Porto",
                "NIF PT 503 504 564",
            ),
            (
                "Alpine Office Supplies",
                "Maximilianstraße 8, 80539 München",
                "USt-IdNr DE 129 273 398",
            ),
            (
                "Cork Harbour Fuels",
                "Marina Walk, Cork T12 X2V8, Ireland",
                "VAT IE 3312290K",
            ),
            (
                "Vienna Coffee House",
                "Graben 14, 1010 Wien",
                "UID ATU 1234 5678",
            ),
            (
                "Milano Stampa Srl",
                "Via Torino 61, 20123 Milano",
                "P.IVA IT 0774 3110 157",
            ),
            (
                "Nordic Design Store",
                "Strøget 20, 1160 København",
                "CVR DK 2540 3017",
            ),
            (
                "Lisbon Tile Works",
                "Rua Augusta 100, 1100-053 Lisboa",
                "NIF PT 510 622 048",
            ),
        ],
        tax: "VAT 21%",
    },
];

const ITEMS: [&str; 24] = [
    "Flat white",
    "Croissant",
    "Printer paper A4",
    "Stapler",
    "Box files x10",
    "Diesel",
    "Unleaded",
    "Screws 4x40mm",
    "Wood glue",
    "Delivery",
    "Bouquet",
    "Business cards",
    "Toner cartridge",
    "Lunch special",
    "Taxi fare",
    "Paperback",
    "Car wash deluxe",
    "Inner tube",
    "Bike service",
    "Envelopes C5",
    "Sandwich",
    "Parking",
    "Desk lamp",
    "Sparkling water",
];

const TOTAL_LABELS: [&str; 8] = [
    "TOTAL",
    "Total",
    "Total due",
    "Amount due",
    "Grand total",
    "TOTAL:",
    "Balance due",
    "Total to pay",
];

const HEADINGS: [&str; 4] = ["RECEIPT", "TAX INVOICE", "SALES RECEIPT", "VAT RECEIPT"];

const FOOTERS: [&str; 4] = [
    "Thank you for your custom!",
    "Thank you, come again",
    "Please keep this receipt",
    "Have a nice day",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Characters across a receipt's body, in Courier.
const BODY_CHARS: usize = 42;

fn receipt(index: usize, rng: &mut StdRng) -> Receipt {
    let region = &REGIONS[index % 3];
    let (supplier, address, reference) = region.shops[(index / 3) % 12];
    let euro = region.currency == "EUR";
    // Some European tills write 1.204,50 rather than 1,204.50.
    let decimal_comma = euro && rng.gen_bool(0.5);
    let amount = |hundredths: u64| written_amount(hundredths, decimal_comma);

    let (year, month, day) = (
        rng.gen_range(2025..=2026),
        rng.gen_range(1..=12),
        rng.gen_range(1..=28),
    );
    let date = written_date(region.currency, year, month, day, rng);

    let scale = [300, 3_000, 40_000][rng.gen_range(0..3)];
    let count = rng.gen_range(1..=5);
    let mut items = Vec::new();
    for _ in 0..count {
        let name = ITEMS[rng.gen_range(0..ITEMS.len())];
        let quantity = if rng.gen_bool(0.25) {
            rng.gen_range(2..=4)
        } else {
            1
        };
        let price: u64 = rng.gen_range(scale / 5..=scale);
        items.push((name, quantity, price));
    }
    let subtotal: u64 = items
        .iter()
        .map(|(_, quantity, price)| quantity * price)
        .sum();
    let show_tax = rng.gen_bool(0.7);
    let tax = if show_tax {
        subtotal * [20, 8, 21][index % 3] / 100
    } else {
        0
    };
    let total = subtotal + tax;

    let mut lines = Vec::new();
    if rng.gen_bool(0.25) {
        lines.push(Line::Centred(
            HEADINGS[rng.gen_range(0..HEADINGS.len())].into(),
        ));
    }
    lines.push(Line::Name(supplier.into()));
    lines.push(Line::Centred(address.into()));
    lines.push(Line::Centred(reference.into()));
    lines.push(Line::Gap);
    let time = format!("{:02}:{:02}", rng.gen_range(8..20), rng.gen_range(0..60));
    lines.push(Line::Left(match rng.gen_range(0..4) {
        0 => format!("Date: {date}  {time}"),
        1 => format!("{date}   {time}"),
        2 => format!("Date {date}"),
        _ => format!("Receipt {:05}   {date}", rng.gen_range(100..99_999)),
    }));
    lines.push(Line::Gap);
    let symbol_on_items = rng.gen_bool(0.3);
    for (name, quantity, price) in &items {
        let mut written = amount(quantity * price);
        if symbol_on_items {
            written = with_mark(region.symbol, &written, euro);
        }
        let label = if *quantity > 1 {
            format!("{quantity} x {name}")
        } else {
            (*name).to_owned()
        };
        lines.push(Line::Amount(label, written));
    }
    lines.push(Line::Gap);
    if show_tax {
        lines.push(Line::Amount("Subtotal".into(), amount(subtotal)));
        lines.push(Line::Amount(region.tax.into(), amount(tax)));
    }
    let label = TOTAL_LABELS[rng.gen_range(0..TOTAL_LABELS.len())];
    // The currency is always on the total line, by symbol or by code.
    let written_total = match rng.gen_range(0..3) {
        0 => with_mark(region.symbol, &amount(total), euro),
        1 => format!("{} {}", region.currency, amount(total)),
        _ => format!("{} {}", amount(total), region.currency),
    };
    lines.push(Line::Amount(label.into(), written_total));
    lines.push(Line::Gap);
    if rng.gen_bool(0.5) {
        lines.push(Line::Amount("Card".into(), amount(total)));
        lines.push(Line::Left(format!(
            "VISA **** {:04}",
            rng.gen_range(1000..9999)
        )));
    } else {
        let tendered = (total / 1_000 + 1) * 1_000;
        lines.push(Line::Amount("Cash".into(), amount(tendered)));
        lines.push(Line::Amount("Change".into(), amount(tendered - total)));
    }
    lines.push(Line::Gap);
    lines.push(Line::Centred(
        FOOTERS[rng.gen_range(0..FOOTERS.len())].into(),
    ));

    let look = match index % 4 {
        0 => Look {
            degrees: 0.0,
            noise: 0.0,
        },
        1 => Look {
            degrees: turn(rng),
            noise: 0.0,
        },
        2 => Look {
            degrees: 0.0,
            noise: rng.gen_range(20.0..40.0),
        },
        _ => Look {
            degrees: turn(rng),
            noise: rng.gen_range(15.0..30.0),
        },
    };
    Receipt {
        name: format!("receipt-{index:02}"),
        supplier: supplier.into(),
        date: format!("{year:04}-{month:02}-{day:02}"),
        total: written_amount(total, false).replace(',', ""),
        currency: region.currency,
        look,
        lines,
    }
}

/// A few degrees either way.
fn turn(rng: &mut StdRng) -> f32 {
    let degrees: f32 = rng.gen_range(1.0..4.0);
    if rng.gen_bool(0.5) { degrees } else { -degrees }
}

/// `hundredths` as a till writes it: `1,204.50`, or `1.204,50`.
fn written_amount(hundredths: u64, decimal_comma: bool) -> String {
    let (whole, cents) = (hundredths / 100, hundredths % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position) % 3 == 0 {
            grouped.push(if decimal_comma { '.' } else { ',' });
        }
        grouped.push(digit);
    }
    format!(
        "{grouped}{}{cents:02}",
        if decimal_comma { ',' } else { '.' }
    )
}

/// An amount with its currency symbol, after it for euros written the
/// continental way.
fn with_mark(symbol: &str, amount: &str, euro: bool) -> String {
    if euro && amount.contains(',') {
        format!("{amount} {symbol}")
    } else {
        format!("{symbol}{amount}")
    }
}

/// A date as a receipt from that currency's country writes it.
fn written_date(currency: &str, year: u32, month: u32, day: u32, rng: &mut StdRng) -> String {
    let name = MONTHS[month as usize - 1];
    let short = &name[..3];
    let suffix = match day {
        1 | 21 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    };
    let yy = year % 100;
    match (currency, rng.gen_range(0..5)) {
        (_, 0) => format!("{year}-{month:02}-{day:02}"),
        ("USD", 1) => format!("{month:02}/{day:02}/{year}"),
        ("USD", 2) => format!("{month}/{day}/{yy:02}"),
        ("USD", 3) => format!("{name} {day}, {year}"),
        ("USD", _) => format!("{short} {day} {year}"),
        ("GBP", 1) => format!("{day:02}/{month:02}/{year}"),
        ("GBP", 2) => format!("{day:02}/{month:02}/{yy:02}"),
        ("GBP", 3) => format!("{day}{suffix} {name} {year}"),
        ("GBP", _) => format!("{day:02}-{short}-{year}"),
        (_, 1) => format!("{day:02}.{month:02}.{year}"),
        (_, 2) => format!("{day:02}/{month:02}/{year}"),
        (_, 3) => format!("{day} {name} {year}"),
        (_, _) => format!("{day:02}-{month:02}-{year}"),
    }
}

impl Receipt {
    /// A real one-page PDF of the receipt, with a text layer: the supplier
    /// in Helvetica Bold, the rest in Courier, as a till prints it.
    pub fn pdf(&self) -> Vec<u8> {
        const WIDTH: f32 = 300.0;
        const MARGIN: f32 = 24.0;
        const BODY: f32 = 10.0;
        const NAME: f32 = 17.0;
        let height = 60.0
            + self
                .lines
                .iter()
                .map(|line| match line {
                    Line::Name(_) => NAME * 1.6,
                    Line::Gap => BODY * 0.8,
                    _ => BODY * 1.4,
                })
                .sum::<f32>();
        let mut content = Vec::new();
        let mut y = height - 36.0;
        for line in &self.lines {
            let (font, size, x, text) = match line {
                Line::Name(text) => {
                    // Helvetica Bold's letters average a little over half
                    // their size across; near enough to centre by.
                    let width = text.chars().count() as f32 * NAME * 0.58;
                    ("F2", NAME, (WIDTH - width) / 2.0, text.clone())
                }
                Line::Centred(text) => {
                    let width = text.chars().count() as f32 * BODY * 0.6;
                    (
                        "F1",
                        BODY,
                        (WIDTH - width).max(MARGIN * 2.0) / 2.0,
                        text.clone(),
                    )
                }
                Line::Left(text) => ("F1", BODY, MARGIN, text.clone()),
                Line::Amount(label, amount) => ("F1", BODY, MARGIN, body_line(label, amount)),
                Line::Gap => {
                    y -= BODY * 0.8;
                    continue;
                }
            };
            if let Line::Name(_) = line {
                y -= NAME * 0.4;
            }
            content
                .extend_from_slice(format!("BT /{font} {size} Tf {x:.1} {y:.1} Td (").as_bytes());
            content.extend(pdf_string(&text));
            content.extend_from_slice(b") Tj ET\n");
            y -= match line {
                Line::Name(_) => NAME * 1.2,
                _ => BODY * 1.4,
            };
        }
        let font = |name: &str| {
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>"
            )
            .into_bytes()
        };
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(&content);
        stream.extend_from_slice(b"endstream");
        let objects: [Vec<u8>; 6] = [
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {height:.0}] /Contents 4 0 R \
                 /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>"
            )
            .into_bytes(),
            stream,
            font("Courier"),
            font("Helvetica-Bold"),
        ];
        clientele_server::receipt::pdf_file(&objects)
    }

    /// The receipt as a PNG: its PDF rendered by `pdftoppm` at 200 dpi in
    /// `scratch`, then turned and made noisy as its [`Look`] says.
    pub fn png(&self, scratch: &Path) -> Vec<u8> {
        let rendered = render(&self.pdf(), scratch, &self.name, 200);
        if self.look.degrees == 0.0 && self.look.noise == 0.0 {
            return std::fs::read(&rendered).expect("pdftoppm's PNG");
        }
        let mut page = image::open(&rendered).expect("pdftoppm's PNG").to_luma8();
        if self.look.degrees != 0.0 {
            page = rotated(&page, self.look.degrees);
        }
        if self.look.noise > 0.0 {
            // Each receipt's own seed, so each image is the same every run.
            add_noise(&mut page, self.look.noise, SEED ^ hash(&self.name));
        }
        let mut png = Vec::new();
        // Fast compression: the default takes several times as long in an
        // unoptimised test build, for files a tenth smaller.
        let encoder =
            PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Adaptive);
        page.write_with_encoder(encoder).expect("encoding a PNG");
        png
    }

    /// Which of [`FIELDS`] a document's `fields` (as the API answers them)
    /// has right. The supplier is compared ignoring case and spacing; the
    /// others exactly.
    pub fn check(&self, fields: &Value) -> [bool; 4] {
        let value = |name: &str| {
            fields[name]["value"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };
        let plain = |text: &str| {
            text.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace(['\u{2019}', '\u{2018}'], "'")
                .to_lowercase()
        };
        [
            plain(&value("supplier")) == plain(&self.supplier),
            value("date") == self.date,
            value("total") == self.total,
            value("currency") == self.currency,
        ]
    }

    /// Each field a document's `fields` has wrong, in words.
    pub fn misses(&self, fields: &Value) -> Vec<String> {
        let expected = [
            self.supplier.as_str(),
            &self.date,
            &self.total,
            self.currency,
        ];
        self.check(fields)
            .iter()
            .enumerate()
            .filter(|(_, right)| !**right)
            .map(|(index, _)| {
                let name = FIELDS[index];
                format!(
                    "{name} expected {:?}, read {}",
                    expected[index], fields[name]["value"]
                )
            })
            .collect()
    }
}

/// The amount right-aligned after its label, across the body's width.
fn body_line(label: &str, amount: &str) -> String {
    let room = BODY_CHARS.saturating_sub(label.chars().count() + 1);
    format!("{label} {amount:>room$}")
}

/// `text` in a PDF string in WinAnsiEncoding (Latin-1, with the euro at
/// 0x80), with the delimiters escaped.
fn pdf_string(text: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for character in text.chars() {
        match character {
            '(' | ')' | '\\' => bytes.extend([b'\\', character as u8]),
            '€' => bytes.push(0x80),
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => bytes.push(character as u32 as u8),
            other => panic!("{other:?} has no place in WinAnsiEncoding"),
        }
    }
    bytes
}

/// Renders a PDF's first page with `pdftoppm` at `dpi` into `scratch`,
/// answering the PNG's path.
pub fn render(pdf: &[u8], scratch: &Path, name: &str, dpi: u32) -> std::path::PathBuf {
    let source = scratch.join(format!("{name}.pdf"));
    std::fs::write(&source, pdf).expect("writing the PDF");
    let prefix = scratch.join(name);
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png", "-singlefile"])
        .arg(&source)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success(), "pdftoppm could not render {name}");
    prefix.with_extension("png")
}

fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    })
}

/// `page` turned by `degrees` about its centre onto a white page large
/// enough to hold it, sampled bilinearly.
pub fn rotated(page: &GrayImage, degrees: f32) -> GrayImage {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (width, height) = (page.width() as f32, page.height() as f32);
    let new_width = (width * cos.abs() + height * sin.abs()).ceil();
    let new_height = (width * sin.abs() + height * cos.abs()).ceil();
    let (cx, cy, ncx, ncy) = (width / 2.0, height / 2.0, new_width / 2.0, new_height / 2.0);
    GrayImage::from_fn(new_width as u32, new_height as u32, |x, y| {
        let (dx, dy) = (x as f32 - ncx, y as f32 - ncy);
        // Where this pixel came from in the upright page.
        let sx = cos * dx - sin * dy + cx;
        let sy = sin * dx + cos * dy + cy;
        Luma([sample(page, sx, sy)])
    })
}

/// The page's grey at a point between pixels; white outside it.
fn sample(page: &GrayImage, x: f32, y: f32) -> u8 {
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let at = |x: f32, y: f32| -> f32 {
        if x < 0.0 || y < 0.0 || x >= page.width() as f32 || y >= page.height() as f32 {
            255.0
        } else {
            f32::from(page.get_pixel(x as u32, y as u32)[0])
        }
    };
    let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1.0, y0) * fx;
    let bottom = at(x0, y0 + 1.0) * (1.0 - fx) + at(x0 + 1.0, y0 + 1.0) * fx;
    (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8
}

/// Grey noise of standard deviation `sigma` on every pixel, and dark and
/// light specks on about one pixel in two hundred, as a poor scan has. The
/// numbers come from xorshift64* seeded with `seed`: plenty for noise, and
/// fast even in an unoptimised test build, where `StdRng` takes a second
/// per page.
pub fn add_noise(page: &mut GrayImage, sigma: f32, seed: u64) {
    let mut state = seed | 1;
    // The sum of four uniform bytes less its mean is near enough normal,
    // with a standard deviation of about 147.8.
    let scale = sigma / 147.8;
    for value in page.iter_mut() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let [a, b, c, d, _, _, speck, shade] =
            state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
        if speck == 0 && shade < 128 {
            *value = if shade % 2 == 0 { 0 } else { 255 };
            continue;
        }
        let normal = (i32::from(a) + i32::from(b) + i32::from(c) + i32::from(d) - 510) as f32;
        *value = (f32::from(*value) + scale * normal)
            .round()
            .clamp(0.0, 255.0) as u8;
    }
}

/// Right answers per field over many documents.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    right: [usize; 4],
    documents: usize,
}

impl Tally {
    /// Counts one document's answers from [`Receipt::check`].
    pub fn add(&mut self, answers: [bool; 4]) {
        self.documents += 1;
        for (right, answer) in self.right.iter_mut().zip(answers) {
            *right += usize::from(answer);
        }
    }

    /// The share of documents with field `index` of [`FIELDS`] right.
    pub fn field(&self, index: usize) -> f64 {
        self.right[index] as f64 / self.documents.max(1) as f64
    }

    /// The share of all fields right.
    pub fn overall(&self) -> f64 {
        self.right.iter().sum::<usize>() as f64 / (4 * self.documents).max(1) as f64
    }

    /// One line for people: the overall share and each field's.
    pub fn summary(&self) -> String {
        let fields: Vec<String> = FIELDS
            .iter()
            .enumerate()
            .map(|(index, name)| format!("{name} {:.1} %", 100.0 * self.field(index)))
            .collect();
        format!(
            "{:.1} % of {} fields ({})",
            100.0 * self.overall(),
            4 * self.documents,
            fields.join(", ")
        )
    }
}
