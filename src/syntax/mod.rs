//! Text to typed syntax tree: `scan` cuts the file into items, the pest grammar in
//! `grammar/plan.pest` parses each, and `build` turns the parse tree into [`ast`] nodes.
//!
//! Invariant: nothing here reads files or resolves names; every problem found is a
//! [`Diagnostic`] with the code `syntax` or `invalid-value`.

pub mod ast;
mod build;
mod cause;
pub mod literal;
use cause::Cause;
mod header;
mod recover;
pub mod scan;

pub use recover::keywords_beside_coordinates;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::Parser;
use scan::Keyword;

/// The grammar's text, for what must follow it exactly: the list of its keywords.
const GRAMMAR: &str = include_str!("../../grammar/plan.pest");

/// Every keyword of the language: the word of each `k_*` rule, read from the grammar so
/// that a keyword added there (an editor colours keywords) cannot be missed here.
pub fn keywords() -> &'static [&'static str] {
    static WORDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        GRAMMAR
            .lines()
            .filter_map(|line| {
                let (_, rule) = line.strip_prefix("k_")?.split_once('=')?;
                let word = rule.split('"').nth(1)?;
                Some(word)
            })
            .collect()
    })
}

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/plan.pest"]
pub(crate) struct PlanParser;

/// Whether the text has a top-level `plan` block, i.e. is the root of a compilation.
/// Cheap: it only scans, it does not parse. It answers as [`parse`] cuts items, so a
/// member named `plan` inside a block does not make a root.
pub fn has_plan_block(text: &str) -> bool {
    scan::scan(FileId(0), text).has_plan_block
}

/// The tree of a file that could not be read as text (not UTF-8). What it defines is
/// unknown, so every kind of definition is recorded as possibly there but broken: later
/// phases then report no follow-on error, such as an unknown member, beside the one that
/// says why the file could not be read. (`plan` is left out: a broken `plan` block counts
/// as the plan's one block, and would make a real one elsewhere a duplicate. The loader
/// marks the file as defining unknown names, which also excuses a missing `plan` block.)
pub fn unreadable() -> ast::File {
    ast::File {
        items: Vec::new(),
        comments: Vec::new(),
        broken: Keyword::ALL
            .into_iter()
            .filter(|k| k.defines() && *k != Keyword::Plan)
            .map(|keyword| ast::BrokenDefinition {
                keyword,
                name: String::new(),
            })
            .collect(),
    }
}

/// `text` parsed as a whole with `rule` of the grammar: `None` unless all of it matches.
fn parse_whole(rule: Rule, text: &str) -> Option<pest::iterators::Pair<'_, Rule>> {
    let pair = PlanParser::parse(rule, text).ok()?.next()?;
    (pair.as_span().end() == text.len()).then_some(pair)
}

/// A period written as text (`2026-Q1`, `2026-04..2026-06`), spans relative to `base`.
/// Read without the grammar (see [`literal`]), as the grammar reads it.
pub fn parse_period(file: FileId, base: usize, text: &str) -> Option<ast::PeriodExpr> {
    let (start, end) = literal::period(text)?;
    let atom = |kind, from: usize, to: usize| ast::PeriodAtom {
        kind,
        span: Span::new(file, base + from, base + to),
        written: text.get(from..to).unwrap_or_default().into(),
    };
    let (start, end) = match end {
        None => (atom(start, 0, text.len()), None),
        Some((end, at)) => (
            atom(start, 0, text.find("..").unwrap_or(0)),
            Some(Box::new(atom(end, at, text.len()))),
        ),
    };
    Some(ast::PeriodExpr {
        start,
        end,
        span: Span::new(file, base, base + text.len()),
    })
}

/// A number written as text (`260k`, `-15000`, `1.5万`); `None` when it is not a number
/// or cannot be represented.
pub fn parse_number(text: &str) -> Option<rust_decimal::Decimal> {
    literal::number(text).ok()
}

/// Parse one file. Every item that parses is returned, whatever happened to the others.
///
/// Large files are scanned and parsed on several threads, each taking runs of whole
/// chunks; the results are joined in file order, so items and diagnostics come out
/// exactly as a sequential parse would give them.
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let threads = if text.len() < PARALLEL_MIN_BYTES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    };
    let scanned = scan::scan_parallel(file, text, threads);
    let parsed = parse_chunks(file, text, &scanned.chunks, threads);
    let out = ast::File {
        items: parsed.items,
        comments: scanned.comments,
        broken: parsed.broken,
    };
    (out, parsed.diagnostics)
}

/// Files smaller than this are parsed on the calling thread: starting threads would cost
/// more than they save.
const PARALLEL_MIN_BYTES: usize = 256 * 1024;

/// Pieces of work per thread. More pieces than threads keep every thread busy when one
/// of them is slowed down (by a busy machine, or by a piece with long items).
const PIECES_PER_THREAD: usize = 8;

/// The stack of a parsing thread: the grammar is recursive, so give it what the main
/// thread has rather than the smaller default of spawned threads.
const PARSE_STACK_BYTES: usize = 8 * 1024 * 1024;

/// Consecutive chunks are first parsed together, up to this many bytes, because each
/// call into pest has a fixed cost that dominates for one-line items.
const GROUP_BYTES: usize = 16 * 1024;

/// What parsing a run of chunks produced, in file order.
#[derive(Default)]
struct Parsed {
    items: Vec<ast::Item>,
    broken: Vec<ast::BrokenDefinition>,
    diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    fn append(&mut self, mut other: Parsed) {
        self.items.append(&mut other.items);
        self.broken.append(&mut other.broken);
        self.diagnostics.append(&mut other.diagnostics);
    }
}

/// Parse the chunks on up to `threads` threads (this one included).
fn parse_chunks(file: FileId, text: &str, chunks: &[scan::Chunk], threads: usize) -> Parsed {
    let mut out = Parsed::default();
    if threads <= 1 || chunks.len() < 2 {
        // A chunk holds one item (none if it fails to parse): room for exactly that many,
        // rather than copies of a list growing by doubling.
        out.items.reserve_exact(chunks.len());
        parse_run(file, text, chunks, &mut out);
        return out;
    }
    let pieces = cut_evenly(chunks, threads * PIECES_PER_THREAD);
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Each worker takes the next piece not yet taken and keeps what it parsed with the
    // piece's index; joining sorts them back into file order.
    let work = || {
        let mut done: Vec<(usize, Parsed)> = Vec::new();
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(piece) = pieces.get(index) else {
                return done;
            };
            let mut parsed = Parsed::default();
            parsed.items.reserve_exact(piece.len());
            parse_run(file, text, piece, &mut parsed);
            done.push((index, parsed));
        }
    };
    let mut done: Vec<(usize, Parsed)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.min(pieces.len()))
            .filter_map(|_| {
                // A thread that cannot be started leaves its share to the others.
                std::thread::Builder::new()
                    .stack_size(PARSE_STACK_BYTES)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut done = work();
        for helper in helpers {
            match helper.join() {
                Ok(theirs) => done.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(index, _)| *index);
    // The tree lives as long as the compilation: give it exactly the room it needs.
    out.items
        .reserve_exact(done.iter().map(|(_, p)| p.items.len()).sum());
    for (_, parsed) in done {
        out.append(parsed);
    }
    out
}

/// Cut the chunks into at most `pieces` runs of about equal size in bytes.
fn cut_evenly(chunks: &[scan::Chunk], pieces: usize) -> Vec<&[scan::Chunk]> {
    let total: usize = chunks.iter().map(|c| c.end.saturating_sub(c.start)).sum();
    let target = total.div_ceil(pieces.max(1)).max(1);
    let mut out = Vec::with_capacity(pieces);
    let mut rest = chunks;
    while !rest.is_empty() {
        let mut bytes = 0;
        let mut len = 0;
        for chunk in rest {
            bytes += chunk.end.saturating_sub(chunk.start);
            len += 1;
            if bytes >= target {
                break;
            }
        }
        let (piece, after) = rest.split_at(len);
        out.push(piece);
        rest = after;
    }
    out
}

/// Parse a run of chunks in order: groups of consecutive chunks in one call to pest
/// where that gives the same items, else each chunk on its own.
fn parse_run(file: FileId, text: &str, chunks: &[scan::Chunk], out: &mut Parsed) {
    let mut rest = chunks;
    while let Some(first) = rest.first() {
        let group_len = rest
            .iter()
            .take_while(|c| c.joinable() && c.end.saturating_sub(first.start) <= GROUP_BYTES)
            .count();
        let (group, after) = rest.split_at(group_len.max(1));
        if group.len() < 2 || !parse_group(file, text, group, out) {
            for chunk in group {
                parse_chunk(file, text, chunk, out);
            }
        }
        rest = after;
    }
}

/// Parse several chunks in one call to pest. The result is kept only when the text
/// parses and no item runs past the end of its chunk: each chunk on its own then gives
/// the same items, since an item that ends inside its chunk was read from that chunk's
/// text alone. Otherwise (a syntax error, or text that reads differently joined, such
/// as an unclosed block followed by an item) nothing is added and the caller parses
/// each chunk on its own. Returns whether the result was kept.
fn parse_group(file: FileId, text: &str, group: &[scan::Chunk], out: &mut Parsed) -> bool {
    let (Some(first), Some(last)) = (group.first(), group.last()) else {
        return false;
    };
    let base = first.start;
    let Some(group_text) = text.get(base..last.end) else {
        return false;
    };
    let Ok(mut pairs) = PlanParser::parse(Rule::file, group_text) else {
        return false;
    };
    let Some(file_pair) = pairs.next() else {
        return false;
    };
    if items_within_chunks(&file_pair, base, group).is_err() {
        return false;
    }
    let mut builder = build::Builder {
        file,
        base,
        diagnostics: &mut out.diagnostics,
    };
    builder.items(file_pair, &mut out.items);
    true
}

/// Whether every item of `file_pair` (parsed from text starting at byte `base`) lies
/// within one of the scanner's `chunks`. Each chunk alone then gives the same items as
/// the text read in one piece. Else the offset of the first item that runs past its
/// chunk. Grouped parsing and `fmt`'s whole-file parse both rely on this test.
pub fn items_within_chunks(
    file_pair: &pest::iterators::Pair<'_, Rule>,
    base: usize,
    chunks: &[scan::Chunk],
) -> Result<(), usize> {
    let mut bounds = chunks.iter().peekable();
    for item in file_pair.clone().into_inner() {
        if item.as_rule() == Rule::EOI {
            continue;
        }
        let span = item.as_span();
        let (start, end) = (base + span.start(), base + span.end());
        while bounds.next_if(|c| c.end <= start).is_some() {}
        if !bounds
            .peek()
            .is_some_and(|c| c.start <= start && end <= c.end)
        {
            return Err(start);
        }
    }
    Ok(())
}

/// Parse one chunk on its own.
fn parse_chunk(file: FileId, text: &str, chunk: &scan::Chunk, out: &mut Parsed) {
    if let Some(at) = chunk.too_deep {
        out.diagnostics.push(
            Diagnostic::new(
                Code::Syntax,
                Span::new(file, at, at + 1),
                format!(
                    "blocks are nested more than {} levels deep",
                    scan::MAX_DEPTH
                ),
            )
            .with_label("too deep")
            .with_help("flatten the nesting: split one dimension per level"),
        );
        return;
    }
    let Some(chunk_text) = text.get(chunk.start..chunk.end) else {
        return;
    };
    match PlanParser::parse(Rule::file, chunk_text) {
        Ok(mut pairs) => {
            let mut builder = build::Builder {
                file,
                base: chunk.start,
                diagnostics: &mut out.diagnostics,
            };
            if let Some(file_pair) = pairs.next() {
                builder.items(file_pair, &mut out.items);
            }
        }
        Err(error) => {
            if let Some((mut items, mut diagnostics)) =
                header::recover(file, chunk.start, chunk_text, &error)
            {
                out.items.append(&mut items);
                out.diagnostics.append(&mut diagnostics);
                return;
            }
            out.diagnostics
                .push(syntax_error(file, chunk.start, chunk_text, &error));
            out.broken.extend(broken_definitions(chunk_text));
        }
    }
}

/// The definitions a chunk that failed to parse appears to make: each line that starts
/// with a defining keyword, and the name after it.
fn broken_definitions(chunk: &str) -> Vec<ast::BrokenDefinition> {
    chunk
        .lines()
        .filter_map(|line| {
            let (keyword, after) = Keyword::at_start(scan::indentation(line).1)?;
            keyword.defines().then(|| ast::BrokenDefinition {
                keyword,
                name: scan::name_at_start(after.trim_start()).to_string(),
            })
        })
        .collect()
}

/// Turn pest's error into a diagnostic pointing at the offending token.
fn syntax_error(
    file: FileId,
    base: usize,
    chunk_text: &str,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    error_in(file, base, chunk_text, error, Within::Item)
}

/// What text an error was found in: an item (a chunk, to the end of its text) or one
/// statement parsed again on its own (to the end of its line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Within {
    Item,
    Statement,
}

fn error_in(
    file: FileId,
    base: usize,
    chunk_text: &str,
    error: &pest::error::Error<Rule>,
    within: Within,
) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((p, _)) => p,
    };
    let rest = chunk_text.get(pos..).unwrap_or("");
    let found_len = token_len(rest);
    let found = if !rest.trim().is_empty() {
        format!("`{}`", &rest[..found_len])
    } else if within == Within::Statement {
        "end of line".to_string()
    } else {
        "end of input".to_string()
    };
    let span = Span::new(file, base + pos, base + pos + found_len);
    let (message, help) = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<&str> = Vec::new();
            for rule in positives {
                if let Some(desc) = describe(*rule)
                    && !expected.contains(&desc)
                {
                    expected.push(desc);
                }
            }
            // A share is a percentage or an amount; pest names only the rules it tried
            // last, so say it in the user's words.
            if expected.contains(&"a number") && expected.contains(&"`rest`") {
                expected.retain(|e| *e != "a number" && *e != "`rest`");
                expected.push("a share such as `40%`, an amount or `rest`");
            }
            let cause = Cause {
                file,
                base,
                text: chunk_text,
                pos,
                expected: &expected,
                found: rest.get(..found_len).unwrap_or(""),
                within,
            };
            if let Some(diagnostic) = cause.diagnose() {
                return diagnostic;
            }
            let list = join_or(&expected);
            let message = if list.is_empty() {
                format!("unexpected {found}")
            } else {
                format!("expected {list}, found {found}")
            };
            // The statement being written: the first word of the line holding the last
            // text before the error (the error may sit at the start of the next line).
            let before = chunk_text.get(..pos).unwrap_or("").trim_end();
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let first_word = before
                .get(line_start..)
                .unwrap_or("")
                .split(|c: char| c.is_whitespace() || c == '{')
                .find(|w| !w.is_empty())
                .unwrap_or("");
            let found_word = rest.get(..found_len).unwrap_or("");
            let help = hint(&expected, rest, within)
                .or_else(|| misspelt_keyword(positives, found_word))
                .or_else(|| {
                    statement_form(first_word)
                        .map(|form| format!("`{first_word}` is written `{form}`"))
                });
            (message, help)
        }
        ErrorVariant::CustomError { message } => (message.clone(), None),
    };
    let diagnostic = Diagnostic::new(Code::Syntax, span, message).with_label(if found_len == 0 {
        "here".to_string()
    } else {
        "unexpected".to_string()
    });
    diagnostic.with_help(
        help.unwrap_or_else(|| {
            "`planck explain syntax` shows the form of each statement".to_string()
        }),
    )
}

/// The length of the token starting `rest`: a word, a string, or one character.
fn token_len(rest: &str) -> usize {
    let Some(first) = rest.chars().next() else {
        return 0;
    };
    if first.is_whitespace() {
        return first.len_utf8();
    }
    if first == '_' || first.is_alphanumeric() {
        let word = rest
            .char_indices()
            .take(40)
            .find(|&(_, c)| !(c == '_' || c == '%' || c == '.' || c.is_alphanumeric()))
            .map_or_else(
                || rest.chars().take(40).map(char::len_utf8).sum(),
                |(i, _)| i,
            );
        return word.max(first.len_utf8());
    }
    first.len_utf8()
}

/// "did you mean `target`?" when the unexpected word is close to a keyword pest tried.
fn misspelt_keyword(positives: &[Rule], found: &str) -> Option<String> {
    if found.is_empty() || !found.starts_with(|c: char| c.is_alphabetic()) {
        return None;
    }
    let keywords: Vec<&str> = positives
        .iter()
        .filter_map(|r| describe(*r))
        .filter_map(|d| d.strip_prefix('`').and_then(|d| d.strip_suffix('`')))
        .collect();
    crate::suggest::did_you_mean(found, keywords.into_iter())
        .map(|k| format!("did you mean `{k}`?"))
}

fn hint(expected: &[&str], rest: &str, within: Within) -> Option<String> {
    if rest.starts_with('}') && expected.iter().any(|e| e.contains("amount")) {
        return Some("a value is missing before the closing `}`".into());
    }
    if rest.starts_with(':') || rest.starts_with('=') {
        return Some("no `:` or `=` between a name and its value: write `east 40%`".into());
    }
    if rest.starts_with(|c: char| c.is_ascii_digit())
        && expected.contains(&"a percentage such as `40%`")
    {
        return Some("a percentage needs its `%`: write `40%`".into());
    }
    if rest.starts_with('\'') {
        return Some("strings use double quotes: \"…\"".into());
    }
    if rest.trim().is_empty() && within == Within::Item {
        return Some("a block is not closed: add the missing `}`".into());
    }
    if expected.contains(&"an item (`plan`, `goal`, `dimension`, …)") {
        return Some(format!(
            "top-level items are {}",
            join_with(scan::ITEM_KEYWORDS, "and")
        ));
    }
    None
}

/// The written form of each statement, for help lines.
fn statement_form(keyword: &str) -> Option<&'static str> {
    Some(match keyword {
        "plan" => "plan \"NAME\" { period P  currency CUR  as_of DATE }",
        "include" => "include \"path/to/file.plan\"",
        "strategy" => "strategy NAME \"label\"",
        "dimension" => "dimension NAME \"label\" { member \"label\" { attribute value } … }",
        "team" => "team NAME \"label\" { region MEMBER  lead \"…\"  rep NAME \"label\" { … } }",
        "rep" => "rep NAME \"label\" { capacity 1.2M CNY  start 2026-07  ramp 50% 75% }",
        "goal" => "goal NAME \"label\" { owner …  target 12M CNY  … }",
        "owner" => "owner \"name\" or owner REP_OR_TEAM",
        "target" => "target AMOUNT UNIT, e.g. target 12M CNY",
        "baseline" => "baseline AMOUNT UNIT in PERIOD, e.g. baseline 10M CNY in 2025",
        "period" => "period 2026 (or 2026-H1, 2026-Q3, 2026-03, 2026-W05, 2026-04-01..2027-03-31)",
        "supports" => "supports STRATEGY",
        "parent" => "parent GOAL",
        "split" => {
            "split DIMENSION { member 40%  other rest }, split DIMENSION even or split DIMENSION by ATTRIBUTE"
        }
        "allow" => "allow CODE, e.g. allow missing-baseline",
        "funnel" => "funnel NAME \"label\" { deal_size 200k CNY  inflow 150 per month  stage … }",
        "deal_size" => "deal_size AMOUNT CURRENCY",
        "inflow" => "inflow NUMBER per day|week|month|quarter|year",
        "stage" => "stage NAME \"label\" { convert 40%  dwell 10d }",
        "convert" => "convert PERCENT, e.g. convert 40%",
        "dwell" => "dwell DURATION, e.g. dwell 10d, 2w or 3mo",
        "grades" => "grades { A \"label\" 80%  B \"label\" 50% }",
        "deal" => {
            "deal NAME \"label\" { owner REP  stage STAGE  amount 600k CNY  close 2026-09-15 }"
        }
        "amount" => "amount AMOUNT CURRENCY",
        "close" => "close DATE, e.g. close 2026-09-15",
        "opened" => "opened DATE, e.g. opened 2026-03-02",
        "lost" => "lost NAME \"label\", e.g. lost lost \"Closed lost\"",
        "actuals" => "actuals GOAL { PERIOD MEMBER… AMOUNT } or actuals GOAL from \"file.csv\"",
        "capacity" => "capacity AMOUNT UNIT, e.g. capacity 1.2M CNY",
        "start" => "start MONTH, e.g. start 2026-07",
        "ramp" => "ramp PERCENT…, e.g. ramp 50% 75%",
        "as_of" => "as_of DATE, e.g. as_of 2026-06-30",
        "currency" => "currency CODE, e.g. currency CNY",
        _ => return None,
    })
}

fn join_or(items: &[&str]) -> String {
    join_with(items, "or")
}

/// `a, b and c`, with `conjunction` before the last item.
fn join_with(items: &[&str], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} {conjunction} {}", init.join(", "), last),
    }
}

/// What a rule means to a user, for "expected …" messages.
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => "end of input",
        plan | include | strategy | dimension | team | goal | funnel | grades | deal | actuals
        | deals | k_plan | k_include | k_strategy | k_dimension | k_team | k_goal | k_grades
        | k_deal | k_actuals | k_deals => "an item (`plan`, `goal`, `dimension`, …)",
        ident | name_ref => "a name",
        string => "a string",
        number | decimal => "a number",
        percent => "a percentage such as `40%`",
        quantity | money => "an amount with its unit such as `12M CNY`",
        unit => "a unit such as `CNY` or `customers`",
        currency => "a currency such as `CNY`",
        duration | duration_unit => "a duration such as `10d`, `2w` or `3mo`",
        rate => "a rate such as `150 per month`",
        lint_code => "a diagnostic code such as `missing-baseline`",
        period | p_year | p_half | p_quarter | p_month | p_week => {
            "a period such as `2026`, `2026-Q3`, `2026-03` or `2026-04-01..2027-03-31`"
        }
        date => "a date such as `2026-03-15`",
        member => "a member",
        attr => "an attribute such as `potential 30M CNY`",
        coord => "a `DIMENSION MEMBER` pair such as `region east`",
        split_entry => "a split entry such as `east 40%`",
        rest | k_rest => "`rest`",
        even | k_even => "`even`",
        by | k_by => "`by`",
        split | k_split => "`split`",
        grade => "a grade such as `A \"likely\" 80%`",
        actual_row => "an actuals row such as `2026-Q1 east 260k`",
        actuals_from | k_from => "`from`",
        member_blocks | member_block => "a member's block such as `east { split rep even }`",
        k_each => "`each`",
        k_period => "`period`",
        k_currency => "`currency`",
        k_as_of => "`as_of`",
        k_lead => "`lead`",
        rep | k_rep => "`rep`",
        k_capacity => "`capacity`",
        k_start => "`start`",
        k_ramp => "`ramp`",
        k_owner => "`owner`",
        k_target => "`target`",
        k_baseline => "`baseline`",
        k_in => "`in`",
        k_supports => "`supports`",
        k_parent => "`parent`",
        k_funnel | funnel_ref => "`funnel`",
        k_allow => "`allow`",
        k_deal_size => "`deal_size`",
        k_inflow => "`inflow`",
        k_per => "`per`",
        stage | k_stage | stage_ref => "`stage`",
        k_buyer => "`buyer`",
        k_convert => "`convert`",
        k_dwell => "`dwell`",
        k_milestone => "`milestone`",
        k_actions => "`actions`",
        k_tools => "`tools`",
        k_grade | grade_ref => "`grade`",
        k_amount => "`amount`",
        k_close => "`close`",
        k_opened | opened_stmt => "`opened`",
        k_lost | outcome => "`lost`",
        k_dates | dates_stmt => "`dates`",
        k_missing | missing_stmt => "`missing`",
        k_cycle => "`cycle`",
        k_where | where_stmt => "`where`",
        where_op => "`=`, `!=`, `<`, `<=`, `>` or `>=`",
        k_skip | skip_stmt => "`skip`",
        k_footer => "`footer`",
        map_field => "a `FIELD COLUMN` pair such as `amount close_value`",
        mapping => "a mapping such as `{ amount close_value }`",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keywords_are_the_words_of_the_grammars_keyword_rules() {
        let rules: Vec<String> = Rule::all_rules()
            .iter()
            .map(|r| format!("{r:?}"))
            .filter(|r| r.starts_with("k_"))
            .collect();
        let words = keywords();
        assert_eq!(words.len(), rules.len(), "{words:?} against {rules:?}");
        for word in words {
            assert!(
                rules.contains(&format!("k_{word}")),
                "`{word}` has no rule k_{word}"
            );
        }
        assert!(words.contains(&"each") && words.contains(&"as_of"));
    }

    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse(FileId(0), text)
            .1
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn parses_the_spec_header() {
        let text = "plan \"FY2026 华东销售计划\" {\n  period 2026\n  currency CNY\n  as_of 2026-06-30\n}\n";
        let (file, diags) = parse(FileId(0), text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(file.items.len(), 1);
    }

    /// A plan may hold a hundred thousand one-line deals: the statements most deals lack
    /// are kept apart, allocated only for a deal that has one.
    #[test]
    fn a_one_line_deal_keeps_only_what_it_writes_inline() {
        let text = "deal d1 \"客户1\" { owner a  region r0  stage 线索  amount 90k CNY  close 2026-07-01 }\n\
                    deal d2 { owner b  grade hot  opened 2026-01-05  funnel 大客户  stage 商机 }\n\
                    deal d3 { owner c  amount 5 CNY  amout 7 CNY }\n";
        let (file, diags) = parse(FileId(0), text);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        let [
            ast::Item::Deal(plain),
            ast::Item::Deal(more),
            ast::Item::Deal(broken),
        ] = file.items.as_slice()
        else {
            panic!("three deals expected: {:?}", file.items);
        };
        assert!(plain.more.is_none());
        assert_eq!(plain.stage[0].value.text, "线索");
        assert_eq!(plain.coords[0].member.name.text, "r0");
        assert!(plain.coords[0].member.qualifier.is_none());
        assert!(plain.grade().is_empty() && plain.opened().is_empty());
        assert!(plain.funnel().is_empty() && plain.broken().is_empty());
        assert_eq!(more.grade()[0].value.text, "hot");
        assert_eq!(more.opened()[0].value.written, "2026-01-05");
        assert_eq!(more.funnel()[0].value.text, "大客户");
        assert!(more.broken().is_empty());
        assert_eq!(broken.amount.len(), 1);
        assert_eq!(broken.broken().len(), 1);
        assert_eq!(&text[broken.broken()[0].span.range()], "amout 7 CNY");
        // The room each deal takes in the tree, whatever it writes (64-bit targets).
        let size = std::mem::size_of::<ast::Deal>();
        assert!(size <= 560, "a deal node takes {size} bytes");
    }

    /// A deal's statements are tried by their first letter first. Where that finds
    /// nothing, every statement is tried, so an error there names all that a deal may
    /// hold, and a broken statement gets the message the full statement rule gives.
    #[test]
    fn a_broken_deal_is_read_as_if_every_statement_were_tried() {
        let Err(error) = PlanParser::parse(Rule::file, "deal d { owner r0 ") else {
            panic!("a deal without its closing brace parsed");
        };
        let pest::error::ErrorVariant::ParsingError { positives, .. } = error.variant else {
            panic!("not a parsing error: {error}");
        };
        assert_eq!(
            positives,
            [
                Rule::ident,
                Rule::bad_stmt,
                Rule::k_funnel,
                Rule::k_owner,
                Rule::k_stage,
                Rule::k_grade,
                Rule::k_amount,
                Rule::k_close,
                Rule::k_opened,
            ]
        );
        let cases = [
            (
                "deal d { amount }\n",
                "expected a name or a number, found end of line",
            ),
            ("deal d { stage }\n", "expected a name, found end of line"),
            (
                "deal d { owner r0 region }\n",
                "expected a name, found end of line",
            ),
            (
                "deal d { ownr r0 x }\n",
                "unknown statement `ownr` in a deal",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(errors(text), [message], "{text}");
        }
    }

    #[test]
    fn one_broken_item_does_not_hide_another() {
        let text =
            "goal a {\n  target 5M CNY\n  split region { east 40 % }\n}\ngoal b {\n  owner 12\n}\n";
        let messages = errors(text);
        assert_eq!(messages.len(), 2, "{messages:?}");
    }

    /// (text, message, help) for the mistakes people make most.
    #[test]
    fn common_mistakes_get_a_pointed_help() {
        let cases = [
            (
                "goal a {\n  target 12M\n}\n",
                "`target 12M` needs a unit, e.g. `12M USD`",
                "write the unit after the number, on the same line: `12M USD`, or `12M customers` for a count",
            ),
            (
                "goal a {\n  split region { east 40%  south }\n}\n",
                "`south` has no share",
                "write its share after it: `south 40%`, an amount such as `south 2M`, or `south rest`",
            ),
            (
                "goal a {\n  split region { east: 40% }\n}\n",
                "unexpected `:` between `east` and its value",
                "a value follows its name or keyword after a space: write `east 40%`",
            ),
            (
                "funnel f { stage a { convert 40 } stage b }\n",
                "`40` is a number, but `convert` takes a percentage",
                "a percentage needs its `%`: write `40%`",
            ),
            (
                "funnel f { stage a { convert 0.4 } stage b }\n",
                "`0.4` is a number, but `convert` takes a percentage",
                "a percentage needs its `%`: write `40%`",
            ),
            (
                "goal a {\n  target 40% \n}\n",
                "`40%` is a percentage, but `target` takes an amount",
                "`target` is written `target AMOUNT UNIT, e.g. target 12M CNY`",
            ),
            (
                "goal a {\n  targt 12M CNY\n}\n",
                "unknown statement `targt` in a goal",
                "did you mean `target`? The statements of a goal are `funnel`, `period`, `owner`, \
                 `target`, `baseline`, `supports`, `parent`, `split` and `allow`",
            ),
            (
                "goal a {\n  target 12M CNY\n",
                "the block of `goal a` is never closed",
                "add the `}` that closes it after its last statement",
            ),
            (
                "goal a {\n  target 12M CNY\n}\n}\n",
                "unexpected `}`: no block is open here",
                "remove it, or the `}` above it that closes its block too early",
            ),
            (
                "goal \"收入\" {\n  target 12M CNY\n}\n",
                "a name is missing before the label \"收入\"",
                "write a name, then the label: `goal NAME \"收入\"`; the name is what other \
                 statements refer to, the label what reports show",
            ),
            (
                "goal revenue 收入 {\n  target 12M CNY\n}\n",
                "the label `收入` needs double quotes",
                "write `\"收入\"`: a label is a string in double quotes",
            ),
            (
                "deal d { amount 5 %\n}\n",
                "`5%` is a percentage, but `amount` takes an amount",
                "`amount` is written `amount AMOUNT CURRENCY`",
            ),
        ];
        for (text, message, help) in cases {
            let diags = parse(FileId(0), text).1;
            assert_eq!(diags.len(), 1, "{text}: {diags:?}");
            assert_eq!(diags[0].message, message, "{text}");
            assert_eq!(diags[0].help.as_deref(), Some(help), "{text}");
        }
    }

    /// The reference: every chunk parsed on its own, in order, on this thread.
    fn parse_each_chunk(text: &str) -> (String, String, Vec<Diagnostic>) {
        let scanned = scan::scan(FileId(0), text);
        let mut out = Parsed::default();
        for chunk in &scanned.chunks {
            parse_chunk(FileId(0), text, chunk, &mut out);
        }
        (
            format!("{:?}", out.items),
            format!("{:?}", out.broken),
            out.diagnostics,
        )
    }

    fn parse_whole_file(text: &str) -> (String, String, Vec<Diagnostic>) {
        let (file, diagnostics) = parse(FileId(0), text);
        (
            format!("{:?}", file.items),
            format!("{:?}", file.broken),
            diagnostics,
        )
    }

    fn parse_on_threads(text: &str, threads: usize) -> (String, String, Vec<Diagnostic>) {
        let scanned = scan::scan(FileId(0), text);
        let out = parse_chunks(FileId(0), text, &scanned.chunks, threads);
        (
            format!("{:?}", out.items),
            format!("{:?}", out.broken),
            out.diagnostics,
        )
    }

    #[test]
    fn chunks_that_read_differently_joined_are_parsed_alone() {
        // Joined, the second line would be two members of the unclosed dimension.
        let text = "dimension d {\ndeal x \"y\"\n}\nstrategy s\n";
        let (items, broken, diagnostics) = parse_whole_file(text);
        assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
        // The `{` left open.
        assert_eq!(diagnostics[0].span.start(), 12);
        assert_eq!(
            (items, broken, diagnostics),
            parse_each_chunk(text),
            "grouped parse differs from parsing each chunk"
        );
        let chunks = scan::scan(FileId(0), text).chunks;
        assert!(!parse_group(
            FileId(0),
            text,
            &chunks,
            &mut Parsed::default()
        ));
        // Two clean items in one group are taken together.
        let text = "strategy a\ndeal d { amount 1k CNY }\n";
        let chunks = scan::scan(FileId(0), text).chunks;
        assert_eq!(chunks.len(), 2);
        let mut out = Parsed::default();
        assert!(parse_group(FileId(0), text, &chunks, &mut out));
        assert_eq!(out.items.len(), 2);
    }

    /// A plan of at least `min_bytes`: one-line deals and blocks of actual rows, with four
    /// mistakes every 300 items (an amount too large, a percentage written `40 %`, blocks
    /// nested too deep, a block never closed).
    fn plan_with_mistakes(min_bytes: usize) -> String {
        let mut text = String::from("plan \"大计划\" { period 2026  currency CNY }\n");
        let mut i = 0;
        while text.len() < min_bytes {
            let line = match i % 300 {
                13 => format!(
                    "deal d{i} {{ owner 小王  amount 1{} CNY }}\n",
                    "0".repeat(40)
                ),
                41 => {
                    format!("goal g{i} {{\n  target 5M CNY\n  split region {{ east 40 % }}\n}}\n")
                }
                67 => format!("goal deep{i} {{{}\n", "{".repeat(scan::MAX_DEPTH + 2)),
                79 => format!("dimension d{i} {{\n  east\n"),
                _ if i % 2 == 0 => format!(
                    "deal d{i} \"客户{i}\" {{ owner rep_{i}  stage 商机  amount {i}k CNY  close 2026-07-01 }}\n"
                ),
                _ => {
                    format!("actuals revenue {{\n  2026-01 east {i}\n  2026-02 西区 -{i}.5万\n}}\n")
                }
            };
            text.push_str(&line);
            i += 1;
        }
        text
    }

    #[test]
    fn threads_and_groups_parse_as_each_chunk_alone_would() {
        let text = plan_with_mistakes(3 * GROUP_BYTES);
        let alone = parse_each_chunk(&text);
        assert!(alone.2.len() > 5, "{}", alone.2.len());
        assert!(alone.1.contains("BrokenDefinition"));
        assert_eq!(alone, parse_whole_file(&text));
        // Several threads taking pieces in whatever order they run give the same.
        for threads in [1, 2, 3, 8] {
            assert_eq!(alone, parse_on_threads(&text, threads), "{threads} threads");
        }
    }

    #[test]
    fn a_large_file_parsed_on_threads_gives_exactly_the_serial_result() {
        let text = plan_with_mistakes(PARALLEL_MIN_BYTES + GROUP_BYTES);
        let serial = parse_on_threads(&text, 1);
        // One diagnostic per mistake, and mistakes all over the file, so in every
        // thread's share of it.
        let mistakes = text.matches(&"0".repeat(40)).count()
            + text.matches(" 40 %").count()
            + text.matches("goal deep").count()
            + text.matches("dimension d").count();
        assert_eq!(mistakes, 4 * 12);
        assert_eq!(serial.2.len(), mistakes);
        let at: Vec<usize> = serial.2.iter().map(|d| d.span.start()).collect();
        assert!(at.is_sorted(), "diagnostics out of file order");
        assert!(at[0] < text.len() / 16, "{} of {}", at[0], text.len());
        assert!(
            at[at.len() - 1] > text.len() / 16 * 15,
            "{at:?} of {}",
            text.len()
        );
        // The public entry point takes the threaded path at this size: same items, same
        // broken definitions, same diagnostics in the same order.
        assert!(text.len() >= PARALLEL_MIN_BYTES);
        assert_eq!(serial, parse_whole_file(&text));
        assert_eq!(serial, parse_on_threads(&text, 2));
        assert_eq!(serial, parse_each_chunk(&text));
    }

    #[test]
    fn only_a_top_level_plan_item_makes_a_root() {
        assert!(has_plan_block("plan \"p\" { period 2026 }\n"));
        assert!(has_plan_block("\u{feff}plan{ period 2026 }\n"));
        assert!(has_plan_block(
            "# header\ngoal g { }\n  plan { period 2026 }\n"
        ));
        // A member named `plan`, indented inside a dimension, is not a `plan` block.
        assert!(!has_plan_block(
            "dimension tier \"客户分层\" {\n  plan \"计划客户\"\n  pro\n}\n"
        ));
        assert!(!has_plan_block(
            "team t {\n  rep a { region plan }\n\tplan\n}\n"
        ));
        assert!(!has_plan_block("planning \"x\"\n"));
    }

    #[test]
    fn a_broken_item_records_the_definitions_the_grammar_would_read() {
        let broken = |text: &str| -> Vec<(Keyword, String)> {
            parse(FileId(0), text)
                .0
                .broken
                .into_iter()
                .map(|b| (b.keyword, b.name))
                .collect()
        };
        // `plan{` is a plan block to the grammar, so to recovery too.
        assert_eq!(
            broken("plan{ period 2026\n"),
            [(Keyword::Plan, String::new())]
        );
        assert_eq!(
            broken("team 华东{\n  rep 张三 {\n    capacity 1M\n}\n"),
            [
                (Keyword::Team, "华东".to_string()),
                (Keyword::Rep, "张三".to_string())
            ]
        );
        // Neither `include` nor `actuals` defines a name; `planning` is no keyword.
        assert!(broken("actuals g {\n  2026 x\n}\nplanning x {\n").is_empty());
    }

    #[test]
    fn error_names_what_was_expected() {
        let diags = parse(FileId(0), "goal a {\n  target CNY\n}\n").1;
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].message, "expected a number, found `CNY`");
        assert_eq!(
            diags[0].help.as_deref(),
            Some("`target` is written `target AMOUNT UNIT, e.g. target 12M CNY`")
        );
    }
}
