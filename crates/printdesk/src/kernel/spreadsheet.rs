//! Spreadsheets: every list exports what it shows to .xlsx, and imports read an .xlsx made from
//! the app's own template (DESIGN.md "Spreadsheets").
//!
//! Export: a chapter builds a [`Table`] (headers, column kinds, rows of [`Cell`]s) from the same
//! service call as its list page, with the same filters, and [`download`] sends it. Money and
//! quantities are written as numbers with their places; ids never appear.
//!
//! Import: [`template`] writes the sheet to fill (one header row) plus a 填写须知 sheet, and
//! [`read_rows`] reads an upload back as text cells keyed by column, each with its Excel row
//! number, so the chapter's own parse function can report every bad row and column. Nothing
//! here saves anything; a chapter saves all rows in one transaction or none.

use std::io::Cursor;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

use crate::kernel::error::{AppError, FieldErrors};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::money::{Money, Quantity};

/// Largest upload an import accepts (a 10,000-row sheet is well under 2 MB).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;
/// Largest number of data rows an import accepts.
pub const MAX_IMPORT_ROWS: usize = 50_000;

/// How a column's cells are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    /// Money with this many decimals shown.
    Money(u32),
    /// A quantity with this many decimals shown.
    Quantity(u32),
    Integer,
}

/// One column of an exported table.
#[derive(Clone, Debug)]
pub struct Column {
    pub header: String,
    pub kind: ColumnKind,
    /// Width in characters.
    pub width: u16,
}

/// One cell of an exported table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Money(Money),
    Quantity(Quantity),
    Integer(i64),
    Empty,
}

/// What a list page exports: a sheet title, the columns and the rows as shown.
#[derive(Clone, Debug)]
pub struct Table {
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(title: impl Into<String>) -> Table {
        Table {
            title: title.into(),
            columns: Vec::new(),
            rows: Vec::new(),
        }
    }

    pub fn column(mut self, header: impl Into<String>, kind: ColumnKind, width: u16) -> Table {
        self.columns.push(Column {
            header: header.into(),
            kind,
            width,
        });
        self
    }
}

/// The .xlsx bytes of a table: a bold, frozen header row, numbers right-aligned with their places.
pub fn to_xlsx(table: &Table) -> anyhow::Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&table.title))?;
    let bold = Format::new().set_bold().set_background_color("F0F3F7");
    for (col, column) in table.columns.iter().enumerate() {
        let col = u16::try_from(col)?;
        sheet.write_string_with_format(0, col, &column.header, &bold)?;
        sheet.set_column_width(col, column.width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let number_format = |kind: ColumnKind| match kind {
        ColumnKind::Money(places) | ColumnKind::Quantity(places) => {
            let decimals = "0".repeat(places as usize);
            let pattern = if places == 0 {
                "#,##0".to_owned()
            } else {
                format!("#,##0.{decimals}")
            };
            Some(
                Format::new()
                    .set_num_format(pattern)
                    .set_align(FormatAlign::Right),
            )
        }
        _ => None,
    };
    let formats: Vec<Option<Format>> = table
        .columns
        .iter()
        .map(|c| number_format(c.kind))
        .collect();
    for (idx, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(idx + 1)?;
        for (col, cell) in row.iter().enumerate() {
            let c = u16::try_from(col)?;
            let format = formats.get(col).and_then(Option::as_ref);
            match (cell, format) {
                (Cell::Text(text), _) => {
                    sheet.write_string(r, c, text)?;
                }
                (Cell::Money(value), Some(format)) => {
                    sheet.write_with_format(r, c, value.to_decimal(), format)?;
                }
                (Cell::Money(value), None) => {
                    sheet.write(r, c, value.to_decimal())?;
                }
                (Cell::Quantity(value), Some(format)) => {
                    sheet.write_with_format(r, c, value.to_decimal(), format)?;
                }
                (Cell::Quantity(value), None) => {
                    sheet.write(r, c, value.to_decimal())?;
                }
                (Cell::Integer(value), _) => {
                    sheet.write(r, c, rust_decimal::Decimal::from(*value))?;
                }
                (Cell::Empty, _) => {}
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// Excel allows 31 characters and no `[]:*?/\` in a sheet name.
fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if cleaned.is_empty() {
        "Sheet1".to_owned()
    } else {
        cleaned
    }
}

/// A file download: `filename` may be Chinese (RFC 5987 `filename*`, with an ASCII fallback).
pub fn download(filename: &str, bytes: Vec<u8>) -> Response {
    let encoded = crate::kernel::web::urlencode(filename).replace('+', "%20");
    let disposition = format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{encoded}");
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    res
}

/// Exports `table` as a download named `<title>.xlsx`; a failure to write is an internal error.
pub fn export(table: &Table) -> Result<Response, AppError> {
    let bytes = to_xlsx(table).map_err(AppError::Internal)?;
    Ok(download(&format!("{}.xlsx", table.title), bytes))
}

/// One column of an import template.
#[derive(Clone, Copy, Debug)]
pub struct TemplateColumn {
    /// The key the chapter's parser reads, e.g. `name`.
    pub key: &'static str,
    /// Catalog key of the header the user sees, e.g. `customer.field.name`.
    pub header_key: &'static str,
    pub required: bool,
    /// Catalog key of the note in 填写须知.
    pub note_key: &'static str,
    pub width: u16,
}

/// The import template: the sheet to fill (header row, required columns marked ＊) and a
/// 填写须知 sheet explaining every column.
pub fn template(
    title: &str,
    columns: &[TemplateColumn],
    notes: &[String],
    locale: Locale,
) -> anyhow::Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let data = workbook.add_worksheet();
    data.set_name(sheet_name(title))?;
    let bold = Format::new().set_bold().set_background_color("F0F3F7");
    for (col, column) in columns.iter().enumerate() {
        let col = u16::try_from(col)?;
        data.write_string_with_format(0, col, header_text(column, locale), &bold)?;
        data.set_column_width(col, column.width)?;
        // Text cells, so that mobiles and codes keep their leading zeros.
        data.set_column_format(col, &Format::new().set_num_format("@"))?;
    }
    data.set_freeze_panes(1, 0)?;
    let guide = workbook.add_worksheet();
    guide.set_name(sheet_name(&locale.t("spreadsheet.notes_sheet")))?;
    guide.set_column_width(0, 18)?;
    guide.set_column_width(1, 80)?;
    let mut row = 0u32;
    for note in notes {
        guide.write_string(row, 0, note)?;
        row += 1;
    }
    row += 1;
    guide.write_string_with_format(row, 0, locale.t("spreadsheet.column"), &bold)?;
    guide.write_string_with_format(row, 1, locale.t("spreadsheet.how_to_fill"), &bold)?;
    for column in columns {
        row += 1;
        guide.write_string(row, 0, header_text(column, locale))?;
        guide.write_string(row, 1, locale.t(column.note_key))?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn header_text(column: &TemplateColumn, locale: Locale) -> String {
    let header = locale.t(column.header_key);
    if column.required {
        format!("{header}＊")
    } else {
        header
    }
}

/// One data row of an upload: its Excel row number (2 for the first data row) and its cells as
/// text, in template column order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRow {
    pub row_number: usize,
    pub cells: Vec<String>,
}

impl RawRow {
    /// The text of column `idx` (empty when the row is short).
    pub fn cell(&self, idx: usize) -> &str {
        self.cells.get(idx).map_or("", String::as_str)
    }
}

/// Reads an upload made from [`template`]: the first sheet, whose header row must name the
/// template's columns in order (with or without the ＊). Blank rows are skipped. Errors name the
/// field `file`.
pub fn read_rows(
    bytes: &[u8],
    columns: &[TemplateColumn],
    locale: Locale,
) -> Result<Vec<RawRow>, FieldErrors> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(FieldErrors::single(
            "file",
            Message::new("spreadsheet.too_large"),
        ));
    }
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|_| FieldErrors::single("file", Message::new("spreadsheet.not_xlsx")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| FieldErrors::single("file", Message::new("spreadsheet.no_sheet")))?
        .map_err(|_| FieldErrors::single("file", Message::new("spreadsheet.not_xlsx")))?;
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .map(|row| row.iter().map(cell_text).collect())
        .unwrap_or_default();
    for (idx, column) in columns.iter().enumerate() {
        let expected = locale.t(column.header_key);
        let found = header
            .get(idx)
            .map_or("", |h| h.trim_end_matches(['＊', '*']).trim());
        let matches_any_locale = Locale::ALL
            .into_iter()
            .any(|l| l.t(column.header_key) == found);
        if found != expected && !matches_any_locale {
            return Err(FieldErrors::single(
                "file",
                Message::new("spreadsheet.wrong_header")
                    .arg("column", idx + 1)
                    .arg("expected", expected),
            ));
        }
    }
    let mut out = Vec::new();
    for (idx, row) in rows.enumerate() {
        let cells: Vec<String> = row.iter().take(columns.len()).map(cell_text).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if out.len() >= MAX_IMPORT_ROWS {
            return Err(FieldErrors::single(
                "file",
                Message::new("spreadsheet.too_many_rows").arg("max", MAX_IMPORT_ROWS),
            ));
        }
        out.push(RawRow {
            row_number: idx + 2,
            cells: cells.into_iter().map(|c| c.trim().to_owned()).collect(),
        });
    }
    Ok(out)
}

/// A cell as the text a person typed. Numbers come back in their shortest form ("12.3",
/// "13812345678"), never in exponent notation, so the chapter parses them like form input.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Int(value) => value.to_string(),
        Data::Float(value) => {
            let text = value.to_string();
            text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
        }
        Data::String(text) => text.clone(),
        Data::Bool(value) => if *value { "1" } else { "0" }.to_owned(),
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::DateTime(value) => value.to_string(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// Collects import errors as field errors named `rows[<excel row>].<column key>`, so the page can
/// list "第 5 行 手机：…" for every bad cell of the file.
pub fn row_error(errors: &mut FieldErrors, row: &RawRow, column_key: &str, message: Message) {
    errors.add(format!("rows[{}].{column_key}", row.row_number), message);
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[TemplateColumn] = &[
        TemplateColumn {
            key: "a",
            header_key: "spreadsheet.column",
            required: true,
            note_key: "spreadsheet.how_to_fill",
            width: 10,
        },
        TemplateColumn {
            key: "b",
            header_key: "spreadsheet.how_to_fill",
            required: false,
            note_key: "spreadsheet.column",
            width: 10,
        },
    ];

    #[test]
    fn a_filled_template_reads_back_as_text() {
        let bytes = template("测试", COLUMNS, &["说明".to_owned()], Locale::ZhCn).unwrap();
        // The template itself has a header and no data.
        assert_eq!(
            read_rows(&bytes, COLUMNS, Locale::ZhCn).unwrap(),
            Vec::new()
        );
        let mut table = Table::new("测试")
            .column(
                format!("{}＊", Locale::ZhCn.t("spreadsheet.column")),
                ColumnKind::Text,
                10,
            )
            .column(
                Locale::ZhCn.t("spreadsheet.how_to_fill"),
                ColumnKind::Money(2),
                10,
            );
        table.rows.push(vec![
            Cell::Text("星光".to_owned()),
            Cell::Money(Money::parse("12.30").unwrap()),
        ]);
        table.rows.push(vec![Cell::Empty, Cell::Empty]);
        table.rows.push(vec![
            Cell::Text("13812345678".to_owned()),
            Cell::Integer(13812345678),
        ]);
        let bytes = to_xlsx(&table).unwrap();
        let rows = read_rows(&bytes, COLUMNS, Locale::ZhCn).unwrap();
        assert_eq!(rows.len(), 2, "blank rows are skipped");
        assert_eq!(
            (rows[0].row_number, rows[0].cell(0), rows[0].cell(1)),
            (2, "星光", "12.3")
        );
        assert_eq!((rows[1].row_number, rows[1].cell(1)), (4, "13812345678"));
    }

    #[test]
    fn a_foreign_file_is_refused_naming_the_file() {
        let errors = read_rows(b"not a spreadsheet", COLUMNS, Locale::ZhCn).unwrap_err();
        assert_eq!(
            errors
                .iter()
                .next()
                .map(|e| (e.field.as_ref(), e.message.key())),
            Some(("file", "spreadsheet.not_xlsx"))
        );
        let table = Table::new("x").column("别的列", ColumnKind::Text, 10);
        let errors = read_rows(&to_xlsx(&table).unwrap(), COLUMNS, Locale::ZhCn).unwrap_err();
        assert_eq!(
            errors.iter().next().map(|e| e.message.key()),
            Some("spreadsheet.wrong_header")
        );
    }

    #[test]
    fn sheet_names_are_made_valid() {
        assert_eq!(sheet_name("客户/供应商[1]"), "客户供应商1");
        assert_eq!(sheet_name(""), "Sheet1");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }
}
