//! A receipt as an accounts package prints one: a supplier, a date, lines of
//! items, a subtotal, VAT and a total, written as a real one-page PDF with a
//! text layer (the standard Helvetica font, so nothing is embedded). The demo
//! data's documents are such files, and so are the tests' fixtures.

/// A receipt's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// Who issued it.
    pub supplier: String,
    /// The first line of its address.
    pub address: String,
    /// Its date as printed, such as `12/03/2026`.
    pub date: String,
    /// Each item and its price in hundredths.
    pub items: Vec<(String, u64)>,
    /// The currency symbol printed before amounts, such as `£`.
    pub symbol: String,
}

impl Receipt {
    /// The total in hundredths: the items plus 20 % VAT.
    pub fn total(&self) -> u64 {
        let subtotal: u64 = self.items.iter().map(|(_, price)| price).sum();
        subtotal + subtotal / 5
    }

    /// The receipt's printed lines.
    pub fn lines(&self) -> Vec<String> {
        let money = |hundredths: u64| format!("{}.{:02}", hundredths / 100, hundredths % 100);
        let subtotal: u64 = self.items.iter().map(|(_, price)| price).sum();
        let mut lines = vec![
            self.supplier.clone(),
            self.address.clone(),
            format!("Date: {}", self.date),
            String::new(),
        ];
        for (item, price) in &self.items {
            lines.push(format!("{item}   {}", money(*price)));
        }
        lines.push(String::new());
        lines.push(format!("Subtotal   {}", money(subtotal)));
        lines.push(format!("VAT 20%   {}", money(subtotal / 5)));
        lines.push(format!("TOTAL   {}{}", self.symbol, money(self.total())));
        lines.push("Thank you for your custom".to_owned());
        lines
    }

    /// The receipt as a PDF.
    pub fn to_pdf(&self) -> Vec<u8> {
        let lines = self.lines();
        text_pdf(&lines.iter().map(String::as_str).collect::<Vec<_>>())
    }
}

/// A real one-page PDF whose text layer has these lines, one under another.
pub fn text_pdf(lines: &[&str]) -> Vec<u8> {
    let mut stream = String::from("BT /F1 12 Tf 30 560 Td 16 TL\n");
    for line in lines {
        // PDF strings escape backslashes and brackets; the pound sign is
        // written in the font's own encoding (WinAnsi: octal 243).
        let escaped = line
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)")
            .replace('£', "\\243")
            .replace('€', "\\200");
        stream.push_str(&format!("({escaped}) Tj T*\n"));
    }
    stream.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 600] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}endstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    ];
    pdf_file(&objects.map(String::into_bytes))
}

/// A PDF file of these objects, numbered from 1 (the first is the
/// catalogue), with the cross-reference table and trailer that readers use
/// to find them.
pub fn pdf_file(objects: &[Vec<u8>]) -> Vec<u8> {
    // The comment of high bytes tells tools that the file is binary.
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        pdf.extend_from_slice(object);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}
