//! Reading an artwork file: what it is, its size and pages, and what its name says. Pure: bytes
//! in, an [`Inspection`] or field errors out; no I/O, no clock.
//!
//! Raster sizes come from `imagesize` (pixels) and our own reading of the density tags (JPEG
//! JFIF and EXIF, PNG `pHYs`, TIFF `XResolution`/`YResolution`); PDFs from `lopdf`.

use std::collections::HashSet;
use std::str::FromStr;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use rust_decimal::Decimal;

use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;
use crate::kernel::money::Quantity;

/// The kinds of file we accept, told apart by their first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Tiff,
    Pdf,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [FileKind::Jpeg, FileKind::Png, FileKind::Tiff, FileKind::Pdf];

    pub fn code(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpeg",
            FileKind::Png => "png",
            FileKind::Tiff => "tiff",
            FileKind::Pdf => "pdf",
        }
    }

    pub fn from_code(code: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Tiff => "image/tiff",
            FileKind::Pdf => "application/pdf",
        }
    }

    /// The extension a stored copy gets.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Tiff => "tif",
            FileKind::Pdf => "pdf",
        }
    }

    /// The kind a file name claims by its extension; `None` for an extension we do not take.
    fn from_extension(extension: &str) -> Option<FileKind> {
        match extension.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" | "jpe" => Some(FileKind::Jpeg),
            "png" => Some(FileKind::Png),
            "tif" | "tiff" => Some(FileKind::Tiff),
            "pdf" => Some(FileKind::Pdf),
            _ => None,
        }
    }

    /// The kind the content is, by its magic bytes.
    fn sniff(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
            Some(FileKind::Tiff)
        } else if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else {
            None
        }
    }
}

/// Dots per inch across and down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dpi {
    pub x: u32,
    pub y: u32,
}

/// One page of a PDF: its size as it is shown (rotation applied), in millimetres, and whether
/// the colour heuristic found colour on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PdfPage {
    pub width_mm: Quantity,
    pub height_mm: Quantity,
    pub colour: bool,
}

/// What a file name says, by the shop habit "背胶_60x160_3张.jpg" (DOMAIN.md §4.4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameHints {
    /// The first word that is neither a size, a count nor a known keyword: 背胶, 写真 ….
    pub material: Option<String>,
    /// Millimetres; the name's numbers are centimetres unless it says mm or m.
    pub width_mm: Option<Quantity>,
    pub height_mm: Option<Quantity>,
    /// N张, N份, N本 ….
    pub quantity: Option<i64>,
    /// 单面 1, 双面 2.
    pub sides: Option<i64>,
    /// 彩色 true, 黑白 false.
    pub colour: Option<bool>,
    /// A paper size such as A4.
    pub paper: Option<String>,
}

/// How much of an upload is read to inspect it: all of a file up to 64 MiB, the first 64 MiB of a
/// larger one. Images keep their size and density at the start, so a larger image is still read
/// (unless its header is further in, as in a TIFF whose directory comes after the pixels); a PDF
/// keeps its table of objects at the end and lopdf holds the whole document in memory (about
/// the file's size again), so a larger PDF is kept without its pages read. The ceiling bounds
/// the memory one upload takes, whatever the size limit of 前台设置.
pub const MAX_READ_BYTES: u64 = 64 * 1024 * 1024;

/// The bytes of an upload that were read: all of it, or its first [`MAX_READ_BYTES`].
#[derive(Clone, Copy, Debug)]
pub struct FileBytes<'a> {
    pub head: &'a [u8],
    /// The size of the whole file.
    pub len: u64,
}

impl FileBytes<'_> {
    /// A file read whole.
    pub fn whole(bytes: &[u8]) -> FileBytes<'_> {
        FileBytes {
            head: bytes,
            len: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        }
    }

    fn is_whole(self) -> bool {
        u64::try_from(self.head.len()).is_ok_and(|n| n >= self.len)
    }
}

/// Everything read from one file, and the line fill it suggests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    pub kind: FileKind,
    /// Raster images only.
    pub width_px: Option<u32>,
    pub height_px: Option<u32>,
    /// The density used for the size: the file's, or the settings' default.
    pub dpi: Option<Dpi>,
    pub dpi_from_file: bool,
    /// The image, or the first page of a PDF.
    pub width_mm: Option<Quantity>,
    pub height_mm: Option<Quantity>,
    /// PDFs only; zero for images.
    pub pages: Vec<PdfPage>,
    pub hints: NameHints,
    /// False when the file was larger than [`MAX_READ_BYTES`] and its beginning did not give its
    /// size or pages: it is kept all the same, with what its name says.
    pub read: bool,
}

impl Inspection {
    pub fn colour_pages(&self) -> i64 {
        count(self.pages.iter().filter(|p| p.colour))
    }

    pub fn mono_pages(&self) -> i64 {
        count(self.pages.iter().filter(|p| !p.colour))
    }

    /// The size an order line should take: the name's when it gives one (the customer's
    /// intent), else the size read from the file. Centimetres.
    pub fn suggested_size_cm(&self) -> Option<(Quantity, Quantity)> {
        let (width, height) = match (self.hints.width_mm, self.hints.height_mm) {
            (Some(w), Some(h)) => (w, h),
            _ => (self.width_mm?, self.height_mm?),
        };
        Some((mm_to_cm(width), mm_to_cm(height)))
    }
}

fn count<T>(it: impl Iterator<Item = T>) -> i64 {
    i64::try_from(it.count()).unwrap_or(i64::MAX)
}

/// Checks an upload before anything reads it: not empty, not above `max_bytes`, and its content
/// one of the accepted kinds, the same kind its name claims. An `.exe` renamed `.jpg` is refused
/// here, on the field `file`. Only the first bytes are looked at, so `file` may be a beginning.
pub fn check_file(
    file_name: &str,
    file: FileBytes<'_>,
    max_bytes: u64,
) -> Result<FileKind, FieldErrors> {
    if file.len == 0 {
        return Err(FieldErrors::single(
            "file",
            Message::new("artwork.file_missing"),
        ));
    }
    if file.len > max_bytes {
        return Err(FieldErrors::single("file", file_too_large(max_bytes)));
    }
    let sniffed = FileKind::sniff(file.head);
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, extension)| extension)
        .filter(|_| !file_name.is_empty());
    match (extension.map(FileKind::from_extension), sniffed) {
        // The name claims a kind we do not take (.exe, .docx).
        (Some(None), _) => Err(FieldErrors::single(
            "file",
            Message::new("artwork.file_type_unsupported"),
        )),
        (Some(Some(claimed)), Some(actual)) if claimed == actual => Ok(actual),
        // The name claims a kind we take, but the content is something else.
        (Some(Some(_)), _) => Err(FieldErrors::single(
            "file",
            Message::new("artwork.file_disguised"),
        )),
        (None, Some(actual)) => Ok(actual),
        (None, None) => Err(FieldErrors::single(
            "file",
            Message::new("artwork.file_type_unsupported"),
        )),
    }
}

/// The message of a file above the size limit of 前台设置, in whole MB.
pub fn file_too_large(max_bytes: u64) -> Message {
    Message::new("artwork.file_too_large").arg("max_mb", max_bytes / (1024 * 1024))
}

/// Reads a file already checked by [`check_file`]. `default_dpi` sizes an image that carries no
/// density. A file read whole that cannot be read (a truncated PDF) is a field error on `file`;
/// a larger file whose beginning says nothing is kept unread ([`Inspection::read`] false).
pub fn inspect(
    file_name: &str,
    file: FileBytes<'_>,
    kind: FileKind,
    default_dpi: u32,
) -> Result<Inspection, FieldErrors> {
    let hints = parse_file_name(file_name);
    let content = match kind {
        // Its object table is at the end: nothing to read in a beginning.
        FileKind::Pdf if !file.is_whole() => None,
        FileKind::Pdf => read_pdf(file.head).map(pdf_content),
        _ => read_raster(file.head, kind, default_dpi),
    };
    match content {
        Some(content) => Ok(Inspection {
            kind,
            width_px: content.width_px,
            height_px: content.height_px,
            dpi: content.dpi,
            dpi_from_file: content.dpi_from_file,
            width_mm: content.width_mm,
            height_mm: content.height_mm,
            pages: content.pages,
            hints,
            read: true,
        }),
        None if file.is_whole() => Err(FieldErrors::single(
            "file",
            Message::new("artwork.file_unreadable"),
        )),
        None => Ok(Inspection {
            kind,
            width_px: None,
            height_px: None,
            dpi: None,
            dpi_from_file: false,
            width_mm: None,
            height_mm: None,
            pages: Vec::new(),
            hints,
            read: false,
        }),
    }
}

/// What the content of a file gave, before the name's hints join it.
struct ReadContent {
    width_px: Option<u32>,
    height_px: Option<u32>,
    dpi: Option<Dpi>,
    dpi_from_file: bool,
    width_mm: Option<Quantity>,
    height_mm: Option<Quantity>,
    pages: Vec<PdfPage>,
}

fn pdf_content(pages: Vec<PdfPage>) -> ReadContent {
    let first = pages.first().copied();
    ReadContent {
        width_px: None,
        height_px: None,
        dpi: None,
        dpi_from_file: false,
        width_mm: first.map(|p| p.width_mm),
        height_mm: first.map(|p| p.height_mm),
        pages,
    }
}

/// Pixels and density of an image; `None` when its header cannot be read.
fn read_raster(bytes: &[u8], kind: FileKind, default_dpi: u32) -> Option<ReadContent> {
    let size = imagesize::blob_size(bytes).ok()?;
    let width_px = u32::try_from(size.width).ok()?;
    let height_px = u32::try_from(size.height).ok()?;
    let from_file = read_dpi(bytes, kind);
    let default_dpi = default_dpi.max(1);
    let dpi = from_file.unwrap_or(Dpi {
        x: default_dpi,
        y: default_dpi,
    });
    Some(ReadContent {
        width_px: Some(width_px),
        height_px: Some(height_px),
        dpi: Some(dpi),
        dpi_from_file: from_file.is_some(),
        width_mm: Some(pixels_to_mm(width_px, dpi.x)),
        height_mm: Some(pixels_to_mm(height_px, dpi.y)),
        pages: Vec::new(),
    })
}

/// `pixels ÷ dpi × 25.4` millimetres, rounded half up to the Quantity's 1/10000.
pub fn pixels_to_mm(pixels: u32, dpi: u32) -> Quantity {
    let dpi = i64::from(dpi.max(1));
    // mm × 10^4 = pixels × 25.4 × 10^4 ÷ dpi = pixels × 254000 ÷ dpi.
    let numerator = i64::from(pixels) * 254_000;
    Quantity::from_scaled((2 * numerator + dpi) / (2 * dpi))
}

fn mm_to_cm(mm: Quantity) -> Quantity {
    Quantity::from_scaled((mm.scaled() + 5).div_euclid(10))
}

/// The density a raster file states, if any. A stated 0 or an absurd value counts as none.
pub fn read_dpi(bytes: &[u8], kind: FileKind) -> Option<Dpi> {
    let dpi = match kind {
        FileKind::Jpeg => jpeg_dpi(bytes),
        FileKind::Png => png_dpi(bytes),
        FileKind::Tiff => tiff_dpi(bytes),
        FileKind::Pdf => None,
    }?;
    let sane = |v: u32| (1..=100_000).contains(&v);
    (sane(dpi.x) && sane(dpi.y)).then_some(dpi)
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// JFIF density in APP0 when it names a unit, else EXIF `XResolution` in APP1.
fn jpeg_dpi(bytes: &[u8]) -> Option<Dpi> {
    let mut at = 2;
    let mut exif = None;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return exif;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        // Markers without a length: TEM, RSTn, SOI, EOI.
        if marker == 0x01 || (0xD0..=0xD9).contains(&marker) {
            at += 2;
            continue;
        }
        // Start of scan: the densities come before it.
        if marker == 0xDA {
            return exif;
        }
        let length = usize::from(be16(bytes, at + 2)?);
        let segment = bytes.get(at + 4..at + 2 + length.max(2))?;
        if marker == 0xE0 && segment.starts_with(b"JFIF\0") && segment.len() >= 12 {
            let units = segment[7];
            let x = u32::from(be16(segment, 8)?);
            let y = u32::from(be16(segment, 10)?);
            match units {
                1 => return Some(Dpi { x, y }),
                2 => {
                    return Some(Dpi {
                        x: per_cm_to_dpi(x),
                        y: per_cm_to_dpi(y),
                    });
                }
                // 0: the numbers are only an aspect ratio.
                _ => {}
            }
        }
        if marker == 0xE1 && segment.starts_with(b"Exif\0\0") && exif.is_none() {
            exif = tiff_dpi(&segment[6..]);
        }
        at += 2 + length;
    }
    exif
}

/// PNG `pHYs`: pixels per metre when its unit is 1.
fn png_dpi(bytes: &[u8]) -> Option<Dpi> {
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let length = usize::try_from(be32(bytes, at)?).ok()?;
        let kind = bytes.get(at + 4..at + 8)?;
        if kind == b"pHYs" {
            let data = bytes.get(at + 8..at + 8 + 9)?;
            if data[8] != 1 {
                return None;
            }
            let per_metre = |v: u32| u32::try_from((u64::from(v) * 254 + 5000) / 10_000).ok();
            return Some(Dpi {
                x: per_metre(be32(data, 0)?)?,
                y: per_metre(be32(data, 4)?)?,
            });
        }
        if kind == b"IDAT" || kind == b"IEND" {
            return None;
        }
        at = at.checked_add(12 + length)?;
    }
    None
}

fn per_cm_to_dpi(per_cm: u32) -> u32 {
    u32::try_from((u64::from(per_cm) * 254 + 50) / 100).unwrap_or(0)
}

/// TIFF (and EXIF) first-IFD `XResolution`, `YResolution` and `ResolutionUnit` (2 inch, the
/// default; 3 centimetre; 1 none).
fn tiff_dpi(tiff: &[u8]) -> Option<Dpi> {
    let little = match tiff.get(0..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let n_entries = usize::from(u16_at(ifd)?);
    let (mut x, mut y, mut unit) = (None, None, 2u16);
    for entry_idx in 0..n_entries.min(512) {
        let entry = ifd + 2 + entry_idx * 12;
        let tag = u16_at(entry)?;
        let rational = || -> Option<(u32, u32)> {
            let at = usize::try_from(u32_at(entry + 8)?).ok()?;
            Some((u32_at(at)?, u32_at(at + 4)?))
        };
        match tag {
            0x011A => x = rational(),
            0x011B => y = rational(),
            0x0128 => unit = u16_at(entry + 8)?,
            _ => {}
        }
    }
    let per_inch = |(numerator, denominator): (u32, u32)| -> Option<u32> {
        if denominator == 0 {
            return None;
        }
        let value =
            (u64::from(numerator) * 2 + u64::from(denominator)) / (2 * u64::from(denominator));
        let value = u32::try_from(value).ok()?;
        match unit {
            2 => Some(value),
            3 => Some(per_cm_to_dpi(value)),
            _ => None,
        }
    };
    let x = per_inch(x?)?;
    let y = y.and_then(per_inch).unwrap_or(x);
    Some(Dpi { x, y })
}

/// The most a page's content may inflate to before the heuristic gives up on it (a zip bomb
/// guard); such a page counts as colour.
const MAX_PAGE_CONTENT: usize = 64 * 1024 * 1024;
/// How deep Form XObjects are followed.
const MAX_FORM_DEPTH: u32 = 4;

/// Pages of a PDF with their shown size and colour; `None` when lopdf cannot read it or it has
/// no pages.
pub fn read_pdf(bytes: &[u8]) -> Option<Vec<PdfPage>> {
    let doc = Document::load_mem(bytes).ok()?;
    let pages: Vec<PdfPage> = doc
        .get_pages()
        .into_values()
        .map(|page_id| {
            let (width, height) = page_size_points(&doc, page_id);
            let rotate = inherited(&doc, page_id, b"Rotate")
                .and_then(|o| o.as_i64().ok())
                .unwrap_or(0);
            let (width, height) = if rotate.rem_euclid(180) == 90 {
                (height, width)
            } else {
                (width, height)
            };
            PdfPage {
                width_mm: points_to_mm(width),
                height_mm: points_to_mm(height),
                colour: page_has_colour(&doc, page_id),
            }
        })
        .collect();
    (!pages.is_empty()).then_some(pages)
}

/// A page attribute, looked up the page tree (MediaBox, Rotate and Resources inherit).
fn inherited<'a>(doc: &'a Document, page_id: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.get_dictionary(page_id).ok()?;
    for _ in 0..32 {
        if let Ok(value) = node.get_deref(key, doc) {
            return Some(value);
        }
        node = node.get_deref(b"Parent", doc).ok()?.as_dict().ok()?;
    }
    None
}

/// The MediaBox's width and height in thousandths of a point; A4 when a broken file has none.
fn page_size_points(doc: &Document, page_id: ObjectId) -> (i64, i64) {
    let corners: Option<Vec<i64>> = inherited(doc, page_id, b"MediaBox")
        .and_then(|o| o.as_array().ok())
        .map(|a| {
            a.iter()
                .filter_map(|o| milli(doc.dereference(o).ok()?.1))
                .collect()
        });
    match corners.as_deref() {
        Some([x1, y1, x2, y2]) => ((x2 - x1).abs(), (y2 - y1).abs()),
        _ => (595_000, 842_000),
    }
}

/// A PDF number in thousandths, so no float travels further than this line (tidy: no floats
/// in the app). `as` saturates, and PDF numbers are far inside i64 anyway.
fn milli(object: &Object) -> Option<i64> {
    object.as_float().ok().map(|v| (v * 1000.0).round() as i64)
}

fn points_to_mm(millipoints: i64) -> Quantity {
    // A point is 1/72 inch: mm × 10^4 = millipoints × 25.4 × 10^4 ÷ 72 ÷ 1000, rounded half up.
    let numerator = millipoints.max(0) * 254 * 2;
    Quantity::from_scaled((numerator + 72) / 144)
}

/// The colour heuristic (docs/operations.md, "Artwork files"): a page is colour when its content
/// stream sets a non-grey colour (`rg`/`RG` with unequal components, `k`/`K` with any cyan,
/// magenta or yellow, `sc`/`scn`/`SC`/`SCN` by the same rules or with a pattern), or paints an
/// image whose colour space is not grey. It does not render: colour that is set but painted
/// under something else, colour in shadings (`sh`), in inline images, in annotations or in
/// spot-colour (Separation) inks counts as mono, or colour where it is only set.
fn page_has_colour(doc: &Document, page_id: ObjectId) -> bool {
    let Ok(content) = doc.get_page_content_with_limit(page_id, MAX_PAGE_CONTENT) else {
        return true;
    };
    let resources = page_resources(doc, page_id);
    let mut seen = HashSet::new();
    content_has_colour(doc, &content, &resources, 0, &mut seen)
}

fn page_resources(doc: &Document, page_id: ObjectId) -> Vec<&Dictionary> {
    let Ok((own, ids)) = doc.get_page_resources(page_id) else {
        return Vec::new();
    };
    own.into_iter()
        .chain(ids.into_iter().filter_map(|id| doc.get_dictionary(id).ok()))
        .collect()
}

fn content_has_colour(
    doc: &Document,
    content: &[u8],
    resources: &[&Dictionary],
    depth: u32,
    seen: &mut HashSet<ObjectId>,
) -> bool {
    let Ok(content) = Content::decode(content) else {
        return true;
    };
    content.operations.iter().any(|op| {
        let numbers: Vec<i64> = op.operands.iter().filter_map(milli).collect();
        match op.operator.as_str() {
            "rg" | "RG" => is_colour_rgb(&numbers),
            "k" | "K" => is_colour_cmyk(&numbers),
            "sc" | "scn" | "SC" | "SCN" => {
                // A pattern name as the last operand: pattern contents are not read.
                let pattern = op.operands.last().is_some_and(|o| o.as_name().is_ok());
                pattern
                    || match numbers.len() {
                        3 => is_colour_rgb(&numbers),
                        4 => is_colour_cmyk(&numbers),
                        _ => false,
                    }
            }
            "Do" => op
                .operands
                .first()
                .and_then(|o| o.as_name().ok())
                .is_some_and(|name| xobject_has_colour(doc, resources, name, depth, seen)),
            _ => false,
        }
    })
}

/// Components closer than this (in thousandths) count as equal: 0.01.
const GREY_TOLERANCE: i64 = 10;

/// Components in thousandths (1000 = full).
fn is_colour_rgb(numbers: &[i64]) -> bool {
    match numbers {
        [r, g, b] => (r - g).abs() > GREY_TOLERANCE || (g - b).abs() > GREY_TOLERANCE,
        _ => false,
    }
}

fn is_colour_cmyk(numbers: &[i64]) -> bool {
    match numbers {
        [c, m, y, _] => [c, m, y].iter().any(|v| **v > GREY_TOLERANCE),
        _ => false,
    }
}

fn xobject_has_colour(
    doc: &Document,
    resources: &[&Dictionary],
    name: &[u8],
    depth: u32,
    seen: &mut HashSet<ObjectId>,
) -> bool {
    let found = resources.iter().find_map(|r| {
        let xobjects = r.get_deref(b"XObject", doc).ok()?.as_dict().ok()?;
        let object = xobjects.get(name).ok()?;
        let id = object.as_reference().ok();
        let stream = doc.dereference(object).ok()?.1.as_stream().ok()?;
        Some((id, stream))
    });
    let Some((id, stream)) = found else {
        return false;
    };
    let dict = &stream.dict;
    match dict.get(b"Subtype").and_then(Object::as_name) {
        Ok(b"Image") => {
            let stencil = dict
                .get(b"ImageMask")
                .and_then(Object::as_bool)
                .unwrap_or(false);
            !stencil && !is_grey_space(doc, dict.get_deref(b"ColorSpace", doc).ok(), 0)
        }
        Ok(b"Form") => {
            if depth >= MAX_FORM_DEPTH || id.is_some_and(|id| !seen.insert(id)) {
                return false;
            }
            let Ok(content) = stream
                .decompressed_content_with_limit(MAX_PAGE_CONTENT)
                .or_else(|_| {
                    // An unfiltered stream has nothing to decompress.
                    if dict.has(b"Filter") {
                        Err(())
                    } else {
                        Ok(stream.content.clone())
                    }
                })
            else {
                return true;
            };
            let own = dict
                .get_deref(b"Resources", doc)
                .and_then(Object::as_dict)
                .ok();
            let inner: Vec<&Dictionary> =
                own.into_iter().chain(resources.iter().copied()).collect();
            content_has_colour(doc, &content, &inner, depth + 1, seen)
        }
        _ => false,
    }
}

/// Whether an image colour space is grey: DeviceGray, CalGray, a one-component ICC profile, or
/// an indexed palette over one of those. A missing colour space (JPEG 2000) is not.
fn is_grey_space<'a>(doc: &'a Document, space: Option<&'a Object>, depth: u32) -> bool {
    let Some(space) = space else {
        return false;
    };
    if depth > 4 {
        return false;
    }
    if let Ok(name) = space.as_name() {
        return matches!(name, b"DeviceGray" | b"CalGray" | b"G");
    }
    let Ok(array) = space.as_array() else {
        return false;
    };
    let deref = |o: &'a Object| doc.dereference(o).ok().map(|(_, o)| o);
    match array.first().and_then(|o| o.as_name().ok()) {
        Some(b"CalGray") => true,
        Some(b"ICCBased") => {
            array
                .get(1)
                .and_then(deref)
                .and_then(|o| o.as_stream().ok())
                .and_then(|s| s.dict.get(b"N").and_then(Object::as_i64).ok())
                == Some(1)
        }
        Some(b"Indexed" | b"I") => is_grey_space(doc, array.get(1).and_then(deref), depth + 1),
        _ => false,
    }
}

/// Reads the shop habit of naming a file for the job: "背胶_60x160_3张.jpg",
/// "A4_彩色_双面_20份.pdf", "写真 1200x600mm 2张.tif". Words are split on `_`, `-`, spaces and
/// Chinese punctuation; a word that is none of size, count or keyword becomes the material, the
/// first one only.
pub fn parse_file_name(file_name: &str) -> NameHints {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = match base.rsplit_once('.') {
        Some((stem, extension)) if FileKind::from_extension(extension).is_some() => stem,
        _ => base,
    };
    let mut hints = NameHints::default();
    let words = stem
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '_' | '-'
                        | '，'
                        | ','
                        | '、'
                        | '+'
                        | '('
                        | ')'
                        | '（'
                        | '）'
                        | '【'
                        | '】'
                        | '['
                        | ']'
                )
        })
        .filter(|w| !w.is_empty());
    for word in words {
        read_word(word, &mut hints);
    }
    hints
}

fn read_word(word: &str, hints: &mut NameHints) {
    if let Some((width, height)) = parse_size(word) {
        if hints.width_mm.is_none() {
            hints.width_mm = Some(width);
            hints.height_mm = Some(height);
        }
        return;
    }
    if let Some(n) = parse_count(word) {
        hints.quantity.get_or_insert(n);
        return;
    }
    match word {
        "单面" | "單面" => {
            hints.sides.get_or_insert(1);
            return;
        }
        "双面" | "雙面" => {
            hints.sides.get_or_insert(2);
            return;
        }
        "彩色" | "彩印" | "彩" => {
            hints.colour.get_or_insert(true);
            return;
        }
        "黑白" | "单色" | "單色" => {
            hints.colour.get_or_insert(false);
            return;
        }
        _ => {}
    }
    let upper = word.to_ascii_uppercase();
    if upper.len() >= 2
        && matches!(upper.as_bytes()[0], b'A' | b'B')
        && upper[1..].bytes().all(|b| b.is_ascii_digit())
        && upper.len() <= 3
    {
        hints.paper.get_or_insert(upper);
        return;
    }
    // "背胶60x160": a material glued to its size.
    if let Some(split) = word.find(|c: char| c.is_ascii_digit())
        && split > 0
        && let Some((width, height)) = parse_size(&word[split..])
    {
        if hints.width_mm.is_none() {
            hints.width_mm = Some(width);
            hints.height_mm = Some(height);
        }
        read_word(&word[..split], hints);
        return;
    }
    if hints.material.is_none() && !word.chars().any(|c| c.is_ascii_digit()) {
        hints.material = Some(word.to_owned());
    }
}

/// "60x160", "60×160cm", "600*1600mm", "0.6X1.6m" → width and height in millimetres.
fn parse_size(word: &str) -> Option<(Quantity, Quantity)> {
    let lower = word.to_lowercase();
    let (numbers, per_unit_mm) = [
        ("mm", 1),
        ("毫米", 1),
        ("cm", 10),
        ("厘米", 10),
        ("公分", 10),
        ("m", 1000),
        ("米", 1000),
    ]
    .into_iter()
    .find_map(|(suffix, mm)| lower.strip_suffix(suffix).map(|rest| (rest, mm)))
    .unwrap_or((lower.as_str(), 10));
    let (width, height) = numbers.split_once(['x', '×', '*'])?;
    let read = |text: &str| -> Option<Quantity> {
        let text = text.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return None;
        }
        let value = Decimal::from_str(text).ok()? * Decimal::from(per_unit_mm);
        let value = Quantity::from_decimal(value).ok()?;
        (!value.is_zero()).then_some(value)
    };
    Some((read(width)?, read(height)?))
}

/// "3张", "20份", "5本" → the count.
fn parse_count(word: &str) -> Option<i64> {
    let digits_end = word
        .find(|c: char| !c.is_ascii_digit())
        .filter(|&end| end > 0)?;
    let unit = &word[digits_end..];
    if !matches!(
        unit,
        "张" | "張" | "份" | "本" | "个" | "個" | "套" | "件" | "块" | "塊" | "幅" | "pcs"
    ) {
        return None;
    }
    word[..digits_end].parse().ok().filter(|n| *n > 0)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PNG of `width` × `height` with a `pHYs` chunk of `per_metre` pixels per metre (none
    /// when `None`). CRCs are left zero: nothing here checks them.
    pub(crate) fn png(width: u32, height: u32, per_metre: Option<u32>) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            bytes.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
            bytes.extend_from_slice(kind);
            bytes.extend_from_slice(data);
            bytes.extend_from_slice(&[0; 4]);
        };
        let mut header = Vec::new();
        header.extend_from_slice(&width.to_be_bytes());
        header.extend_from_slice(&height.to_be_bytes());
        header.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(b"IHDR", &header);
        if let Some(ppm) = per_metre {
            let mut phys = Vec::new();
            phys.extend_from_slice(&ppm.to_be_bytes());
            phys.extend_from_slice(&ppm.to_be_bytes());
            phys.push(1);
            chunk(b"pHYs", &phys);
        }
        chunk(b"IEND", &[]);
        bytes
    }

    /// A JPEG header of `width` × `height` with a JFIF density of `density` in `units`
    /// (1 inch, 2 cm, 0 aspect only).
    pub(crate) fn jpeg(width: u16, height: u16, units: u8, density: u16) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        bytes.extend_from_slice(b"JFIF\0\x01\x01");
        bytes.push(units);
        bytes.extend_from_slice(&density.to_be_bytes());
        bytes.extend_from_slice(&density.to_be_bytes());
        bytes.extend_from_slice(&[0, 0]);
        bytes.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8]);
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        bytes.extend_from_slice(&[0xFF, 0xD9]);
        bytes
    }

    /// A little-endian TIFF header of `width` × `height` at `dpi` per `unit` (2 inch, 3 cm).
    fn tiff(width: u32, height: u32, dpi: u32, unit: u16) -> Vec<u8> {
        let mut bytes = b"II*\0".to_vec();
        bytes.extend_from_slice(&8u32.to_le_bytes());
        let entries: [(u16, u16, u32); 5] = [
            (256, 4, width),
            (257, 4, height),
            (0x011A, 5, 8 + 2 + 5 * 12 + 4),
            (0x011B, 5, 8 + 2 + 5 * 12 + 4 + 8),
            (0x0128, 3, u32::from(unit)),
        ];
        bytes.extend_from_slice(&5u16.to_le_bytes());
        for (tag, kind, value) in entries {
            bytes.extend_from_slice(&tag.to_le_bytes());
            bytes.extend_from_slice(&kind.to_le_bytes());
            bytes.extend_from_slice(&1u32.to_le_bytes());
            bytes.extend_from_slice(&value.to_le_bytes());
        }
        bytes.extend_from_slice(&0u32.to_le_bytes());
        for _ in 0..2 {
            bytes.extend_from_slice(&dpi.to_le_bytes());
            bytes.extend_from_slice(&1u32.to_le_bytes());
        }
        bytes
    }

    /// A two-page A4 PDF: page 1 fills a red box, page 2 a grey one and draws grey text;
    /// page 2 is turned 90°.
    pub(crate) fn two_page_pdf() -> Vec<u8> {
        use lopdf::content::Operation;
        use lopdf::{Stream, dictionary};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let page = |doc: &mut Document, operations: Vec<Operation>, rotate: i64| {
            let content = Content { operations }.encode().unwrap();
            let content_id = doc.add_object(Stream::new(dictionary! {}, content));
            doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content_id,
                "Rotate" => rotate,
            })
        };
        let fill = |r, g, b| {
            vec![
                Operation::new(
                    "rg",
                    vec![Object::Real(r), Object::Real(g), Object::Real(b)],
                ),
                Operation::new("re", vec![10.into(), 10.into(), 100.into(), 100.into()]),
                Operation::new("f", vec![]),
            ]
        };
        let colour = page(&mut doc, fill(1.0, 0.0, 0.0), 0);
        let mut grey_ops = fill(0.5, 0.5, 0.5);
        grey_ops.push(Operation::new("g", vec![0.2.into()]));
        grey_ops.push(Operation::new(
            "k",
            vec![0.into(), 0.into(), 0.into(), 1.into()],
        ));
        let grey = page(&mut doc, grey_ops, 90);
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![colour.into(), grey.into()],
                "Count" => 2,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog_id);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }

    #[track_caller]
    fn check_raster(
        bytes: &[u8],
        kind: FileKind,
        default_dpi: u32,
        expected: (&str, &str, u32, bool),
    ) {
        let got = inspect("", FileBytes::whole(bytes), kind, default_dpi).unwrap();
        let (width, height, dpi, from_file) = expected;
        assert_eq!(got.width_mm, Some(q(width)), "width");
        assert_eq!(got.height_mm, Some(q(height)), "height");
        assert_eq!(got.dpi.map(|d| d.x), Some(dpi), "dpi");
        assert_eq!(got.dpi_from_file, from_file);
    }

    #[test]
    fn raster_sizes_come_from_pixels_and_density() {
        // 300 dpi = 11811 pixels per metre; 2480 × 3508 px at 300 dpi is A4.
        check_raster(
            &png(2480, 3508, Some(11811)),
            FileKind::Png,
            72,
            ("209.9733", "297.0107", 300, true),
        );
        // No pHYs: the settings' default.
        check_raster(
            &png(720, 360, None),
            FileKind::Png,
            72,
            ("254", "127", 72, false),
        );
        check_raster(
            &jpeg(600, 300, 1, 150),
            FileKind::Jpeg,
            72,
            ("101.6", "50.8", 150, true),
        );
        // Dots per centimetre: 118 → 299.72 → 300 dpi.
        check_raster(
            &jpeg(300, 300, 2, 118),
            FileKind::Jpeg,
            72,
            ("25.4", "25.4", 300, true),
        );
        // Units 0: an aspect ratio, not a density.
        check_raster(
            &jpeg(720, 72, 0, 1),
            FileKind::Jpeg,
            72,
            ("254", "25.4", 72, false),
        );
        check_raster(
            &tiff(3000, 1500, 300, 2),
            FileKind::Tiff,
            72,
            ("254", "127", 300, true),
        );
        check_raster(
            &tiff(1000, 1000, 100, 3),
            FileKind::Tiff,
            72,
            ("100", "100", 254, true),
        );
    }

    #[test]
    fn pixels_to_mm_rounds_half_up() {
        assert_eq!(pixels_to_mm(1, 72), q("0.3528"));
        assert_eq!(pixels_to_mm(0, 300), Quantity::ZERO);
        assert_eq!(
            pixels_to_mm(u32::MAX, 1),
            Quantity::from_scaled(i64::from(u32::MAX) * 254_000)
        );
    }

    #[test]
    fn a_pdf_gives_each_page_its_size_and_colour() {
        let pdf = two_page_pdf();
        let got = inspect("A4_20份.pdf", FileBytes::whole(&pdf), FileKind::Pdf, 72).unwrap();
        let a4 = (q("209.9028"), q("297.0389"));
        assert_eq!(
            got.pages,
            vec![
                PdfPage {
                    width_mm: a4.0,
                    height_mm: a4.1,
                    colour: true
                },
                // Turned 90°: shown landscape.
                PdfPage {
                    width_mm: a4.1,
                    height_mm: a4.0,
                    colour: false
                },
            ]
        );
        assert_eq!((got.colour_pages(), got.mono_pages()), (1, 1));
        assert_eq!(got.suggested_size_cm(), Some((q("20.9903"), q("29.7039"))));
        assert_eq!(got.hints.quantity, Some(20));
    }

    #[test]
    fn colour_operators_are_told_from_grey_ones() {
        // Thousandths: (1, 0, 0) is red; within 0.01 of each other is grey.
        assert!(is_colour_rgb(&[1000, 0, 0]));
        assert!(!is_colour_rgb(&[300, 300, 300]));
        assert!(!is_colour_rgb(&[300, 305, 300]));
        assert!(is_colour_rgb(&[300, 311, 300]));
        assert!(is_colour_cmyk(&[0, 0, 200, 0]));
        assert!(!is_colour_cmyk(&[0, 0, 0, 1000]));
    }

    #[track_caller]
    fn check_name(name: &str, expected: NameHints) {
        assert_eq!(parse_file_name(name), expected, "{name}");
    }

    #[test]
    fn file_names_give_material_size_and_count() {
        check_name(
            "背胶_60x160_3张.jpg",
            NameHints {
                material: Some("背胶".to_owned()),
                width_mm: Some(q("600")),
                height_mm: Some(q("1600")),
                quantity: Some(3),
                ..NameHints::default()
            },
        );
        check_name(
            "A4_彩色_双面_20份.pdf",
            NameHints {
                quantity: Some(20),
                sides: Some(2),
                colour: Some(true),
                paper: Some("A4".to_owned()),
                ..NameHints::default()
            },
        );
        check_name(
            "写真 1200×600mm 黑白 单面 5本.tif",
            NameHints {
                material: Some("写真".to_owned()),
                width_mm: Some(q("1200")),
                height_mm: Some(q("600")),
                quantity: Some(5),
                sides: Some(1),
                colour: Some(false),
                ..NameHints::default()
            },
        );
        check_name(
            "C:\\客户\\户外布0.6X1.6m.png",
            NameHints {
                material: Some("户外布".to_owned()),
                width_mm: Some(q("600")),
                height_mm: Some(q("1600")),
                ..NameHints::default()
            },
        );
        check_name("", NameHints::default());
        check_name(
            "IMG_2024.jpg",
            NameHints {
                material: Some("IMG".to_owned()),
                ..NameHints::default()
            },
        );
        // A zero side or a bare number is no size.
        check_name("0x160_0张.jpg", NameHints::default());
    }

    #[track_caller]
    fn check_refused(name: &str, bytes: &[u8], max: u64, key: &str) {
        let errors = check_file(name, FileBytes::whole(bytes), max).unwrap_err();
        let error = errors.iter().next().unwrap();
        assert_eq!(
            (error.field.as_ref(), error.message.key()),
            ("file", key),
            "{name}"
        );
    }

    #[test]
    fn uploads_are_checked_by_content_and_size() {
        let png_bytes = png(10, 10, None);
        let whole = FileBytes::whole;
        assert_eq!(
            check_file("a.PNG", whole(&png_bytes), 1 << 20),
            Ok(FileKind::Png)
        );
        assert_eq!(
            check_file("", whole(&two_page_pdf()), 1 << 20),
            Ok(FileKind::Pdf)
        );
        assert_eq!(
            check_file("稿.jpeg", whole(&jpeg(1, 1, 1, 72)), 1 << 20),
            Ok(FileKind::Jpeg)
        );
        // The limit is on the whole file, the kind from its first bytes.
        let beginning = FileBytes {
            head: &png_bytes,
            len: 1 << 20,
        };
        assert_eq!(check_file("a.png", beginning, 1 << 20), Ok(FileKind::Png));
        let errors = check_file("a.png", beginning, (1 << 20) - 1).unwrap_err();
        assert_eq!(
            errors.iter().next().unwrap().message,
            file_too_large((1 << 20) - 1)
        );
        // An .exe renamed .jpg.
        check_refused(
            "setup.jpg",
            b"MZ\x90\0\x03\0\0\0",
            1 << 20,
            "artwork.file_disguised",
        );
        // A PNG named .pdf.
        check_refused("a.pdf", &png_bytes, 1 << 20, "artwork.file_disguised");
        check_refused(
            "setup.exe",
            &png_bytes,
            1 << 20,
            "artwork.file_type_unsupported",
        );
        check_refused("", b"MZ\x90\0", 1 << 20, "artwork.file_type_unsupported");
        check_refused("a.png", &[], 1 << 20, "artwork.file_missing");
        check_refused("a.png", &png_bytes, 10, "artwork.file_too_large");
    }

    #[test]
    fn a_broken_file_is_unreadable_not_a_panic() {
        let mut pdf = two_page_pdf();
        pdf.truncate(40);
        let errors = inspect("a.pdf", FileBytes::whole(&pdf), FileKind::Pdf, 72).unwrap_err();
        assert_eq!(
            errors.iter().next().unwrap().message.key(),
            "artwork.file_unreadable"
        );
        let errors = inspect(
            "a.png",
            FileBytes::whole(b"\x89PNG\r\n\x1a\n"),
            FileKind::Png,
            72,
        )
        .unwrap_err();
        assert_eq!(
            errors.iter().next().unwrap().message.key(),
            "artwork.file_unreadable"
        );
    }

    #[test]
    fn a_large_file_is_read_from_its_beginning_or_kept_unread() {
        let large = MAX_READ_BYTES * 4;
        // An image's header is at its start: read as if whole.
        let image = png(2480, 3508, Some(11811));
        let beginning = FileBytes {
            head: &image,
            len: large,
        };
        let got = inspect("背胶_60x160_3张.png", beginning, FileKind::Png, 72).unwrap();
        assert!(got.read);
        assert_eq!(
            (got.width_px, got.dpi.map(|d| d.x)),
            (Some(2480), Some(300))
        );
        // A beginning that does not hold it: kept unread, the name's hints still given.
        let cut = FileBytes {
            head: b"\x89PNG\r\n\x1a\n",
            len: large,
        };
        let got = inspect("背胶_60x160_3张.png", cut, FileKind::Png, 72).unwrap();
        assert!(!got.read);
        assert_eq!((got.width_mm, got.hints.quantity), (None, Some(3)));
        // A PDF is never parsed from a beginning.
        let pdf = two_page_pdf();
        let got = inspect(
            "a.pdf",
            FileBytes {
                head: &pdf,
                len: large,
            },
            FileKind::Pdf,
            72,
        )
        .unwrap();
        assert!(!got.read && got.pages.is_empty());
    }
}
