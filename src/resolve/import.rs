//! Deals and actuals read from exported files (a CRM's opportunities, an ERP's bookings,
//! a spreadsheet): `deals from "FILE" { mapping }`, `actuals GOAL from "FILE" { mapping }`,
//! and `actuals GOAL from "FILE"` with planck's own columns.
//!
//! The file is read one record at a time with borrowed fields; a cell names a member,
//! rep, stage or grade by its name or label (exactly, else ignoring case when that is
//! unique); numbers and dates go through the same reader as the plan's own. A message is
//! built only for a cell that is wrong, and names the file, row, column and header. Actual
//! rows of the same period and members are added up as they are read, so a file of a
//! million rows is held as the few thousand sums a plan can use.

use super::csv::{self, Field, Record};
use super::{NameKind, Resolver, first};
use crate::diagnostic::{Code, Diagnostic};
use crate::hash::Map;
use crate::model::{self, *};
use crate::period::{self, Period};
use crate::source::{FileId, Span};
use crate::suggest::Suggester;
use crate::syntax::{ast, literal};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::borrow::Cow;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Name,
    Owner,
    Stage,
    Amount,
    Close,
    Opened,
    Grade,
    Period,
    Rep,
    Member(DimId),
}

impl Target {
    fn word(self) -> &'static str {
        match self {
            Target::Name => "name",
            Target::Owner => "owner",
            Target::Stage => "stage",
            Target::Amount => "amount",
            Target::Close => "close",
            Target::Opened => "opened",
            Target::Grade => "grade",
            Target::Period => "period",
            Target::Rep => "rep",
            Target::Member(_) => "member",
        }
    }
}

/// The fields a deals mapping may name besides dimensions.
const DEAL_FIELDS: &[(&str, Target)] = &[
    ("name", Target::Name),
    ("owner", Target::Owner),
    ("stage", Target::Stage),
    ("amount", Target::Amount),
    ("close", Target::Close),
    ("opened", Target::Opened),
    ("grade", Target::Grade),
];

/// The fields an actuals mapping may name besides dimensions.
const ACTUAL_FIELDS: &[(&str, Target)] = &[
    ("period", Target::Period),
    ("amount", Target::Amount),
    ("rep", Target::Rep),
];

/// The statements of a mapping that are not a field and its column.
const MAPPING_STATEMENTS: &[&str] = &["funnel", "dates", "missing", "where", "skip"];

/// Which column holds what, and the rules of the file.
struct Layout {
    /// (column index, what it holds), in the order of the header.
    columns: Vec<(usize, Target)>,
    filters: Vec<RowFilter>,
    dates: Option<DateFormat>,
    /// `skip footer`: a trailing block of rows holding at most a first cell is left out.
    skip_footer: bool,
    missing_amount: bool,
    missing_close: bool,
    /// The currency amounts are in: a cell naming another is refused.
    currency: Option<String>,
}

impl Layout {
    fn has(&self, target: Target) -> bool {
        self.columns.iter().any(|(_, t)| *t == target)
    }
}

/// A mapping's `where`, ready for every row.
struct RowFilter {
    column: usize,
    op: ast::FilterOp,
    value: Compared,
    /// The filter as written, for messages: `where Date >= 2026-01-01`.
    written: String,
}

/// What a filter compares each cell with.
enum Compared {
    /// Text, equal exactly or else ignoring case, as a cell matches a name.
    Text { exact: String, folded: String },
    /// A date: the cell is read with the mapping's `dates`.
    Date(NaiveDate),
    /// An amount: the cell is read as an amount cell is.
    Amount(Decimal),
}

/// Whether `cell` is `exact` exactly or ignoring case (`folded` is `exact` lower-cased
/// character by character, as the cell is).
fn same_text(cell: &str, exact: &str, folded: &str) -> bool {
    cell == exact || cell.chars().flat_map(char::to_lowercase).eq(folded.chars())
}

/// Why a cell names nothing.
enum Miss {
    Unknown,
    Ambiguous(Vec<String>),
}

/// Names and labels of one kind of thing (a dimension's members, the reps, a funnel's
/// stages, the grades), for cells: exact first, then ignoring case when that is unique.
struct Lookup<T> {
    /// What the names are, for messages: "member of `region`".
    noun: String,
    exact: Map<String, T>,
    /// Lower-case names and labels, with the values and names they stand for.
    folded: Map<String, Vec<(T, String)>>,
    /// Every name, for "did you mean", and its index, built at the first miss.
    names: Vec<String>,
    suggester: Option<Suggester>,
}

impl<T: Copy + PartialEq> Lookup<T> {
    /// `entries`: each value with its name and label. Names win over labels.
    fn new<'a>(noun: String, entries: impl Iterator<Item = (T, &'a str, Option<&'a str>)>) -> Self {
        let mut lookup = Lookup {
            noun,
            exact: Map::default(),
            folded: Map::default(),
            names: Vec::new(),
            suggester: None,
        };
        let entries: Vec<(T, &str, Option<&str>)> = entries.collect();
        for &(value, name, _) in &entries {
            lookup.exact.entry(name.to_string()).or_insert(value);
            lookup.names.push(name.to_string());
        }
        // A label two things share names neither: it is left to the case-insensitive
        // match, which lists both.
        let mut shared: Vec<String> = Vec::new();
        for &(value, name, label) in &entries {
            if let Some(label) = label {
                let is_a_name = entries.iter().any(|&(_, n, _)| n == label);
                match lookup.exact.get(label) {
                    Some(&other) if other != value && !is_a_name => shared.push(label.to_string()),
                    Some(_) => {}
                    None => {
                        lookup.exact.insert(label.to_string(), value);
                    }
                }
            }
            for text in std::iter::once(name).chain(label) {
                let candidates = lookup.folded.entry(text.to_lowercase()).or_default();
                if !candidates.iter().any(|(v, _)| *v == value) {
                    candidates.push((value, name.to_string()));
                }
            }
        }
        for label in shared {
            lookup.exact.remove(&label);
        }
        lookup
    }

    fn find(&mut self, text: &str) -> Result<T, Miss> {
        if let Some(&value) = self.exact.get(text) {
            return Ok(value);
        }
        match self.folded.get(&text.to_lowercase()).map(Vec::as_slice) {
            Some([(value, _)]) => {
                // Remembered, so the next row that writes it so costs one lookup.
                self.exact.insert(text.to_string(), *value);
                Ok(*value)
            }
            Some(many) if !many.is_empty() => Err(Miss::Ambiguous(
                many.iter().map(|(_, n)| n.clone()).collect(),
            )),
            _ => Err(Miss::Unknown),
        }
    }
}

/// A cell resolved through its lookup (none when the file has no such column), or the
/// diagnostic for a cell that names nothing or, ignoring case, several things.
fn resolve_cell<T: Copy + PartialEq>(
    lookup: Option<&mut Lookup<T>>,
    field: &Field<'_>,
) -> Result<Option<T>, Option<Box<Diagnostic>>> {
    let Some(lookup) = lookup else {
        return Ok(None);
    };
    let text = field.text.as_ref();
    let miss = match lookup.find(text) {
        Ok(value) => return Ok(Some(value)),
        Err(miss) => miss,
    };
    let noun = &lookup.noun;
    Err(Some(Box::new(match miss {
        Miss::Ambiguous(candidates) => {
            let listed: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
            Diagnostic::new(
                Code::AmbiguousMember,
                field.span,
                format!(
                    "`{text}` matches more than one {noun} when case is ignored: {}",
                    listed.join(", ")
                ),
            )
            .with_label("which one?")
            .with_help("write the name or label exactly as the plan does")
        }
        Miss::Unknown => {
            let names = &lookup.names;
            let suggester = lookup
                .suggester
                .get_or_insert_with(|| Suggester::new(names.iter().map(String::as_str)));
            let help = match suggester.suggest(text) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "a cell holds the name or the label of a {noun}; add `{text}` to the plan if it is new"
                ),
            };
            Diagnostic::new(
                Code::UnresolvedName,
                field.span,
                format!("no {noun} named `{text}`"),
            )
            .with_label("unknown name")
            .with_help(help)
        }
    })))
}

/// A stage cell's lookup: the funnel's stages and lost outcomes by name and label. Every
/// stage cell is resolved through it.
fn stage_lookup(funnel: &model::Funnel) -> Lookup<StageRef> {
    let stages = funnel
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| (StageRef::Stage(i), s.name.as_str(), s.label.as_deref()));
    let outcomes = funnel
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| (StageRef::Lost(i), o.name.as_str(), o.label.as_deref()));
    Lookup::new(
        format!("stage of funnel `{}`", funnel.name),
        stages.chain(outcomes),
    )
}

/// The currency a cell names by symbol or code, before or after its number, and the
/// number's text. `¥` (or `￥`) stands for yuan or yen: it matches either.
fn split_currency(text: &str) -> (Option<&str>, &str) {
    const SYMBOLS: &[(&str, &str)] = &[
        ("US$", "USD"),
        ("$", "USD"),
        ("€", "EUR"),
        ("£", "GBP"),
        // The yen and the yuan share a sign, in either width: it is whichever of the
        // two the amounts are in.
        ("￥", "¥"),
        ("¥", "¥"),
        ("₹", "INR"),
        ("₩", "KRW"),
    ];
    let text = text.trim();
    for (symbol, code) in SYMBOLS {
        if let Some(rest) = text.strip_prefix(symbol) {
            return (Some(code), rest.trim_start());
        }
        if let Some(rest) = text.strip_suffix(symbol) {
            return (Some(code), rest.trim_end());
        }
    }
    let is_code = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase());
    if let Some(code) = text.get(..3).filter(|c| is_code(c))
        && let Some(rest) = text.get(3..)
        && !rest.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return (Some(code), rest.trim_start());
    }
    if text.len() > 3
        && let Some(code) = text.get(text.len() - 3..).filter(|c| is_code(c))
        && let Some(rest) = text.get(..text.len() - 3)
        && !rest.ends_with(|c: char| c.is_ascii_alphabetic())
    {
        return (Some(code), rest.trim_end());
    }
    (None, text)
}

/// Why an amount cell could not be read.
enum AmountError {
    Separators,
    NotANumber,
    TooLarge,
}

/// The sign of an amount written around its number: `-1,000`, the accounting
/// `(1,000)`, or the trailing minus some ERPs write, `1,000-`. The text without it.
fn strip_sign(text: &str) -> (bool, &str) {
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        return (true, inner.trim());
    }
    if let Some(rest) = text.strip_prefix('-') {
        return (true, rest.trim_start());
    }
    match text.strip_suffix('-') {
        Some(rest) => (true, rest.trim_end()),
        None => (false, text),
    }
}

/// An amount cell: thousands separators in groups of three, a currency before or after
/// (`$1,200`, `1,200 USD`, `¥12万`, `EUR 5k`, `-$300`), the scales of the language; a
/// negative amount also as accountants and ERPs write it: `(1,000.00)`, `1,000-`.
fn read_amount(text: &str) -> Result<(Decimal, Option<&str>), AmountError> {
    let text = text.trim();
    match plain_amount(text) {
        Some(amount) => Ok(amount),
        None => read_any_amount(text),
    }
}

/// The usual amount cell, a whole number of at most 18 digits, in thousands or not, in
/// dollars or no currency named (`1200`, `$1,200`), read as [`read_any_amount`] reads
/// it but without its general steps; `None` for any other cell.
fn plain_amount(text: &str) -> Option<(Decimal, Option<&str>)> {
    let (currency, digits) = match text.strip_prefix('$') {
        Some(rest) => (Some("USD"), rest),
        None => (None, text),
    };
    let bytes = digits.as_bytes();
    let grouped = bytes.contains(&b',');
    let mut value: u64 = 0;
    let mut count = 0;
    // The digits of the group being read, and whether it is the first.
    let (mut group, mut first) = (0, true);
    for &b in bytes {
        if b.is_ascii_digit() {
            // `0,500` is no amount: a first group starting with 0.
            if grouped && first && group == 0 && b == b'0' {
                return None;
            }
            value = value * 10 + u64::from(b - b'0');
            count += 1;
            group += 1;
            if count > 18 {
                return None;
            }
        } else if b == b','
            && (if first {
                (1..=3).contains(&group)
            } else {
                group == 3
            })
        {
            first = false;
            group = 0;
        } else {
            return None;
        }
    }
    let whole_groups = !grouped || group == 3;
    (count > 0 && whole_groups).then(|| (Decimal::from(value), currency))
}

/// Any amount cell (see [`read_amount`]), its white space trimmed.
fn read_any_amount(text: &str) -> Result<(Decimal, Option<&str>), AmountError> {
    let (outer, unsigned) = strip_sign(text);
    let (currency, number) = split_currency(unsigned);
    let (inner, number) = strip_sign(number.trim());
    // One sign: `-(5)` or `$-5-` says nothing sure.
    if (outer && inner) || number.starts_with(['-', '+', '(']) || number.ends_with(['-', ')']) {
        return Err(AmountError::NotANumber);
    }
    let negative = outer || inner;
    let clean = csv::without_thousands(number).ok_or(AmountError::Separators)?;
    let value = literal::number(&clean).map_err(|e| match e {
        literal::NumberError::NotANumber => AmountError::NotANumber,
        _ => AmountError::TooLarge,
    })?;
    Ok((if negative { -value } else { value }, currency))
}

/// A mapping's `dates` format, parsed once for every cell.
struct DateFormat {
    text: String,
    items: Vec<chrono::format::Item<'static>>,
    /// The format as fixed-width pieces, when it is only `%Y`, `%m`, `%d` (or `%F`) and
    /// single-byte separators: most cells are then read without chrono's parser.
    fixed: Option<Vec<DatePiece>>,
}

/// A piece of a fixed-width date format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DatePiece {
    /// Four digits.
    Year,
    /// Two digits.
    Month,
    /// Two digits.
    Day,
    /// This byte, which is not a digit, `%` or white space.
    Byte(u8),
}

impl DatePiece {
    /// The pieces of `text`, if it is made of nothing else and names the year, month and
    /// day once each, each followed by a separator or the end. On a cell these pieces
    /// read, chrono reads the same date: the fast path never reads a cell it would not.
    fn of(text: &str) -> Option<Vec<DatePiece>> {
        let mut pieces = Vec::new();
        let mut bytes = text.bytes();
        while let Some(b) = bytes.next() {
            if b == b'%' {
                match bytes.next()? {
                    b'Y' => pieces.push(DatePiece::Year),
                    b'm' => pieces.push(DatePiece::Month),
                    b'd' => pieces.push(DatePiece::Day),
                    b'F' => pieces.extend([
                        DatePiece::Year,
                        DatePiece::Byte(b'-'),
                        DatePiece::Month,
                        DatePiece::Byte(b'-'),
                        DatePiece::Day,
                    ]),
                    _ => return None,
                }
            } else if b.is_ascii_graphic() && !b.is_ascii_digit() {
                pieces.push(DatePiece::Byte(b));
            } else {
                return None;
            }
        }
        let once = |p: DatePiece| pieces.iter().filter(|&&q| q == p).count() == 1;
        let separated = pieces
            .windows(2)
            .all(|w| matches!(w, [_, DatePiece::Byte(_)] | [DatePiece::Byte(_), _]));
        (once(DatePiece::Year) && once(DatePiece::Month) && once(DatePiece::Day) && separated)
            .then_some(pieces)
    }
}

/// A cell read by fixed-width pieces: `None` when it does not fit them exactly (then
/// chrono reads it, to accept or reject it as it always does).
fn read_fixed_date(text: &str, pieces: &[DatePiece]) -> Option<NaiveDate> {
    fn digits(bytes: &[u8]) -> Option<u32> {
        bytes.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    }
    let bytes = text.as_bytes();
    let (mut year, mut month, mut day) = (0, 0, 0);
    let mut at = 0;
    for piece in pieces {
        match *piece {
            DatePiece::Byte(b) => {
                if bytes.get(at) != Some(&b) {
                    return None;
                }
                at += 1;
            }
            DatePiece::Year => {
                year = digits(bytes.get(at..at + 4)?)?;
                at += 4;
            }
            DatePiece::Month => {
                month = digits(bytes.get(at..at + 2)?)?;
                at += 2;
            }
            DatePiece::Day => {
                day = digits(bytes.get(at..at + 2)?)?;
                at += 2;
            }
        }
    }
    // What chrono accepts after the date: nothing, or a time.
    if !matches!(bytes.get(at), None | Some(b' ' | b'T')) || year < 1000 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

impl DateFormat {
    /// `None` unless the format is one chrono reads, with a day in it.
    fn new(text: &str) -> Option<DateFormat> {
        let items = chrono::format::StrftimeItems::new(text)
            .parse_to_owned()
            .ok()?;
        let has_day = ["%d", "%e", "%j", "%F", "%D", "%x", "%v"]
            .iter()
            .any(|s| text.contains(s));
        has_day.then(|| DateFormat {
            text: text.to_string(),
            items,
            fixed: DatePiece::of(text),
        })
    }
}

/// A date cell: in the file's `dates` format, else ISO (`2026-03-15`, also with a time
/// after it, as exports often write).
fn read_date(text: &str, format: Option<&DateFormat>) -> Option<NaiveDate> {
    if let Some(format) = format {
        if let Some(date) = format
            .fixed
            .as_deref()
            .and_then(|pieces| read_fixed_date(text, pieces))
        {
            return Some(date);
        }
        let mut parsed = chrono::format::Parsed::new();
        let rest =
            chrono::format::parse_and_remainder(&mut parsed, text, format.items.iter()).ok()?;
        if !(rest.is_empty() || rest.starts_with([' ', 'T'])) {
            return None;
        }
        // `%Y` takes any number of digits: `26` would be the year 26, not 2026.
        return parsed.to_naive_date().ok().filter(|d| d.year() >= 1000);
    }
    let day = match text.get(10..) {
        Some(rest) if rest.starts_with([' ', 'T']) => text.get(..10)?,
        _ => text,
    };
    match literal::period_atom(day)? {
        ast::PeriodAtomKind::Date(y, m, d) => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    }
}

/// What one row of a file means, while it is read.
#[derive(Default)]
struct Row<'t> {
    name: Option<(Cow<'t, str>, Span)>,
    owner: Option<RepId>,
    stage: Option<StageRef>,
    amount: Option<(Decimal, Span)>,
    close: Option<(NaiveDate, Span)>,
    opened: Option<NaiveDate>,
    grade: Option<GradeId>,
    period: Option<Period>,
    /// Few: kept inline, so a row's members cost no allocation.
    coords: Coords,
}

type Coords = smallvec::SmallVec<[MemberRef; 4]>;

/// The deal names of one file, to find repeated ones. A name is not copied: each row's
/// name is kept as a 32-bit hash, its line and where its cell starts and ends (16 bytes),
/// and re-read from the file only to compare two names of the same hash. The repeats
/// are found once every row is read, by sorting these entries by hash and then line: a
/// sort walks the list in order, where a hash table would be read at random, a cache
/// miss a row. Each name after the first row of that name is a repeat of that row.
struct DealNames<'t> {
    file: FileId,
    text: &'t str,
    hasher: foldhash::fast::RandomState,
    seen: Vec<SeenName>,
}

/// A row's name: its hash in the high 32 bits of `key` and its line in the low 32, so
/// that sorting by `key` puts a name's rows together and in file order.
#[derive(Clone, Copy)]
struct SeenName {
    key: u64,
    start: u32,
    end: u32,
}

impl SeenName {
    fn line(self) -> usize {
        self.key as u32 as usize
    }

    fn span(self, file: FileId) -> Span {
        Span::new(file, self.start as usize, self.end as usize)
    }
}

/// A row whose deal name an earlier row of the file already has.
struct RepeatedName {
    line: usize,
    cell: Span,
    first_line: usize,
    first_cell: Span,
}

impl<'t> DealNames<'t> {
    /// For a file of `lines` lines: it has at most one name per line, and one more.
    fn new(file: FileId, text: &'t str, lines: usize) -> DealNames<'t> {
        DealNames {
            file,
            text,
            hasher: foldhash::fast::RandomState::default(),
            seen: Vec::with_capacity(lines.saturating_add(1)),
        }
    }

    /// Record `name`, read on `line` from `cell`. Lines are recorded in increasing order.
    fn add(&mut self, name: &str, line: usize, cell: Span) {
        use std::hash::BuildHasher;
        let hash = self.hasher.hash_one(name) >> 32;
        if let (Ok(line), Ok(start), Ok(end)) = (
            u32::try_from(line),
            u32::try_from(cell.start()),
            u32::try_from(cell.end()),
        ) {
            self.seen.push(SeenName {
                key: hash << 32 | u64::from(line),
                start,
                end,
            });
        }
    }

    /// Every row whose name an earlier row has, in file order, with the first row of
    /// that name.
    fn repeats(mut self) -> Vec<RepeatedName> {
        self.seen.sort_unstable_by_key(|s| s.key);
        let mut repeats = Vec::new();
        // The first rows of the distinct names within one run of equal hashes (nearly
        // always one), with their text.
        let mut firsts: Vec<(SeenName, Cow<'t, str>, usize)> = Vec::new();
        for run in self.seen.chunk_by(|a, b| a.key >> 32 == b.key >> 32) {
            if run.len() < 2 {
                continue;
            }
            firsts.clear();
            for &seen in run {
                let Some((text, end)) = csv::field_at(self.file, self.text, seen.start as usize)
                else {
                    continue;
                };
                match firsts.iter().find(|(_, t, _)| *t == text) {
                    Some(&(first, _, first_end)) => repeats.push(RepeatedName {
                        line: seen.line(),
                        cell: seen.span(self.file),
                        first_line: first.line(),
                        first_cell: Span::new(self.file, first.start as usize, first_end),
                    }),
                    None => firsts.push((seen, text, end)),
                }
            }
        }
        repeats.sort_unstable_by_key(|r| r.line);
        repeats
    }
}

/// The text of column `i`'s header, or nothing.
fn header_of<'h>(header: &'h [Field<'_>], i: usize) -> &'h str {
    header.get(i).map_or("", |h| h.text.as_ref())
}

/// The row and column of a cell, for messages: `crm.csv row 12, column 3 (\`Stage\`)`.
fn at(file: &str, record: Record, column: usize, header: &str) -> String {
    format!(
        "{file} row {}, column {} (`{header}`)",
        record.line,
        column + 1
    )
}

/// Where a row's cell of `target` is, for a message: its span and its file, row, column
/// and header; the whole row when the file has no such column.
fn cell_of(
    record: Record,
    fields: &[Field<'_>],
    header: &[Field<'_>],
    layout: &Layout,
    target: Target,
    written: &str,
) -> (Span, String) {
    let column = layout
        .columns
        .iter()
        .find(|(_, t)| *t == target)
        .map(|&(i, _)| i);
    match column {
        Some(i) => (
            fields.get(i).map_or(record.span, |f| f.span),
            at(
                written,
                record,
                i,
                header.get(i).map_or("", |h| h.text.as_ref()),
            ),
        ),
        None => (record.span, format!("{written} row {}", record.line)),
    }
}

fn prefixed(mut diagnostic: Diagnostic, where_: &str) -> Diagnostic {
    diagnostic.message = format!("{where_}: {}", diagnostic.message);
    diagnostic
}

/// What every row of a file is read with.
struct Rows<'a, 't> {
    header: &'a [Field<'t>],
    layout: &'a Layout,
    /// The file as the plan names it, for messages.
    written: &'a str,
}

/// The lookups a file's cells are resolved with, built once per file.
struct Lookups {
    reps: Option<Lookup<RepId>>,
    stages: Option<Lookup<StageRef>>,
    grades: Option<Lookup<GradeId>>,
    members: Map<DimId, Lookup<MemberId>>,
}

impl<'s> Resolver<'s> {
    /// The text of a data file loaded for `written` (the path string's span), if it
    /// could be read; its reading errors were reported when loading.
    fn data_text(
        &self,
        file: &super::load::LoadedFile,
        written: Span,
    ) -> Option<(FileId, &'s str)> {
        let id = file
            .data
            .iter()
            .find(|(span, _)| *span == written)
            .map(|(_, id)| *id)?;
        let sources = self.sources?;
        Some((id, sources.get(id)?.text.as_ref()))
    }

    /// `deals from "FILE" { mapping }`.
    pub(super) fn import_deals(&mut self, deals: &ast::Deals, file: &super::load::LoadedFile) {
        let Some((data, text)) = self.data_text(file, deals.path.span) else {
            return;
        };
        let mapping = &deals.mapping;
        self.report_repeats(&mapping.funnel, "funnel");
        let funnel = match first(&mapping.funnel) {
            Some(name) => match self.funnels.get(name.text.as_str()) {
                Some(&id) => Some(id),
                None => {
                    self.unresolved(name, NameKind::Funnel, None);
                    return;
                }
            },
            None if self.model.funnels.len() == 1 => Some(FunnelId(0)),
            None => None,
        };
        let mut reader = csv::Reader::new(data, text);
        let mut header = Vec::new();
        let Some(mut layout) = self.layout(&mut reader, &mut header, mapping, DEAL_FIELDS, data)
        else {
            return;
        };
        let unit = self.deal_unit(funnel);
        layout.currency = Some(unit.clone()).filter(|u| is_currency(u));
        if !layout.has(Target::Name) {
            self.push(
                Diagnostic::new(
                    Code::Syntax,
                    mapping.span,
                    "the mapping does not say which column holds each deal's name",
                )
                .with_label("no `name`")
                .with_help("add `name COLUMN`: the column of a unique id or name, e.g. `name \"Opportunity ID\"`"),
            );
            return;
        }
        if !layout.has(Target::Stage) {
            self.push(
                Diagnostic::new(
                    Code::Syntax,
                    mapping.span,
                    "the mapping does not say which column holds each deal's stage",
                )
                .with_label("no `stage`")
                .with_help("add `stage COLUMN`: a deal's stage says whether it is open, won or lost, e.g. `stage \"Deal Stage\"`"),
            );
            return;
        }
        if funnel.is_none() {
            self.push(
                Diagnostic::new(
                    Code::Syntax,
                    mapping.span,
                    "the mapping does not say which funnel the deals' stages belong to",
                )
                .with_label("no `funnel`")
                .with_help("add `funnel NAME` to the mapping"),
            );
            return;
        }
        let mut lookups = self.lookups(&layout, funnel);
        let written = deals.path.value.as_str();
        let as_of = self.model.plan.as_of;
        // One deal a line: room for them all at once, rather than growing a large map
        // and list step by step.
        let lines = text.bytes().filter(|&b| b == b'\n').count();
        let mut names = DealNames::new(data, text, lines);
        self.model.deals.reserve(lines, 0);
        let rows = Rows {
            header: &header,
            layout: &layout,
            written,
        };
        let deals_before = self.model.deals.len();
        // The rows that reported something once named, by line, with the range of
        // `diagnostics` they pushed: taken back if the row's name turns out repeated.
        let mut reported: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        let add_deal =
            |this: &mut Self, record: Record, row: Row<'_>, fields: &[Field<'_>], name: &str| {
                let funnel_model = funnel.and_then(|f| this.model.funnels.get(f.index()));
                if row.stage.is_none() {
                    this.empty_cell(record, fields, &rows, Target::Stage, DealState::Open, false);
                    return;
                }
                let state = funnel_model
                    .zip(row.stage)
                    .map_or(DealState::Open, |(f, s)| f.state(s));
                let open = state == DealState::Open;
                let mut amount = row.amount.map(|(v, _)| v);
                let mut close = row.close.map(|(d, _)| d);
                // A closed deal is history: its amount and close date are what happened, so
                // they are never estimated. A lost deal's amount may be empty.
                let unknown = if close.is_none() && !open {
                    Some(Target::Close)
                } else if amount.is_none() && state == DealState::Won {
                    Some(Target::Amount)
                } else {
                    None
                };
                if let Some(target) = unknown {
                    this.empty_cell(record, fields, &rows, target, state, false);
                    return;
                }
                if open && amount.is_none() {
                    match funnel_model.and_then(|f| f.deal_size.as_ref()) {
                        Some(size) if layout.missing_amount => amount = Some(size.value),
                        _ => {
                            this.empty_cell(
                                record,
                                fields,
                                &rows,
                                Target::Amount,
                                state,
                                layout.missing_amount,
                            );
                            return;
                        }
                    }
                }
                if open && close.is_none() {
                    let estimate = funnel_model
                        .filter(|_| layout.missing_close)
                        .and_then(|f| estimated_close(f, row.stage, row.opened, as_of));
                    match estimate {
                        Some(date) => close = Some(date),
                        None => {
                            this.empty_cell(
                                record,
                                fields,
                                &rows,
                                Target::Close,
                                state,
                                layout.missing_close,
                            );
                            return;
                        }
                    }
                }
                let mut opened = row.opened;
                if let (Some(o), Some(c)) = (opened, close)
                    && o > c
                {
                    let (span, where_) = cell_of(
                        record,
                        fields,
                        rows.header,
                        rows.layout,
                        Target::Opened,
                        rows.written,
                    );
                    this.invalid(
                    span,
                    format!("{where_}: the deal was opened on {o}, after it closes on {c}"),
                    "`opened` is the day the deal entered the funnel: on or before its close date",
                );
                    opened = None;
                }
                let coords: model::DealCoords = row
                    .coords
                    .iter()
                    .filter_map(|m| match *m {
                        MemberRef::User(dim, member) => Some(Coord { dim, member }),
                        _ => None,
                    })
                    .collect();
                this.model.deals.push(model::Deal {
                    name,
                    label: None,
                    owner: row.owner,
                    funnel,
                    stage: row.stage,
                    stage_invalid: false,
                    grade: row.grade,
                    amount: amount.map(|value| model::DealAmount { value, unit: &unit }),
                    close,
                    close_span: Some(row.close.map_or(record.span, |(_, s)| s)),
                    opened,
                    coords: &coords,
                    span: record.span,
                });
            };
        self.for_each_row(
            &mut reader,
            &rows,
            &mut lookups,
            |this, record, row, fields| {
                let Some((name, name_span)) = row.name.clone() else {
                    return;
                };
                names.add(&name, record.line, name_span);
                let before = this.diagnostics.len();
                add_deal(this, record, row, fields, &name);
                if this.diagnostics.len() > before {
                    reported.push((record.line, before..this.diagnostics.len()));
                }
            },
        );
        let repeats = names.repeats();
        if !repeats.is_empty() {
            self.drop_repeated_deals(&repeats, &reported, deals_before, data, text, written);
        }
    }

    /// A deal named again in its file is reported and dropped, with all it reported:
    /// as if its row had stopped at its name, and whatever the row holds, each deal of
    /// a file counts once.
    fn drop_repeated_deals(
        &mut self,
        repeats: &[RepeatedName],
        reported: &[(usize, std::ops::Range<usize>)],
        deals_before: usize,
        data: FileId,
        text: &str,
        written: &str,
    ) {
        let mut taken_back = vec![false; self.diagnostics.len()];
        for repeat in repeats {
            if let Ok(i) = reported.binary_search_by_key(&repeat.line, |(line, _)| *line)
                && let Some((_, range)) = reported.get(i)
            {
                for taken in taken_back.get_mut(range.clone()).into_iter().flatten() {
                    *taken = true;
                }
            }
        }
        let mut index = 0;
        self.diagnostics.retain(|_| {
            index += 1;
            !taken_back.get(index - 1).copied().unwrap_or(false)
        });
        // The deals of this file are in file order, as are the repeats: a deal is a
        // repeat's when its row's span holds the repeated name.
        let mut dropped = vec![false; self.model.deals.len()];
        let mut next = repeats.iter().peekable();
        for (i, deal) in self.model.deals.iter().enumerate().skip(deals_before) {
            while next
                .peek()
                .is_some_and(|r| r.cell.start() < deal.span.start())
            {
                next.next();
            }
            if let Some(repeat) = next.peek()
                && deal.span.file == data
                && repeat.cell.start() < deal.span.end()
                && let Some(flag) = dropped.get_mut(i)
            {
                *flag = true;
            }
        }
        if dropped.contains(&true) {
            self.model
                .deals
                .retain_indices(|i| !dropped.get(i).copied().unwrap_or(false));
        }
        for repeat in repeats {
            let name = csv::field_at(data, text, repeat.cell.start())
                .map_or_else(|| Cow::Borrowed(""), |(name, _)| name);
            self.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    repeat.cell,
                    format!(
                        "{written}: deal `{name}` is in row {} and again in row {}",
                        repeat.first_line, repeat.line
                    ),
                )
                .with_label("named again")
                .with_secondary(repeat.first_cell, "first here")
                .with_help("each deal is one row: remove the repeated row, or map `name` to a column that is unique"),
            );
        }
    }

    /// The unit of imported deals' amounts: the funnel's deal size's, else the plan's
    /// currency.
    fn deal_unit(&self, funnel: Option<FunnelId>) -> String {
        funnel
            .and_then(|f| self.model.funnels.get(f.index()))
            .and_then(|f| f.deal_size.as_ref())
            .map(|a| a.unit.to_string())
            .or_else(|| self.model.plan.currency.clone())
            .unwrap_or_default()
    }

    /// Report a deal's empty stage, amount or close date (or a missing column).
    #[allow(clippy::too_many_arguments)]
    fn empty_cell(
        &mut self,
        record: Record,
        fields: &[Field<'_>],
        rows: &Rows<'_, '_>,
        target: Target,
        state: DealState,
        estimated: bool,
    ) {
        let what = match target {
            Target::Close => "close date",
            _ => target.word(),
        };
        let help = match (target, state, estimated) {
            (Target::Stage, ..) => {
                "fill the cell with a stage or outcome of the funnel: without one, whether the deal is open, won or lost is not known"
            }
            (_, DealState::Won | DealState::Lost, _) => {
                "fill the cell: a closed deal's amount and close date are what happened, and planck does not estimate them"
            }
            (Target::Amount, _, false) => {
                "fill the cell, or add `missing amount deal_size` to take the funnel's deal size"
            }
            (Target::Amount, _, true) => "fill the cell, or give the funnel a `deal_size`",
            (_, _, false) => {
                "fill the cell, or add `missing close cycle` to estimate it from the funnel's dwell times"
            }
            _ => "fill the cell, or give the plan an `as_of` and the funnel's stages their `dwell`",
        };
        let (span, where_) = cell_of(
            record,
            fields,
            rows.header,
            rows.layout,
            target,
            rows.written,
        );
        let deal = match (target, state) {
            (Target::Stage, _) => "this deal",
            (_, DealState::Won) => "this won deal",
            (_, DealState::Lost) => "this lost deal",
            (_, DealState::Open) => "this open deal",
        };
        self.push(
            Diagnostic::new(
                Code::InvalidValue,
                span,
                format!("{where_}: {deal} has no {what}"),
            )
            .with_label(format!("no {what}"))
            .with_help(help),
        );
    }

    /// `actuals GOAL from "FILE" { mapping }`, or without a mapping planck's own
    /// columns: `period`, `amount`, one per dimension.
    pub(super) fn import_actuals(
        &mut self,
        goal: GoalId,
        path: &ast::Str,
        mapping: Option<&ast::Mapping>,
        file: &super::load::LoadedFile,
    ) -> Vec<ActualRow> {
        let Some((data, text)) = self.data_text(file, path.span) else {
            return Vec::new();
        };
        // Statements of a deals mapping mean nothing to actual rows.
        let deal_only = mapping.into_iter().flat_map(|m| {
            let funnel = m.funnel.iter().map(|f| (f.keyword, "funnel"));
            funnel.chain(m.missing.iter().map(|f| (f.keyword, "missing")))
        });
        let deal_only: Vec<(Span, &str)> = deal_only.collect();
        for (span, word) in deal_only {
            self.invalid(
                span,
                format!("`{word}` is for deals: actual rows have no funnel"),
                format!("remove `{word}`; an empty amount or period is reported"),
            );
        }
        let mut reader = csv::Reader::new(data, text);
        let mut header = Vec::new();
        let layout = match mapping {
            Some(mapping) => self.layout(&mut reader, &mut header, mapping, ACTUAL_FIELDS, data),
            None => self.own_columns(&mut reader, &mut header, data),
        };
        let Some(mut layout) = layout else {
            return Vec::new();
        };
        for needed in [Target::Period, Target::Amount] {
            if !layout.has(needed) {
                let word = needed.word();
                let (span, help) = match mapping {
                    Some(m) => (m.span, format!("add `{word} COLUMN` to the mapping")),
                    None => (
                        header.first().map_or(Span::new(data, 0, 0), |f| f.span),
                        "the header names `period`, one column per dimension, and `amount`, e.g. `period,region,rep,amount`".to_string(),
                    ),
                };
                self.push(
                    Diagnostic::new(
                        Code::Syntax,
                        span,
                        format!(
                            "{} has no `{word}` column",
                            if mapping.is_some() {
                                "the mapping"
                            } else {
                                "the CSV header"
                            }
                        ),
                    )
                    .with_label(if mapping.is_some() {
                        "mapping"
                    } else {
                        "header"
                    })
                    .with_help(help),
                );
                return Vec::new();
            }
        }
        let unit = self
            .model
            .goals
            .get(goal.index())
            .and_then(|g| g.target.as_ref())
            .map(|t| t.unit.to_string())
            .or_else(|| self.model.plan.currency.clone());
        layout.currency = unit.filter(|u| is_currency(u));
        let mut lookups = self.lookups(&layout, None);
        let written = path.value.as_str();
        // Rows of the same period and members are one sum: per-row data is not needed.
        let mut sums: Map<(Period, Coords), usize> = Map::default();
        let mut out: Vec<ActualRow> = Vec::new();
        let rows = Rows {
            header: &header,
            layout: &layout,
            written,
        };
        self.for_each_row(&mut reader, &rows, &mut lookups, |this, record, row, _| {
            let (Some(period), Some((amount, _))) = (row.period, row.amount) else {
                return;
            };
            // One probe per row: the key is moved in, and copied out only for a new sum.
            match sums.entry((period, row.coords)) {
                std::collections::hash_map::Entry::Occupied(entry) => {
                    let Some(sum) = out.get_mut(*entry.get()) else {
                        return;
                    };
                    match sum.amount.checked_add(amount) {
                        Some(total) => {
                            sum.amount = total;
                            let rows = sum.summed.map_or(1, |s| s.rows).saturating_add(1);
                            sum.summed = Some(Summed {
                                rows,
                                last_line: u32::try_from(record.line).unwrap_or(u32::MAX),
                                last: record.span,
                            });
                        }
                        None => this.invalid(
                            record.span,
                            format!("{written} row {}: the actuals of this period and these members add up beyond 7.9 × 10²⁸", record.line),
                            "check the amounts: one of them is far too large",
                        ),
                    }
                }
                std::collections::hash_map::Entry::Vacant(entry) => {
                    let coords = entry.key().1.to_vec();
                    entry.insert(out.len());
                    out.push(ActualRow {
                        period,
                        coords,
                        amount,
                        span: record.span,
                        summed: None,
                    });
                }
            }
        });
        out
    }

    /// Read every record of the file through the layout, and hand each row that reads
    /// (with its record and fields) to `each`; a record that cannot be read ends the file.
    /// With `skip footer`, rows that hold at most a first cell are held back until a row
    /// of data follows them (then they are rows like any other); those that end the file
    /// are its footer and left out.
    fn for_each_row<'t>(
        &mut self,
        reader: &mut csv::Reader<'t>,
        rows: &Rows<'_, 't>,
        lookups: &mut Lookups,
        mut each: impl FnMut(&mut Self, Record, Row<'t>, &[Field<'t>]),
    ) {
        let skip_footer = rows.layout.skip_footer && rows.header.len() > 1;
        let mut held: Vec<(Record, Vec<Field<'t>>)> = Vec::new();
        let mut fields: Vec<Field<'t>> = Vec::new();
        while let Some(record) = reader.next_into(&mut fields) {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    self.push(*e);
                    break;
                }
            };
            if skip_footer {
                if fields.iter().skip(1).all(|f| f.text.is_empty()) {
                    held.push((record, fields.clone()));
                    continue;
                }
                for (record, fields) in std::mem::take(&mut held) {
                    if let Some(row) = self.row(record, &fields, rows, lookups) {
                        each(self, record, row, &fields);
                    }
                }
            }
            if let Some(row) = self.row(record, &fields, rows, lookups) {
                each(self, record, row, &fields);
            }
        }
    }

    /// The columns of a mapping: each field to the header it names (exactly, else
    /// ignoring case when unique).
    fn layout<'t>(
        &mut self,
        reader: &mut csv::Reader<'t>,
        header: &mut Vec<Field<'t>>,
        mapping: &ast::Mapping,
        fixed: &[(&str, Target)],
        data: FileId,
    ) -> Option<Layout> {
        if !self.read_header(reader, header, data) {
            return None;
        }
        self.report_repeats(&mapping.dates, "dates");
        let mut dates = None;
        if let Some(d) = first(&mapping.dates) {
            let format = d.value.as_str();
            dates = DateFormat::new(format);
            if dates.is_none() {
                self.invalid(
                    d.span,
                    format!("`{format}` is not a date format"),
                    "write a strftime format with year, month and day, e.g. \"%d/%m/%Y\" or \"%m/%d/%Y\"",
                );
                return None;
            }
        }
        let mut ok = true;
        let mut columns: Vec<(usize, Target)> = Vec::new();
        let mut seen: Vec<(Target, Span)> = Vec::new();
        for field in &mapping.fields {
            let word = field.field.text.as_str();
            let target = match fixed.iter().find(|(w, _)| *w == word) {
                Some(&(_, t)) => Some(t),
                None => self.dimensions.get(word).map(|&d| Target::Member(d)),
            };
            let Some(target) = target else {
                let mut allowed: Vec<&str> = fixed.iter().map(|(w, _)| *w).collect();
                allowed.extend(self.model.dimensions.iter().map(|d| d.name.as_str()));
                let time = ["half", "quarter", "month", "week"].contains(&word);
                // A misspelt statement (`skp footer`) reads as a field and its column.
                let statement =
                    crate::suggest::did_you_mean(word, MAPPING_STATEMENTS.iter().copied())
                        .filter(|near| !allowed.contains(&near.as_str()));
                let help = match statement {
                    Some(near) => format!(
                        "did you mean `{near}`? Otherwise a mapping names one of: {}",
                        allowed.join(", ")
                    ),
                    None => format!("a mapping names one of: {}", allowed.join(", ")),
                };
                self.invalid(
                    field.field.span,
                    if time {
                        format!("`{word}` is a time dimension: the `period` column says when")
                    } else {
                        format!("`{word}` is not something a column can hold here")
                    },
                    help,
                );
                ok = false;
                continue;
            };
            if let Some(&(_, first)) = seen.iter().find(|(t, _)| *t == target) {
                self.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        field.field.span,
                        format!("`{word}` is mapped more than once"),
                    )
                    .with_label("mapped again")
                    .with_secondary(first, "first mapped here")
                    .with_help("map each field to one column"),
                );
                ok = false;
                continue;
            }
            seen.push((target, field.field.span));
            match self.find_column(header, &field.column, data) {
                Some(i) => columns.push((i, target)),
                None => ok = false,
            }
        }
        let mut filters = Vec::new();
        for filter in &mapping.filters {
            let column = self.find_column(header, &filter.column, data);
            let value = self.compared(filter);
            match (column, value) {
                (Some(column), Some(value)) => filters.push(RowFilter {
                    column,
                    op: filter.op,
                    value,
                    written: self.written_filter(filter),
                }),
                _ => ok = false,
            }
        }
        self.report_repeats(&mapping.skip_footer, "skip footer");
        if !ok {
            return None;
        }
        columns.sort_by_key(|&(i, _)| i);
        Some(Layout {
            columns,
            filters,
            dates,
            skip_footer: !mapping.skip_footer.is_empty(),
            missing_amount: mapping
                .missing
                .iter()
                .any(|m| m.value == ast::Missing::AmountDealSize),
            missing_close: mapping
                .missing
                .iter()
                .any(|m| m.value == ast::Missing::CloseCycle),
            currency: None,
        })
    }

    /// What a `where` compares cells with; `None` when it cannot compare (reported).
    fn compared(&mut self, filter: &ast::Filter) -> Option<Compared> {
        match &filter.value {
            ast::FilterValue::Text(text) => {
                if !matches!(filter.op, ast::FilterOp::Equal | ast::FilterOp::NotEqual) {
                    let op = filter.op.as_str();
                    self.invalid(
                        filter.op_span,
                        format!("`{op}` compares dates or amounts, not text"),
                        format!(
                            "write a date or a number after `{op}` (`where Date >= 2026-01-01`, `where Amount > 0`), or compare text with `=` or `!=`"
                        ),
                    );
                    return None;
                }
                Some(Compared::Text {
                    exact: text.value.to_string(),
                    folded: text.value.chars().flat_map(char::to_lowercase).collect(),
                })
            }
            ast::FilterValue::Date(atom) => self.date(atom).map(Compared::Date),
            ast::FilterValue::Amount(number) => number.value.map(Compared::Amount),
        }
    }

    /// A filter as written in the plan, for messages.
    fn written_filter(&self, filter: &ast::Filter) -> String {
        let text = self
            .sources
            .and_then(|s| s.get(filter.span.file))
            .and_then(|f| f.text.get(filter.span.range()));
        match text {
            Some(text) => text.split_whitespace().collect::<Vec<_>>().join(" "),
            None => format!("where {} {} …", filter.column.value, filter.op.as_str()),
        }
    }

    /// Whether a row passes every filter of the layout, in the order written: `Ok(false)`
    /// when one does not hold, an error when a date or amount filter meets a cell that
    /// is not one (a row is never dropped for a cell it cannot read).
    fn passes_filters(
        &self,
        record: Record,
        fields: &[Field<'_>],
        header: &[Field<'_>],
        layout: &Layout,
        written: &str,
    ) -> Result<bool, Box<Diagnostic>> {
        for filter in &layout.filters {
            let Some(field) = fields.get(filter.column) else {
                return Ok(false);
            };
            let cell = field.text.as_ref();
            let (what, read) = match &filter.value {
                Compared::Text { exact, folded } => {
                    let same = same_text(cell, exact, folded);
                    if same != (filter.op == ast::FilterOp::Equal) {
                        return Ok(false);
                    }
                    continue;
                }
                Compared::Date(date) => (
                    "date",
                    read_date(cell.trim(), layout.dates.as_ref())
                        .map(|day| day.cmp(date))
                        .ok_or_else(|| self.not_a_date(cell, field.span, layout.dates.as_ref())),
                ),
                Compared::Amount(amount) => (
                    "amount",
                    self.amount_cell(cell, field.span, layout.currency.as_deref())
                        .map(|value| value.cmp(amount)),
                ),
            };
            let ordering = match read {
                Ok(ordering) => ordering,
                Err(unread) => {
                    let where_ = at(
                        written,
                        record,
                        filter.column,
                        header_of(header, filter.column),
                    );
                    let (message, help) = match unread {
                        Some(d) if !cell.trim().is_empty() => (d.message, d.help),
                        _ => (
                            "the cell is empty".to_string(),
                            Some(format!("fill the cell with a {what}")),
                        ),
                    };
                    let help = help.map_or_else(String::new, |h| format!("{h}; "));
                    return Err(Box::new(
                        Diagnostic::new(
                            Code::InvalidValue,
                            field.span,
                            format!("{where_}: {message}, which `{}` compares", filter.written),
                        )
                        .with_label("invalid value")
                        .with_help(format!(
                            "{help}a row whose cell a filter cannot read is reported, never dropped"
                        )),
                    ));
                }
            };
            if !filter.op.holds(ordering) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The column a mapping names, or report it with the file's headers.
    fn find_column(
        &mut self,
        header: &[Field<'_>],
        column: &ast::Str,
        data: FileId,
    ) -> Option<usize> {
        let wanted = column.value.as_str();
        if let Some(i) = header.iter().position(|h| h.text == wanted) {
            return Some(i);
        }
        let folded: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.text.to_lowercase() == wanted.to_lowercase())
            .map(|(i, _)| i)
            .collect();
        if let [i] = folded.as_slice() {
            return Some(*i);
        }
        let file = self
            .sources
            .and_then(|s| s.get(data))
            .map_or_else(String::new, |f| f.name.clone());
        if folded.len() > 1 {
            let same: Vec<String> = folded
                .iter()
                .filter_map(|&i| header.get(i))
                .map(|h| format!("`{}`", h.text))
                .collect();
            self.push(
                Diagnostic::new(
                    Code::AmbiguousMember,
                    column.span,
                    format!(
                        "`{wanted}` could be any of the columns {} of {file}",
                        same.join(", ")
                    ),
                )
                .with_label("which column?")
                .with_help(
                    "write the header exactly as the file does, quoted: it tells them apart",
                ),
            );
            return None;
        }
        let headers: Vec<String> = header.iter().map(|h| format!("`{}`", h.text)).collect();
        let help =
            match crate::suggest::did_you_mean(wanted, header.iter().map(|h| h.text.as_ref())) {
                Some(near) => {
                    format!(
                        "did you mean `{near}`? Write it as the header does, quoted: \"{near}\""
                    )
                }
                None => format!("the header has {}", headers.join(", ")),
            };
        self.push(
            Diagnostic::new(
                Code::UnresolvedName,
                column.span,
                format!("`{wanted}` is not a column of {file}"),
            )
            .with_label("no such column")
            .with_help(help),
        );
        None
    }

    /// Read the header record; report an empty file.
    fn read_header<'t>(
        &mut self,
        reader: &mut csv::Reader<'t>,
        header: &mut Vec<Field<'t>>,
        data: FileId,
    ) -> bool {
        match reader.next_into(header) {
            Some(Ok(_)) => true,
            Some(Err(e)) => {
                self.push(*e);
                false
            }
            None => {
                self.push(
                    Diagnostic::new(Code::Syntax, Span::new(data, 0, 0), "the CSV file is empty")
                        .with_label("no header")
                        .with_help(
                            "start with a header row: the name of each column, separated by commas",
                        ),
                );
                false
            }
        }
    }

    /// planck's own columns: `period`, `amount`, and columns named after dimensions
    /// (others are ignored). A column named twice is reported and the file not read.
    fn own_columns<'t>(
        &mut self,
        reader: &mut csv::Reader<'t>,
        header: &mut Vec<Field<'t>>,
        data: FileId,
    ) -> Option<Layout> {
        if !self.read_header(reader, header, data) {
            return None;
        }
        let mut columns: Vec<(usize, Target)> = Vec::new();
        let mut repeated = false;
        for (i, field) in header.iter().enumerate() {
            let name = field.text.as_ref();
            let target = match name.to_lowercase().as_str() {
                "period" => Some(Target::Period),
                "amount" => Some(Target::Amount),
                _ => match self.dim_ref(&ast::NameRef {
                    qualifier: None,
                    name: ast::Name {
                        text: name.into(),
                        span: field.span,
                    },
                    span: field.span,
                }) {
                    Some(DimRef::Time(_)) => {
                        self.invalid(
                            field.span,
                            format!("`{name}` is a time dimension: the `period` column says when"),
                            "remove the column; write each row's period in `period`",
                        );
                        None
                    }
                    Some(DimRef::User(d)) => Some(Target::Member(d)),
                    Some(DimRef::Rep) => Some(Target::Rep),
                    None => None,
                },
            };
            let Some(target) = target else { continue };
            if let Some(&(first, _)) = columns.iter().find(|(_, t)| *t == target) {
                repeated = true;
                let word = match target {
                    Target::Period | Target::Amount => target.word(),
                    _ => name,
                };
                let first_span = header.get(first).map_or(field.span, |f| f.span);
                self.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        field.span,
                        format!("the CSV header names the `{word}` column twice"),
                    )
                    .with_label("named again")
                    .with_secondary(first_span, "first named here")
                    .with_help("remove one of the two columns: each column may appear once"),
                );
                continue;
            }
            columns.push((i, target));
        }
        (!repeated).then_some(Layout {
            columns,
            filters: Vec::new(),
            dates: None,
            skip_footer: false,
            missing_amount: false,
            missing_close: false,
            currency: None,
        })
    }

    fn lookups(&self, layout: &Layout, funnel: Option<FunnelId>) -> Lookups {
        let model = &self.model;
        let reps = (layout.has(Target::Owner) || layout.has(Target::Rep)).then(|| {
            Lookup::new(
                "rep".to_string(),
                model
                    .reps
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (RepId(i as u32), r.name.as_str(), r.label.as_deref())),
            )
        });
        let stages = funnel
            .and_then(|f| model.funnels.get(f.index()))
            .filter(|_| layout.has(Target::Stage))
            .map(stage_lookup);
        let grades = layout.has(Target::Grade).then(|| {
            Lookup::new(
                "grade".to_string(),
                model
                    .grades
                    .iter()
                    .enumerate()
                    .map(|(i, g)| (GradeId(i as u32), g.name.as_str(), g.label.as_deref())),
            )
        });
        let mut members = Map::default();
        for &(_, target) in &layout.columns {
            let Target::Member(d) = target else { continue };
            let Some(dim) = model.dimensions.get(d.index()) else {
                continue;
            };
            members.insert(
                d,
                Lookup::new(
                    format!("member of `{}`", dim.name),
                    dim.members
                        .iter()
                        .enumerate()
                        .map(|(i, m)| (MemberId(i as u32), m.name.as_str(), m.label.as_deref())),
                ),
            );
        }
        Lookups {
            reps,
            stages,
            grades,
            members,
        }
    }

    /// Read one record through the layout. `None` when it is filtered out or a cell is
    /// wrong (reported); the row's other cells are still checked, so every bad cell of
    /// a row is reported at once.
    fn row<'t>(
        &mut self,
        record: Record,
        fields: &[Field<'t>],
        rows: &Rows<'_, '_>,
        lookups: &mut Lookups,
    ) -> Option<Row<'t>> {
        let (header, layout, written) = (rows.header, rows.layout, rows.written);
        if fields.len() != header.len() {
            // A report's footer (`Grand Totals (10 records)`, a copyright line) is a
            // row of one cell after the data.
            let help = if fields.len() == 1 && !layout.skip_footer {
                "if this row and those after it are the report's footer (totals, a copyright line), add `skip footer` to the mapping; otherwise give every row one field per header column"
            } else {
                "give every row one field per header column (an empty field is allowed)"
            };
            self.push(
                Diagnostic::new(
                    Code::Syntax,
                    record.span,
                    format!(
                        "{written} row {} has {} fields but the header has {}",
                        record.line,
                        fields.len(),
                        header.len()
                    ),
                )
                .with_label("this row")
                .with_help(help),
            );
            return None;
        }
        match self.passes_filters(record, fields, header, layout, written) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(diagnostic) => {
                self.push(*diagnostic);
                return None;
            }
        }
        let mut row = Row::default();
        let mut ok = true;
        let header_of = |i: usize| header_of(header, i);
        for &(i, target) in &layout.columns {
            let Some(field) = fields.get(i) else { continue };
            let text = field.text.as_ref();
            if text.is_empty() {
                if target == Target::Name {
                    ok = false;
                    let where_ = at(written, record, i, header_of(i));
                    self.invalid(
                        field.span,
                        format!("{where_}: the deal has no name"),
                        "give every deal a name or id, unique in the file",
                    );
                }
                continue;
            }
            let result = match target {
                Target::Name => {
                    row.name = Some((field.text.clone(), field.span));
                    Ok(())
                }
                Target::Owner | Target::Rep => {
                    resolve_cell(lookups.reps.as_mut(), field).map(|r| row.owner = r)
                }
                Target::Stage => {
                    resolve_cell(lookups.stages.as_mut(), field).map(|s| row.stage = s)
                }
                Target::Grade => {
                    resolve_cell(lookups.grades.as_mut(), field).map(|g| row.grade = g)
                }
                Target::Member(d) => resolve_cell(lookups.members.get_mut(&d), field).map(|m| {
                    row.coords.extend(m.map(|m| MemberRef::User(d, m)));
                }),
                Target::Amount => self
                    .amount_cell(text, field.span, layout.currency.as_deref())
                    .map(|v| {
                        row.amount = Some((v, field.span));
                    }),
                Target::Close | Target::Opened => match read_date(text, layout.dates.as_ref()) {
                    Some(date) => {
                        if target == Target::Close {
                            row.close = Some((date, field.span));
                        } else {
                            row.opened = Some(date);
                        }
                        Ok(())
                    }
                    None => Err(self.not_a_date(text, field.span, layout.dates.as_ref())),
                },
                Target::Period => self
                    .period_cell(text, field.span, layout.dates.as_ref())
                    .map(|p| {
                        row.period = Some(p);
                    }),
            };
            if let Err(diagnostic) = result {
                ok = false;
                if let Some(d) = diagnostic {
                    self.push(prefixed(*d, &at(written, record, i, header_of(i))));
                }
            }
        }
        if let Some(rep) = row.owner {
            ok &= self.coordinates_of_rep(
                rep,
                &mut row.coords,
                record,
                fields,
                header,
                layout,
                written,
            );
            if layout.has(Target::Rep) {
                row.coords.push(MemberRef::Rep(rep));
            }
        }
        ok.then_some(row)
    }

    /// Report a member that contradicts the one the row's rep stands for, and add the
    /// members the rep's team (and the rep) are tied to on the dimensions the row does
    /// not name.
    #[allow(clippy::too_many_arguments)]
    fn coordinates_of_rep(
        &mut self,
        rep: RepId,
        coords: &mut Coords,
        record: Record,
        fields: &[Field<'_>],
        header: &[Field<'_>],
        layout: &Layout,
        written: &str,
    ) -> bool {
        let mut ok = true;
        for m in coords.clone() {
            let MemberRef::User(dim, member) = m else {
                continue;
            };
            let coord = Coord { dim, member };
            let Some(implied) = super::references::rep_implies(&self.model, rep, coord) else {
                continue;
            };
            ok = false;
            let (span, where_) =
                cell_of(record, fields, header, layout, Target::Member(dim), written);
            let rep_at = cell_of(record, fields, header, layout, Target::Owner, written).0;
            let rep_at = if rep_at == record.span {
                cell_of(record, fields, header, layout, Target::Rep, written).0
            } else {
                rep_at
            };
            let conflict = super::references::rep_conflict(
                &self.model,
                "this row",
                rep,
                coord,
                implied,
                span,
                rep_at,
            );
            self.push(prefixed(conflict, &where_));
        }
        let Some(r) = self.model.reps.get(rep.index()) else {
            return ok;
        };
        for c in &r.coords {
            let named = coords
                .iter()
                .any(|m| matches!(m, MemberRef::User(d, _) if *d == c.dim));
            if !named {
                coords.push(MemberRef::User(c.dim, c.member));
            }
        }
        ok
    }

    fn amount_cell(
        &self,
        text: &str,
        span: Span,
        expected: Option<&str>,
    ) -> Result<Decimal, Option<Box<Diagnostic>>> {
        let error = |message: String, help: &str| {
            Some(Box::new(
                Diagnostic::new(Code::InvalidValue, span, message)
                    .with_label("invalid value")
                    .with_help(help.to_string()),
            ))
        };
        let (value, currency) = read_amount(text).map_err(|e| match e {
            AmountError::Separators => error(
                format!("`{text}` is not an amount: `,` may only separate groups of three digits"),
                "write `,` only between thousands, e.g. 1,234,567.89, or leave it out; a decimal comma is not read: write 1.5",
            ),
            AmountError::NotANumber => error(
                format!("`{text}` is not an amount"),
                "write a number such as 260000, 260k, $1,200 or -1500",
            ),
            AmountError::TooLarge => error(
                format!("`{text}` is too large or too precise"),
                "amounts must stay below 7.9 × 10²⁸, with at most 28 digits",
            ),
        })?;
        if let (Some(currency), Some(expected)) = (currency, expected) {
            let matches =
                currency == expected || (currency == "¥" && matches!(expected, "CNY" | "JPY"));
            if !matches {
                let shown = if currency == "¥" {
                    "¥ (CNY or JPY)"
                } else {
                    currency
                };
                return Err(error(
                    format!(
                        "`{text}` is in {shown}, not {expected}, the currency of these amounts"
                    ),
                    &format!("convert the amounts to {expected} before importing"),
                ));
            }
        }
        Ok(value)
    }

    fn not_a_date(
        &self,
        text: &str,
        span: Span,
        format: Option<&DateFormat>,
    ) -> Option<Box<Diagnostic>> {
        let (message, help) = match format {
            Some(f) => (
                format!("`{text}` is not a date in the format `{}`", f.text),
                "correct the cell, or the mapping's `dates` format".to_string(),
            ),
            None => (
                format!("`{text}` is not a date"),
                "write dates as 2026-03-15, or give the mapping a format: `dates \"%m/%d/%Y\"`"
                    .to_string(),
            ),
        };
        Some(Box::new(
            Diagnostic::new(Code::InvalidValue, span, message)
                .with_label("invalid value")
                .with_help(help),
        ))
    }

    fn period_cell(
        &self,
        text: &str,
        span: Span,
        format: Option<&DateFormat>,
    ) -> Result<Period, Option<Box<Diagnostic>>> {
        // A day (the usual cell) is read without building a period expression.
        let day = format
            .and_then(|f| read_date(text, Some(f)))
            .or_else(|| read_date(text, None));
        let (p, expr) = match day {
            Some(date) => (
                Period {
                    start: date,
                    end: date,
                },
                None,
            ),
            None => {
                let Some(expr) = crate::syntax::parse_period(span.file, span.start(), text) else {
                    return Err(Some(Box::new(
                        Diagnostic::new(Code::InvalidValue, span, format!("`{text}` is not a period"))
                            .with_label("invalid value")
                            .with_help("write a period such as 2026-Q1, 2026-03 or 2026-03-15, or give the mapping a date format: `dates \"%m/%d/%Y\"`"),
                    )));
                };
                match period::expr(&expr) {
                    Ok(p) => (p, Some(expr)),
                    Err(e) => {
                        return Err(Some(Box::new(
                            Diagnostic::new(Code::InvalidValue, span, e.message)
                                .with_label("invalid value")
                                .with_help(e.help),
                        )));
                    }
                }
            }
        };
        self.within_plan(p, span, "the actual's period", expr.as_ref())
            .map(|()| p)
            .map_err(Some)
    }
}

/// `missing close cycle`: the later of the deal's start (`opened`, else `as_of`) plus
/// the funnel's dwell from its stage on, and the day after `as_of`.
fn estimated_close(
    funnel: &model::Funnel,
    stage: Option<StageRef>,
    opened: Option<NaiveDate>,
    as_of: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let from = match stage {
        None => 0,
        Some(StageRef::Stage(i)) => i,
        Some(StageRef::Lost(_)) => return None,
    };
    let last = funnel.stages.len().saturating_sub(1);
    let mut days = Decimal::ZERO;
    for s in funnel.stages.get(from..last).unwrap_or_default() {
        days = days.checked_add(s.dwell_days?)?;
    }
    let days = days.ceil().to_u64()?;
    let start = opened.or(as_of)?;
    let estimate = start.checked_add_days(chrono::Days::new(days))?;
    let floor = as_of.and_then(|a| a.succ_opt());
    Some(floor.map_or(estimate, |f| estimate.max(f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_with_currencies_and_scales() {
        for (text, value, currency) in [
            ("$1,200", "1200", Some("USD")),
            ("1,200 USD", "1200", Some("USD")),
            ("¥12万", "120000", Some("¥")),
            ("EUR 5k", "5000", Some("EUR")),
            ("-$300.50", "-300.5", Some("USD")),
            ("$-300", "-300", Some("USD")),
            ("2,400,000", "2400000", None),
            ("1.5M", "1500000", None),
            ("€ 99", "99", Some("EUR")),
        ] {
            let Ok((v, c)) = read_amount(text) else {
                panic!("{text} did not read");
            };
            assert_eq!((v.to_string().as_str(), c), (value, currency), "{text}");
        }
        for (text, value, currency) in [
            ("(1,000)", "-1000", None),
            ("(1,000.00)", "-1000", None),
            ("($1,000.00)", "-1000", Some("USD")),
            ("$(1,000.00)", "-1000", Some("USD")),
            ("(1,000.00 CNY)", "-1000", Some("CNY")),
            ("1,000-", "-1000", None),
            ("1,000.50 -", "-1000.5", None),
            ("￥12万", "120000", Some("¥")),
        ] {
            let Ok((v, c)) = read_amount(text) else {
                panic!("{text} did not read");
            };
            assert_eq!((v.to_string().as_str(), c), (value, currency), "{text}");
        }
        for text in ["-(5)", "(-5)", "(5)-", "-5-", "(5", "5)", "()", "-"] {
            assert!(
                matches!(read_amount(text), Err(AmountError::NotANumber)),
                "{text}"
            );
        }
        assert!(matches!(read_amount("1,20"), Err(AmountError::Separators)));
        assert!(matches!(read_amount("lots"), Err(AmountError::NotANumber)));
        assert!(matches!(
            read_amount("USDX 5"),
            Err(AmountError::NotANumber)
        ));
    }

    #[test]
    fn dates_iso_with_time_or_formatted() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 15);
        assert_eq!(read_date("2026-03-15", None), d);
        assert_eq!(read_date("2026-03-15T10:30:00Z", None), d);
        assert_eq!(read_date("2026-03-15 10:30", None), d);
        let us = DateFormat::new("%m/%d/%Y");
        let eu = DateFormat::new("%d/%m/%Y");
        assert_eq!(read_date("03/15/2026", us.as_ref()), d);
        assert_eq!(read_date("03/15/2026 9:30", us.as_ref()), d);
        assert_eq!(read_date("15/03/2026", eu.as_ref()), d);
        assert_eq!(read_date("2026-02-30", None), None);
        assert_eq!(read_date("15/03/2026", None), None);
        assert_eq!(read_date("13/15/2026", us.as_ref()), None);
        assert!(DateFormat::new("%Y-%m").is_none());
        assert!(DateFormat::new("%Q").is_none());
    }

    #[test]
    fn plain_amounts_are_read_as_any_amount_is() {
        let cells = [
            "0",
            "007",
            "1200",
            "$1200",
            "$1,200",
            "1,200",
            "12,345,678",
            "$999,999,999,999,999,999",
            "999999999999999999",
            "9999999999999999999",
            "1,000,000,000,000,000,000",
            "0,500",
            "1,20",
            "1,2000",
            "1234,567",
            ",123",
            "1,",
            "1,,000",
            "$",
            "",
            "$ 1,200",
            "$-5",
            "-5",
            "1.5",
            "12k",
            "US$1,200",
            "1,200 USD",
            "€5",
            "１２",
        ];
        let value = |r: Result<(Decimal, Option<&str>), AmountError>| match r {
            Ok((v, c)) => Ok((v.to_string(), v.scale(), c.map(str::to_string))),
            Err(AmountError::Separators) => Err("separators"),
            Err(AmountError::NotANumber) => Err("not a number"),
            Err(AmountError::TooLarge) => Err("too large"),
        };
        for cell in cells {
            assert_eq!(
                value(read_amount(cell)),
                value(read_any_amount(cell)),
                "{cell}"
            );
        }
        assert!(plain_amount("$1,200").is_some());
        assert!(plain_amount("1.5").is_none());
        assert_eq!(
            value(read_amount("$1,200")),
            Ok(("1200".to_string(), 0, Some("USD".to_string())))
        );
    }

    /// chrono's reading of a cell, without the fixed-width path.
    fn by_chrono(text: &str, format: &DateFormat) -> Option<NaiveDate> {
        let general = DateFormat {
            fixed: None,
            ..DateFormat::new(&format.text).unwrap()
        };
        read_date(text, Some(&general))
    }

    #[test]
    fn fixed_width_dates_are_read_as_chrono_reads_them() {
        assert_eq!(
            DatePiece::of("%m/%d/%Y"),
            Some(vec![
                DatePiece::Month,
                DatePiece::Byte(b'/'),
                DatePiece::Day,
                DatePiece::Byte(b'/'),
                DatePiece::Year,
            ])
        );
        // Digits run together, white space, other fields and repeats keep chrono's path.
        for format in [
            "%Y%m%d",
            "%d %m %Y",
            "%e/%m/%Y",
            "%d/%m/%Y/%d",
            "%d.%m.%y",
            "%d年%m月%Y",
        ] {
            assert_eq!(DatePiece::of(format), None, "{format}");
        }
        let cells = [
            "03/15/2026",
            "03/15/2026 9:30",
            "03/15/2026T09:30",
            "03/15/2026x",
            "03/15/20261",
            "3/15/2026",
            "03/5/2026",
            "13/15/2026",
            "02/29/2026",
            "02/29/2028",
            "00/10/2026",
            "03/00/2026",
            "03/15/0999",
            "03/15/26",
            "03-15-2026",
            "+3/15/2026",
            " 03/15/2026",
            "０3/15/2026",
            "",
        ];
        for format in ["%m/%d/%Y", "%d.%m.%Y", "%F", "%Y-%m-%d", "%Y/%m/%d."] {
            let format = DateFormat::new(format).unwrap();
            assert!(format.fixed.is_some(), "{}", format.text);
            for cell in cells {
                // The same cell in this format's order of fields and separators.
                let (m, rest) = cell.split_once('/').unwrap_or((cell, ""));
                let (d, y) = rest.split_once('/').unwrap_or((rest, ""));
                let written = match format.text.as_str() {
                    "%m/%d/%Y" => cell.to_string(),
                    "%d.%m.%Y" => format!("{d}.{m}.{y}"),
                    "%Y/%m/%d." => format!("{y}/{m}/{d}."),
                    _ => format!("{y}-{m}-{d}"),
                };
                assert_eq!(
                    read_date(&written, Some(&format)),
                    by_chrono(&written, &format),
                    "{written} in {}",
                    format.text
                );
            }
        }
        let us = DateFormat::new("%m/%d/%Y");
        assert_eq!(
            read_date("02/29/2028", us.as_ref()),
            NaiveDate::from_ymd_opt(2028, 2, 29)
        );
        assert_eq!(read_date("02/29/2026", us.as_ref()), None);
    }

    #[test]
    fn a_cell_matches_a_name_or_label_then_ignoring_case() {
        let mut lookup = Lookup::new(
            "member of `region`".to_string(),
            [
                (0, "central", Some("Central")),
                (1, "east", Some("East Coast")),
                (2, "EAST", None),
            ]
            .into_iter(),
        );
        assert!(matches!(lookup.find("central"), Ok(0)));
        assert!(matches!(lookup.find("Central"), Ok(0)));
        assert!(matches!(lookup.find("CENTRAL"), Ok(0)));
        assert!(matches!(lookup.find("east coast"), Ok(1)));
        assert!(matches!(lookup.find("EAST"), Ok(2)));
        match lookup.find("East") {
            Err(Miss::Ambiguous(names)) => assert_eq!(names, vec!["east", "EAST"]),
            _ => panic!("`East` is ambiguous"),
        }
        assert!(matches!(lookup.find("west"), Err(Miss::Unknown)));
    }
}
