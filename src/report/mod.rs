//! `planck report`: the plan as sales managers read it. One model ([`model::Report`]),
//! built once from a compilation, rendered by each back end: `text` (terminal),
//! `markdown` (a pull-request comment), `html` (one self-contained page with inline SVG
//! charts), `csv` (one flat table) and `json` (the model itself). The back ends format
//! numbers; they compute none.

pub mod csv;
pub mod html;
pub mod markdown;
pub mod model;
pub mod table;
pub mod text;

pub use model::{By, Report, build, parse_by};

/// The formats `planck report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Csv,
    Json,
}

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Colour for a terminal (text only).
    pub color: bool,
    /// A byte-order mark before CSV, for spreadsheet programs.
    pub bom: bool,
}

/// Write the report in `format`.
pub fn write(
    report: &Report<'_>,
    format: Format,
    options: RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => out.write_all(text::render(report, options.color).as_bytes()),
        Format::Csv => csv::write(report, options.bom, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            out.write_all(b"\n")
        }
        Format::Markdown => out.write_all(markdown::render(report).as_bytes()),
        Format::Html => out.write_all(html::render(report).as_bytes()),
    }
}
