//! Statement-level recovery: what to say about a statement that did not parse inside a
//! block, and what it was meant to be.
//!
//! The grammar ends the statements of every block with `bad_stmt`, which takes the rest
//! of a line that no statement matches. Its text is parsed again here with the block's
//! own statement rule, so the message says what the grammar expected at the exact place
//! it stopped, and the statements the grammar allows in the block are the ones a "did
//! you mean" chooses from. There is no second description of the language.

use super::ast::BrokenStatement;
use super::{PlanParser, Rule, Within, describe, error_in, scan, token_len};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::Parser;

/// The kind of block a broken statement was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Block {
    Plan,
    Dimension,
    Attrs,
    Team,
    Rep,
    Goal,
    Split,
    Nested,
    /// The member blocks of an `even` or `by` split.
    MemberBlocks,
    Funnel,
    Stage,
    Grades,
    Deal,
    Actuals,
    Mapping,
}

impl Block {
    /// The grammar rule of one statement of the block.
    fn rule(self) -> Rule {
        match self {
            Block::Plan => Rule::plan_stmt,
            Block::Dimension => Rule::member,
            Block::Attrs => Rule::attr,
            Block::Team => Rule::team_stmt,
            Block::Rep => Rule::rep_stmt,
            Block::Goal => Rule::goal_stmt,
            Block::Split => Rule::split_entry,
            Block::Nested => Rule::split,
            Block::MemberBlocks => Rule::member_block,
            Block::Funnel => Rule::funnel_stmt,
            Block::Stage => Rule::stage_stmt,
            Block::Grades => Rule::grade,
            Block::Deal => Rule::deal_stmt,
            Block::Actuals => Rule::actual_row,
            Block::Mapping => Rule::mapping_stmt,
        }
    }

    /// The block in a user's words: "the statements of a goal".
    fn noun(self) -> &'static str {
        match self {
            Block::Plan => "the `plan` block",
            Block::Dimension => "a dimension",
            Block::Attrs => "a member's attributes",
            Block::Team => "a team",
            Block::Rep => "a rep",
            Block::Goal => "a goal",
            Block::Split => "a split",
            Block::Nested => "a nested split",
            Block::MemberBlocks => "the member blocks of a split",
            Block::Funnel => "a funnel",
            Block::Stage => "a stage",
            Block::Grades => "`grades`",
            Block::Deal => "a deal",
            Block::Actuals => "actuals",
            Block::Mapping => "an import's mapping",
        }
    }
}

/// What the grammar accepts at the start of a statement of `block`: the keywords of its
/// statements, and whether a statement may also start with a name or a value (a
/// member, a `DIMENSION MEMBER` pair, an actuals row), taken from the error the
/// grammar gives for an empty statement.
fn starts(block: Block) -> (Vec<&'static str>, bool) {
    let Err(error) = PlanParser::parse(block.rule(), "") else {
        return (Vec::new(), true);
    };
    let pest::error::ErrorVariant::ParsingError { positives, .. } = error.variant else {
        return (Vec::new(), true);
    };
    let mut keywords = Vec::new();
    let mut other = false;
    for rule in positives {
        match describe(rule).and_then(|d| d.strip_prefix('`')?.strip_suffix('`')) {
            Some(word) if !keywords.contains(&word) => keywords.push(word),
            Some(_) => {}
            None => other = true,
        }
    }
    (keywords, other)
}

/// The statement keywords of the blocks that also hold `DIMENSION MEMBER` pairs (teams,
/// reps, deals): a misspelt keyword there reads as a pair, whose unknown dimension may be
/// that keyword.
pub fn keywords_beside_coordinates() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for block in [Block::Team, Block::Rep, Block::Deal] {
        for keyword in starts(block).0 {
            if !out.contains(&keyword) {
                out.push(keyword);
            }
        }
    }
    out
}

/// Whether `word` is no keyword of `block` but close to one: a misspelt keyword.
pub(super) fn misspells_keyword(word: &str, block: Block) -> bool {
    let (keywords, _) = starts(block);
    !word.is_empty()
        && !keywords.contains(&word)
        && crate::suggest::did_you_mean(word, keywords.iter().copied()).is_some()
}

/// The statement keywords of `block`, as a list for help lines: "`owner`, `target` …".
pub(super) fn keyword_list(block: Block) -> String {
    let (keywords, _) = starts(block);
    let quoted: Vec<String> = keywords.iter().map(|k| format!("`{k}`")).collect();
    let quoted: Vec<&str> = quoted.iter().map(String::as_str).collect();
    super::join_with(&quoted, "and")
}

/// The diagnostic for a statement of `block` that did not parse, written at byte `base`
/// of the file as `text` (its line, without the line end), and what the statement was
/// meant to be.
pub(super) fn broken_statement(
    file: FileId,
    base: usize,
    text: &str,
    block: Block,
) -> (Diagnostic, BrokenStatement) {
    let text = text.trim_end();
    let span = Span::new(file, base, base + text.len());
    let first = scan::name_at_start(text);
    let (keywords, names_too) = starts(block);
    let written = keywords.iter().copied().find(|k| *k == first);
    let after_keyword = |keyword_len: usize| {
        let rest = text.get(keyword_len..).unwrap_or("").trim_start();
        scan::name_at_start(rest).to_string()
    };
    if written.is_none() && !first.is_empty() {
        let guess = crate::suggest::did_you_mean(first, keywords.iter().copied())
            .and_then(|g| keywords.iter().copied().find(|k| *k == g));
        if guess.is_some() || !names_too {
            let diagnostic = unknown_statement(file, base, first, guess, block);
            let broken = BrokenStatement {
                keyword: guess,
                name: after_keyword(first.len()),
                span,
            };
            return (diagnostic, broken);
        }
    }
    if block == Block::MemberBlocks
        && let Some(diagnostic) = splits_without_braces(file, base, text, first)
    {
        let broken = BrokenStatement {
            keyword: None,
            name: first.to_string(),
            span,
        };
        return (diagnostic, broken);
    }
    let diagnostic = reparse(file, base, text, block, written);
    let name = match written {
        Some(keyword) => after_keyword(keyword.len()),
        None => first.to_string(),
    };
    let broken = BrokenStatement {
        keyword: written,
        name,
        span,
    };
    (diagnostic, broken)
}

/// A member's splits written after it without their braces: `east split product even`.
fn splits_without_braces(
    file: FileId,
    base: usize,
    text: &str,
    member: &str,
) -> Option<Diagnostic> {
    let rest = text.get(member.len()..)?.trim_start();
    if member.is_empty() || super::parse_whole(Rule::split, rest).is_none() {
        return None;
    }
    let at = base + (text.len() - rest.len());
    Some(
        Diagnostic::new(
            Code::Syntax,
            Span::new(file, at, base + text.len()),
            format!("the splits of `{member}` need braces around them"),
        )
        .with_label("not in braces")
        .with_help(format!("write `{member} {{ {rest} }}`")),
    )
}

/// A statement that starts with a word that is no statement of the block.
fn unknown_statement(
    file: FileId,
    base: usize,
    word: &str,
    guess: Option<&str>,
    block: Block,
) -> Diagnostic {
    let list = keyword_list(block);
    let help = match guess {
        Some(keyword) => format!(
            "did you mean `{keyword}`? The statements of {} are {list}",
            block.noun()
        ),
        None => format!("the statements of {} are {list}", block.noun()),
    };
    Diagnostic::new(
        Code::Syntax,
        Span::new(file, base, base + word.len()),
        format!("unknown statement `{word}` in {}", block.noun()),
    )
    .with_label("not a statement here")
    .with_help(help)
}

/// Parse the statement again on its own, for the grammar's own account of where it
/// stops and what it expected there.
fn reparse(
    file: FileId,
    base: usize,
    text: &str,
    block: Block,
    keyword: Option<&'static str>,
) -> Diagnostic {
    let parsed_len = match PlanParser::parse(block.rule(), text) {
        Err(error) => return error_in(file, base, text, &error, Within::Statement),
        Ok(pairs) => pairs.map(|p| p.as_span().end()).max().unwrap_or(0),
    };
    // The statement reads, but not to the end of its line: what follows belongs to no
    // statement.
    let rest = text.get(parsed_len..).unwrap_or("");
    if rest.trim().is_empty() {
        // It reads alone but not where it was written.
        return Diagnostic::new(
            Code::Syntax,
            Span::new(file, base, base + text.len()),
            format!("this statement cannot be written in {}", block.noun()),
        )
        .with_label("not here")
        .with_help(format!(
            "the statements of {} are {}",
            block.noun(),
            keyword_list(block)
        ));
    }
    let at = parsed_len + (rest.len() - rest.trim_start().len());
    let found_len = token_len(text.get(at..).unwrap_or("")).max(1);
    let found = text.get(at..at + found_len).unwrap_or("");
    let read = text.get(..parsed_len).unwrap_or("").trim_end();
    let help = match keyword.and_then(super::statement_form) {
        Some(form) => format!(
            "`{}` is written `{form}`; one statement ends where the next begins",
            keyword.unwrap_or("")
        ),
        None => "`planck explain syntax` shows the form of each statement".to_string(),
    };
    Diagnostic::new(
        Code::Syntax,
        Span::new(file, base + at, base + at + found_len),
        format!("unexpected `{found}` after `{read}`"),
    )
    .with_label("unexpected")
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statements_of_a_block_come_from_the_grammar() {
        let (goal, names) = starts(Block::Goal);
        assert!(!names);
        for keyword in [
            "owner", "target", "baseline", "period", "supports", "parent", "funnel", "split",
            "allow",
        ] {
            assert!(goal.contains(&keyword), "{keyword} in {goal:?}");
        }
        assert_eq!(goal.len(), 9, "{goal:?}");
        let (deal, names) = starts(Block::Deal);
        assert!(names, "a deal's coordinates start with a name");
        assert!(deal.contains(&"amount"));
        let (plan, _) = starts(Block::Plan);
        assert_eq!(plan.len(), 3, "{plan:?}");
    }
}
