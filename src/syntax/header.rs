//! Header recovery: an item whose header does not parse (`goal revenue "Revenue" extra {`,
//! `funnel f Sales {`, `team east "East" region east {`) keeps its block.
//!
//! When an item fails to parse, its header (the line of its keyword, up to the `{` that
//! opens its block) is read as the grammar reads it: the keyword, the name and the label,
//! where the item has them. Text left before the `{` is the mistake: it is blanked out
//! (with spaces, so every byte offset stays) and the item parsed again. If it then parses,
//! the header's mistake is its one error and the item is kept, with its name defined and
//! its statements checked; otherwise it is lost as a whole, as before. (The grammar's own
//! error cannot say where such a header stops: pest records only the rules it tried, and
//! after a label the one thing tried is the `{`.)

use super::{PlanParser, Rule, ast, build, scan};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::Parser;
use scan::Keyword;

/// The items of `chunk_text` (at byte `base` of the file) parsed with its header's
/// mistake blanked out, and the diagnostics: the header's first. `error` is the grammar's
/// error for the whole chunk, whose message is kept when it points into the header's
/// mistake (a label without its quotes).
pub(super) fn recover(
    file: FileId,
    base: usize,
    chunk_text: &str,
    error: &pest::error::Error<Rule>,
) -> Option<(Vec<ast::Item>, Vec<Diagnostic>)> {
    let (start, keyword) = header_start(chunk_text)?;
    let header = chunk_text.get(start..)?;
    let open = block_open(header)?;
    let (read, wants_label) = header_read(keyword, header.get(..open)?)?;
    let (from, to) = (start + read, start + open);
    let patched = format!(
        "{}{}{}",
        chunk_text.get(..from)?,
        " ".repeat(to - from),
        chunk_text.get(to..)?
    );
    let mut pairs = PlanParser::parse(Rule::file, &patched).ok()?;
    let file_pair = pairs.next()?;
    let at = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((p, _)) => p,
    };
    let first = if (from..to).contains(&at) {
        super::syntax_error(file, base, chunk_text, error)
    } else {
        let extra = chunk_text.get(from..to)?;
        let lead = extra.len() - extra.trim_start().len();
        let trail = extra.len() - extra.trim_end().len();
        let span = Span::new(file, base + from + lead, base + to - trail);
        let name = scan::name_at_start(header.get(keyword.as_str().len()..)?.trim_start());
        header_error(keyword, name, extra.trim(), span)
    };
    let mut diagnostics = vec![first];
    let mut items = Vec::new();
    let mut builder = build::Builder {
        file,
        base,
        diagnostics: &mut diagnostics,
    };
    builder.items(file_pair, &mut items);
    // One word where the label belongs is the label without its quotes: kept as the
    // label, so the item is not also reported as having none. (A string the grammar
    // refused for its control characters is not.)
    let extra = chunk_text.get(from..to)?;
    let word = extra.trim();
    if wants_label && !word.contains(|c: char| c.is_whitespace() || c.is_control()) {
        let lead = extra.len() - extra.trim_start().len();
        let at = base + from + lead;
        let label = ast::Str {
            value: word.trim_matches(['\'', '"', '‘', '’', '“', '”']).into(),
            span: Span::new(file, at, at + word.len()),
        };
        if let Some(item) = items.first_mut() {
            set_label(item, label);
        }
    }
    Some((items, diagnostics))
}

/// How much of `header` (an item's first line up to its `{`) the grammar reads: the
/// keyword, the name, the label, each where the item has one; and whether a label was
/// due but not found. `None` when the header lacks its name (then nothing is defined to
/// keep) or has nothing more.
fn header_read(keyword: Keyword, header: &str) -> Option<(usize, bool)> {
    let (has_name, has_label) = match keyword {
        Keyword::Plan => (false, true),
        Keyword::Dimension | Keyword::Team | Keyword::Goal | Keyword::Funnel | Keyword::Deal => {
            (true, true)
        }
        Keyword::Grades => (false, false),
        Keyword::Actuals => (true, false),
        Keyword::Include | Keyword::Strategy | Keyword::Rep | Keyword::Stage | Keyword::Deals => {
            return None;
        }
    };
    let mut read = keyword.as_str().len();
    let skip_space = |read: usize| {
        let rest = header.get(read..).unwrap_or("");
        read + rest.len() - rest.trim_start_matches([' ', '\t', ',']).len()
    };
    if has_name {
        read = skip_space(read);
        let name = scan::name_at_start(header.get(read..)?);
        if name.is_empty() {
            return None;
        }
        read += name.len();
    }
    let mut wants_label = has_label;
    if has_label {
        let at = skip_space(read);
        let label = PlanParser::parse(Rule::string, header.get(at..)?)
            .ok()
            .and_then(|mut pairs| pairs.next())
            .map(|pair| pair.as_str().len());
        if let Some(len) = label {
            read = at + len;
            wants_label = false;
        }
    }
    (!header.get(read..)?.trim().is_empty()).then_some((read, wants_label))
}

/// The error of text left over in a header: `goal revenue "Revenue" extra {`.
fn header_error(keyword: Keyword, name: &str, extra: &str, span: Span) -> Diagnostic {
    let form = match keyword {
        Keyword::Plan => "plan \"Name\" {",
        Keyword::Grades => "grades {",
        Keyword::Actuals => "actuals GOAL {",
        _ => "",
    };
    let form = if form.is_empty() {
        format!("{} NAME \"Label\" {{", keyword.as_str())
    } else {
        form.to_string()
    };
    Diagnostic::new(
        Code::Syntax,
        span,
        match keyword {
            Keyword::Plan | Keyword::Grades => {
                format!("unexpected `{extra}` in the header of `{}`", keyword.as_str())
            }
            Keyword::Actuals => format!("unexpected `{extra}` in the header of the actuals of `{name}`"),
            _ => format!("unexpected `{extra}` in the header of {} `{name}`", keyword.as_str()),
        },
    )
    .with_label("not part of the header")
    .with_help(if keyword == Keyword::Goal && super::parse_whole(Rule::period, extra).is_some() {
        format!("a goal's own period is a statement inside its block: `period {extra}`")
    } else {
        format!(
            "the header is `{form}`: remove `{extra}`, or write it inside the block as a statement of its own"
        )
    })
}

/// The offset and keyword of the chunk's item: the first line starting with an item
/// keyword.
fn header_start(chunk_text: &str) -> Option<(usize, Keyword)> {
    let mut offset = 0;
    for line in chunk_text.split_inclusive('\n') {
        let (indent, rest) = scan::indentation(line);
        if let Some((keyword, _)) = Keyword::at_start(rest).filter(|(k, _)| k.starts_item()) {
            return Some((offset + indent, keyword));
        }
        offset += line.len();
    }
    None
}

/// The offset of the `{` on the first line of `header`, outside strings and comments.
fn block_open(header: &str) -> Option<usize> {
    let line = header.split('\n').next()?;
    scan::outside_strings(line)
        .take_while(|&(_, c)| c != '#')
        .find(|&(_, c)| c == '{')
        .map(|(i, _)| i)
}

/// Give an item that has none the label its header meant.
fn set_label(item: &mut ast::Item, label: ast::Str) {
    let slot = match item {
        ast::Item::Plan(x) => &mut x.name,
        ast::Item::Dimension(x) => &mut x.label,
        ast::Item::Team(x) => &mut x.label,
        ast::Item::Goal(x) => &mut x.label,
        ast::Item::Funnel(x) => &mut x.label,
        ast::Item::Deal(x) => &mut x.label,
        ast::Item::Include(_)
        | ast::Item::Strategy(_)
        | ast::Item::Grades(_)
        | ast::Item::Actuals(_)
        | ast::Item::Deals(_) => return,
    };
    if slot.is_none() {
        *slot = Some(label);
    }
}
