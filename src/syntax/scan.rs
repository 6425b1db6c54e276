//! A fast line scanner that runs before the grammar.
//!
//! It collects comments (the grammar skips them, the formatter must keep them), cuts the
//! file into chunks at the start of each top-level item so a syntax error in one item
//! cannot hide the diagnostics of the others, and finds blocks nested too deeply for the
//! recursive grammar before the grammar sees them.

use super::ast::Comment;
use crate::source::{FileId, Span};

/// The words that start a top-level item or define a name: the lexical knowledge of
/// where items begin, shared by the scanner, root detection, broken-item recovery and
/// help lines. The grammar is the reference; tests check this list against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Plan,
    Include,
    Strategy,
    Dimension,
    Team,
    Goal,
    Funnel,
    Grades,
    Deal,
    Actuals,
    /// `deals from "FILE" { … }`: deals read from an export.
    Deals,
    /// A rep, defined inside a team.
    Rep,
    /// A funnel stage, defined inside a funnel (and named by a deal).
    Stage,
}

impl Keyword {
    /// Every keyword: the item keywords, then those that define a name inside an item.
    pub const ALL: [Keyword; 13] = [
        Keyword::Plan,
        Keyword::Include,
        Keyword::Strategy,
        Keyword::Dimension,
        Keyword::Team,
        Keyword::Goal,
        Keyword::Funnel,
        Keyword::Grades,
        Keyword::Deal,
        Keyword::Actuals,
        Keyword::Deals,
        Keyword::Rep,
        Keyword::Stage,
    ];

    /// The keywords that start a top-level item, in the order of the grammar's `item` rule.
    pub const ITEMS: &[Keyword] = Keyword::ALL.split_at(11).0;

    pub const fn as_str(self) -> &'static str {
        match self {
            Keyword::Plan => "plan",
            Keyword::Include => "include",
            Keyword::Strategy => "strategy",
            Keyword::Dimension => "dimension",
            Keyword::Team => "team",
            Keyword::Goal => "goal",
            Keyword::Funnel => "funnel",
            Keyword::Grades => "grades",
            Keyword::Deal => "deal",
            Keyword::Actuals => "actuals",
            Keyword::Deals => "deals",
            Keyword::Rep => "rep",
            Keyword::Stage => "stage",
        }
    }

    /// Whether the keyword starts a top-level item.
    pub const fn starts_item(self) -> bool {
        !matches!(self, Keyword::Rep | Keyword::Stage)
    }

    /// Whether the keyword defines names: the one that follows it (`goal revenue`,
    /// `rep alice`), or those in its block (`grades`). `include`, `actuals` and `deals`
    /// define no name of the plan.
    pub const fn defines(self) -> bool {
        !matches!(self, Keyword::Include | Keyword::Actuals | Keyword::Deals)
    }

    /// The keyword `text` starts with, read as the grammar reads a keyword (not followed
    /// by a character that continues a name), and the text after it.
    pub fn at_start(text: &str) -> Option<(Keyword, &str)> {
        // Every keyword is lower-case ASCII: only those starting with the text's first
        // byte are compared.
        let first = text.as_bytes().first().copied()?;
        if !first.is_ascii_lowercase() {
            return None;
        }
        Keyword::ALL
            .into_iter()
            .filter(|keyword| keyword.as_str().as_bytes().first() == Some(&first))
            .find_map(|keyword| {
                let after = text.strip_prefix(keyword.as_str())?;
                // A space ends the word as every other character that cannot continue
                // a name does, without looking it up.
                let ends_word = after.starts_with([' ', '\t', '\n', '\r', '{'])
                    || !after.starts_with(pest::unicode::XID_CONTINUE);
                ends_word.then_some((keyword, after))
            })
    }
}

/// The words that start a top-level item, as text.
pub const ITEM_KEYWORDS: &[&str] = &{
    let mut words = [""; Keyword::ITEMS.len()];
    let mut i = 0;
    while i < words.len() {
        words[i] = Keyword::ITEMS[i].as_str();
        i += 1;
    }
    words
};

/// Splits a line into its indentation (spaces, tabs, a byte-order mark) and the rest.
pub fn indentation(line: &str) -> (usize, &str) {
    let rest = line.trim_start_matches([' ', '\t', '\u{feff}']);
    (line.len() - rest.len(), rest)
}

/// The name at the start of `text`, as the grammar's `ident` reads it; empty if none.
pub fn name_at_start(text: &str) -> &str {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, c)) if c == '_' || pest::unicode::XID_START(c) => {}
        _ => return "",
    }
    let end = chars
        .find(|&(_, c)| !pest::unicode::XID_CONTINUE(c))
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// The ASCII characters of `line` outside its strings (a string ends at its line), with
/// their offsets: braces that open and close blocks, and a `#` that starts a comment.
/// Every character that matters here is ASCII, and no byte of a longer UTF-8 character
/// is, so the line is read byte by byte, without decoding it.
pub fn outside_strings(line: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut in_string = false;
    let mut escaped = false;
    line.bytes().enumerate().filter_map(move |(i, b)| {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            return None;
        }
        in_string = b == b'"';
        (!in_string && b.is_ascii()).then_some((i, char::from(b)))
    })
}

/// Blocks nested deeper than this are refused before parsing.
pub const MAX_DEPTH: usize = 48;

/// A byte range of the file holding zero or more whole top-level items.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    /// The offset of the first `{` that went past [`MAX_DEPTH`], if any.
    pub too_deep: Option<usize>,
    /// Whether every block opened in the chunk is closed by its end.
    pub closed: bool,
}

impl Chunk {
    /// Whether the grammar may read this chunk together with its neighbours. The scanner
    /// starts counting braces afresh at each item, so only a chunk that is neither too deep
    /// nor left open bounds the nesting the grammar meets when it reads on past the chunk
    /// (the grammar recurses once per block, and a run of items each leaving a block open
    /// would otherwise nest without limit).
    pub fn joinable(&self) -> bool {
        self.too_deep.is_none() && self.closed
    }
}

#[derive(Debug, Default)]
pub struct Scan {
    pub chunks: Vec<Chunk>,
    pub comments: Vec<Comment>,
    /// Whether a top-level `plan` item starts somewhere: the file is then the root of a
    /// compilation.
    pub has_plan_block: bool,
}

/// The item keyword starting `line`, if the line starts a top-level item: the keyword
/// is in column 0, or outside every block (so an unclosed block cannot swallow the
/// next item, and an indented member named `plan` is not an item).
fn item_start(line: &str, depth: usize) -> Option<Keyword> {
    // Most lines of a large file are indented rows inside a block.
    if depth > 0 && line.starts_with([' ', '\t', '\u{feff}']) {
        return None;
    }
    let (indent, rest) = indentation(line);
    let (keyword, _) = Keyword::at_start(rest)?;
    (keyword.starts_item() && (indent == 0 || depth == 0)).then_some(keyword)
}

pub fn scan(file: FileId, text: &str) -> Scan {
    scan_from(file, text, 0)
}

/// [`scan`] on up to `parts` threads (this one included), for large files. The text is cut
/// before lines that start an item in column 0: the scanner starts a chunk there whatever
/// came before (an item in column 0 ends any block left open), so each part scanned from
/// such a line on its own gives exactly what one scan of the whole text gives from there.
/// The parts' results are joined in file order.
pub fn scan_parallel(file: FileId, text: &str, parts: usize) -> Scan {
    let cuts = cuts(text, parts);
    if cuts.len() < 3 {
        return scan(file, text);
    }
    let bounds: Vec<(usize, usize)> = cuts
        .windows(2)
        .filter_map(|cut| Some((*cut.first()?, *cut.last()?)))
        .collect();
    let part = |(start, end): (usize, usize)| {
        text.get(start..end)
            .map(|part| scan_from(file, part, start))
    };
    let part = &part;
    let scanned: Vec<Scan> = std::thread::scope(|scope| {
        // Every part but the first on a thread of its own; a part whose thread cannot be
        // started is scanned on this one.
        let helpers: Vec<_> = bounds
            .iter()
            .skip(1)
            .map(|&bounds| {
                let thread = std::thread::Builder::new().spawn_scoped(scope, move || part(bounds));
                (bounds, thread.ok())
            })
            .collect();
        let mut scanned = Vec::with_capacity(bounds.len());
        scanned.push(bounds.first().and_then(|&bounds| part(bounds)));
        for (bounds, helper) in helpers {
            scanned.push(match helper.map(|helper| helper.join()) {
                Some(Ok(scanned)) => scanned,
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                None => part(bounds),
            });
        }
        scanned.into_iter().collect::<Option<Vec<Scan>>>()
    })
    .unwrap_or_default();
    if scanned.is_empty() {
        return scan(file, text);
    }
    let mut out = Scan {
        chunks: Vec::with_capacity(scanned.iter().map(|s| s.chunks.len()).sum()),
        comments: Vec::with_capacity(scanned.iter().map(|s| s.comments.len()).sum()),
        has_plan_block: false,
    };
    for mut part in scanned {
        out.chunks.append(&mut part.chunks);
        out.comments.append(&mut part.comments);
        out.has_plan_block |= part.has_plan_block;
    }
    out
}

/// Where [`scan_parallel`] cuts `text` into about `parts` parts of equal size: 0, then the
/// start of the first line at or after each share that starts an item in column 0, then
/// the text's length. Fewer cuts where no such line follows a share.
fn cuts(text: &str, parts: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut cuts = vec![0];
    for part in 1..parts {
        let mut from = (text.len() / parts * part).max(cuts.last().copied().unwrap_or(0));
        // The start of each line after `from`, until one starts an item in column 0.
        while let Some(newline) = bytes
            .get(from..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        {
            from += newline + 1;
            let starts_item = text
                .get(from..)
                .and_then(Keyword::at_start)
                .is_some_and(|(keyword, _)| keyword.starts_item());
            if starts_item {
                cuts.push(from);
                break;
            }
        }
    }
    cuts.retain(|&cut| cut < text.len());
    cuts.dedup();
    cuts.push(text.len());
    cuts
}

/// The bytes a line's scan stops at outside strings: a string's start, a comment's, and
/// braces. (Every one is ASCII, and no byte of a longer UTF-8 character is.)
const fn stops_outside_strings() -> [bool; 256] {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'#' as usize] = true;
    table[b'{' as usize] = true;
    table[b'}' as usize] = true;
    table
}
static STOPS: [bool; 256] = stops_outside_strings();

/// [`scan`] of `text`, a part of a file starting at byte `base` of it at the start of a
/// line: offsets are the file's.
fn scan_from(file: FileId, text: &str, base: usize) -> Scan {
    let mut out = Scan::default();
    let mut depth = 0usize;
    let mut chunk_start = base;
    let mut too_deep: Option<usize> = None;
    let mut offset = base;

    for line in text.split_inclusive('\n') {
        if let Some(keyword) = item_start(line, depth) {
            out.has_plan_block |= keyword == Keyword::Plan;
            if offset > chunk_start {
                out.chunks.push(Chunk {
                    start: chunk_start,
                    end: offset,
                    too_deep,
                    closed: depth == 0,
                });
                chunk_start = offset;
                too_deep = None;
                depth = 0;
            }
        }

        // What `outside_strings` yields, read in leaps from one byte that matters to the
        // next: a string ends at its closing quote or with its line.
        let bytes = line.as_bytes();
        let mut i = 0;
        while let Some(skip) = bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| STOPS[usize::from(b)]))
        {
            i += skip;
            match bytes.get(i) {
                Some(b'"') => {
                    i += 1;
                    while let Some(&b) = bytes.get(i) {
                        i += if b == b'\\' { 2 } else { 1 };
                        if b == b'"' {
                            break;
                        }
                    }
                }
                Some(b'#') => {
                    let body = line
                        .get(i..)
                        .unwrap_or_default()
                        .trim_end_matches(['\n', '\r']);
                    out.comments.push(Comment {
                        span: Span::new(file, offset + i, offset + i + body.len()),
                        text: body.to_string(),
                    });
                    break;
                }
                Some(b'{') => {
                    depth += 1;
                    if depth > MAX_DEPTH && too_deep.is_none() {
                        too_deep = Some(offset + i);
                    }
                    i += 1;
                }
                Some(b'}') => {
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        offset += line.len();
    }
    if offset > chunk_start || out.chunks.is_empty() {
        out.chunks.push(Chunk {
            start: chunk_start,
            end: offset,
            too_deep,
            closed: depth == 0,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk_texts(text: &str) -> Vec<&str> {
        scan(FileId(0), text)
            .chunks
            .iter()
            .map(|c| &text[c.start..c.end])
            .collect()
    }

    #[test]
    fn splits_at_items_in_column_zero() {
        let text = "plan { period 2026 }\ngoal a {\n  target 1 x\n}\n# note\ngoal b { }\n";
        assert_eq!(
            chunk_texts(text),
            vec![
                "plan { period 2026 }\n",
                "goal a {\n  target 1 x\n}\n# note\n",
                "goal b { }\n"
            ]
        );
    }

    #[test]
    fn an_unclosed_block_does_not_swallow_the_next_item() {
        let text = "goal a {\n  target 1 x\ngoal b { }\n";
        assert_eq!(chunk_texts(text).len(), 2);
    }

    #[test]
    fn indented_keywords_inside_blocks_do_not_split() {
        let text = "dimension d {\n  plan \"x\"\n  goal\n}\n";
        assert_eq!(chunk_texts(text).len(), 1);
    }

    #[test]
    fn comments_are_collected_but_not_inside_strings() {
        let s = scan(FileId(0), "goal a \"#1\" { # owner later\r\n}\n");
        assert_eq!(s.comments.len(), 1);
        assert_eq!(s.comments[0].text, "# owner later");
    }

    #[test]
    fn a_scan_in_parts_is_the_scan_of_the_whole() {
        let pieces = [
            "plan \"p\" { period 2026 }\n",
            "deal d \"{ \\\" #\" { owner a } # done {\n",
            "goal a {\n  target 1 x\n",
            "  # 注释 }\n",
            "\u{feff}goal b { }\n",
            "actuals a {\n  2026-01 r 1\n  }\n}\n",
            "  deal indented { }\n",
            "goal deep {",
            "dealer x\n",
            "deal 客户 \"客户\" { }\r\n",
        ];
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(pieces[i * 7 % pieces.len()]);
            if i % 97 == 0 {
                text.push_str(&"{".repeat(MAX_DEPTH + 1));
                text.push('\n');
            }
        }
        let whole = format!("{:?}", scan(FileId(3), &text));
        for parts in 1..9 {
            assert_eq!(
                format!("{:?}", scan_parallel(FileId(3), &text, parts)),
                whole,
                "{parts} parts"
            );
            for chars in [0, 1, 17, text.len() / 3] {
                let end = text
                    .char_indices()
                    .nth(chars)
                    .map_or(text.len(), |(i, _)| i);
                let text = text.get(..end).unwrap();
                assert_eq!(
                    format!("{:?}", scan_parallel(FileId(3), text, parts)),
                    format!("{:?}", scan(FileId(3), text)),
                );
            }
        }
        assert!(cuts(&text, 4).len() == 5, "{:?}", cuts(&text, 4));
    }

    #[test]
    fn deep_nesting_is_flagged() {
        let text = "goal a {".to_string() + &"{".repeat(MAX_DEPTH + 5);
        let s = scan(FileId(0), &text);
        assert!(s.chunks[0].too_deep.is_some());
    }
}

/// The keyword list checked against the grammar, so that the scanner, root detection and
/// recovery cannot drift from what the grammar reads as an item.
#[cfg(test)]
mod grammar_tests {
    use super::*;
    use crate::syntax::{PlanParser, Rule};
    use pest::Parser;
    use std::collections::BTreeSet;

    fn rule_named(name: &str) -> Option<Rule> {
        Rule::all_rules()
            .iter()
            .copied()
            .find(|r| format!("{r:?}") == name)
    }

    /// The shortest item each item keyword starts.
    fn minimal_item(keyword: Keyword) -> &'static str {
        match keyword {
            Keyword::Plan => "plan { }",
            Keyword::Include => "include \"a.plan\"",
            Keyword::Strategy => "strategy s",
            Keyword::Dimension => "dimension d { }",
            Keyword::Team => "team t { }",
            Keyword::Goal => "goal g { }",
            Keyword::Funnel => "funnel f { }",
            Keyword::Grades => "grades { }",
            Keyword::Deal => "deal d { }",
            Keyword::Actuals => "actuals g { }",
            Keyword::Deals => "deals from \"a.csv\" { }",
            Keyword::Rep => "team t { rep r }",
            Keyword::Stage => "funnel f { stage s }",
        }
    }

    #[test]
    fn the_item_keywords_are_the_grammars_items() {
        // Where an item must start, the grammar says which items it tried (after a first
        // item, so that the error is not reported as the whole file's).
        let Err(error) = PlanParser::parse(Rule::file, "strategy s \"s\"\n?") else {
            panic!("`?` parsed as a file");
        };
        let pest::error::ErrorVariant::ParsingError { positives, .. } = error.variant else {
            panic!("{error}");
        };
        let grammar: BTreeSet<String> = positives
            .iter()
            .filter(|r| **r != Rule::EOI)
            .map(|r| {
                let name = format!("{r:?}");
                match name.strip_prefix("k_") {
                    Some(word) => word.to_string(),
                    None => panic!("the grammar tried `{name}` where an item starts"),
                }
            })
            .collect();
        let scanner: BTreeSet<String> = ITEM_KEYWORDS.iter().map(|k| k.to_string()).collect();
        assert_eq!(grammar, scanner);
    }

    #[test]
    fn every_keyword_is_a_grammar_keyword_and_starts_its_item() {
        for keyword in Keyword::ALL {
            let word = keyword.as_str();
            let rule = rule_named(&format!("k_{word}")).unwrap();
            let pair = PlanParser::parse(rule, word).unwrap().next().unwrap();
            assert_eq!(pair.as_str(), word);
            assert_eq!(
                Keyword::at_start(&format!("{word} x")),
                Some((keyword, " x"))
            );
            assert_eq!(Keyword::at_start(&format!("{word}_x")), None);
            assert_eq!(Keyword::at_start(&format!("{word}é")), None);

            let item = minimal_item(keyword);
            let (file, diagnostics) = crate::syntax::parse(FileId(0), item);
            assert!(diagnostics.is_empty(), "{item}: {diagnostics:?}");
            assert_eq!(file.items.len(), 1, "{item}");
            if keyword.starts_item() {
                // The item's own rule starts with its keyword …
                let rule = rule_named(word).unwrap();
                assert!(PlanParser::parse(rule, item).is_ok(), "{item}");
                // … and the scanner cuts before it, in column 0 and indented.
                let text = format!("{item}\n{item}\n  {item}\n");
                assert_eq!(scan(FileId(0), &text).chunks.len(), 3, "{item}");
                assert_eq!(
                    scan(FileId(0), &text).has_plan_block,
                    keyword == Keyword::Plan
                );
            } else {
                // A definition inside an item: its rule starts with the keyword.
                let inner = item
                    .split_once("{ ")
                    .and_then(|(_, rest)| rest.strip_suffix(" }"))
                    .unwrap();
                let rule = rule_named(word).unwrap();
                assert!(PlanParser::parse(rule, inner).is_ok(), "{inner}");
                assert_eq!(scan(FileId(0), item).chunks.len(), 1, "{item}");
            }
        }
    }
}
