//! Root causes: a syntax error said as the mistake the writer made ("`target 1M` needs
//! a unit") rather than as what the grammar expected where it stopped. Each cause is
//! recognised from the grammar's own error (where it stopped, what it tried there) and
//! the text around it; an error none of them fits keeps the grammar's message.

use super::{PlanParser, Rule, Within, scan};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::Parser;

const UNIT: &str = "a unit such as `CNY` or `customers`";
const CURRENCY: &str = "a currency such as `CNY`";
const NUMBER: &str = "a number";
const AMOUNT: &str = "an amount with its unit such as `12M CNY`";
const PERCENT: &str = "a percentage such as `40%`";
const SHARE: &str = "a share such as `40%`, an amount or `rest`";
const NAME: &str = "a name";
const STRING: &str = "a string";
const ITEM: &str = "an item (`plan`, `goal`, `dimension`, …)";
const END: &str = "end of input";
const DURATION: &str = "a duration such as `10d`, `2w` or `3mo`";

/// A syntax error as the grammar reported it.
pub(super) struct Cause<'a> {
    pub file: FileId,
    /// The byte offset of `text` in the file.
    pub base: usize,
    pub text: &'a str,
    /// Where the grammar stopped, in `text`.
    pub pos: usize,
    /// What it tried there, in a user's words.
    pub expected: &'a [&'a str],
    /// The token where it stopped (empty at the end).
    pub found: &'a str,
    pub within: Within,
}

impl Cause<'_> {
    /// The diagnostic of the first root cause that fits, if any.
    pub fn diagnose(&self) -> Option<Diagnostic> {
        self.unclosed_block()
            .or_else(|| self.missing_open_brace())
            .or_else(|| self.single_quotes())
            .or_else(|| self.stray_brace())
            .or_else(|| self.statement_outside_block())
            .or_else(|| self.assignment())
            .or_else(|| self.spaced_scale())
            .or_else(|| self.missing_unit())
            .or_else(|| self.duration_without_unit())
            .or_else(|| self.attribute_without_value())
            .or_else(|| self.percent_for_amount())
            .or_else(|| self.number_for_percent())
            .or_else(|| self.missing_share())
            .or_else(|| self.label_without_name())
            .or_else(|| self.label_without_quotes())
    }

    fn expects(&self, what: &str) -> bool {
        self.expected.contains(&what)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    fn found_span(&self) -> Span {
        self.span(self.pos, self.pos + self.found.len())
    }

    /// The text of the line holding `pos`, from its start to `pos`.
    fn line_before(&self) -> &str {
        let before = self.text.get(..self.pos).unwrap_or("");
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        before.get(start..).unwrap_or("")
    }

    /// The first word of the line holding `pos`: the statement being written.
    fn statement_keyword(&self) -> &str {
        scan::name_at_start(self.line_before().trim_start())
    }

    /// The end of input with a block still open: point at the `{` never closed.
    fn unclosed_block(&self) -> Option<Diagnostic> {
        if self.within != Within::Item || !self.text.get(self.pos..)?.trim().is_empty() {
            return None;
        }
        let open = unclosed_brace(self.text)?;
        let line_start = self.text.get(..open)?.rfind('\n').map_or(0, |i| i + 1);
        let head: Vec<&str> = self
            .text
            .get(line_start..open)?
            .split_whitespace()
            .take(2)
            .collect();
        let opener = if head.is_empty() {
            "this block".to_string()
        } else {
            format!("the block of `{}`", head.join(" "))
        };
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.span(open, open + 1),
                format!("{opener} is never closed"),
            )
            .with_label("opened here")
            .with_help("add the `}` that closes it after its last statement"),
        )
    }

    /// An item whose header has no `{`: `plan "FY2026"` with its statements below.
    fn missing_open_brace(&self) -> Option<Diagnostic> {
        if self.within != Within::Item {
            return None;
        }
        let start = self.text.len() - self.text.trim_start().len();
        let line = self.text.get(start..)?.lines().next()?;
        let (keyword, _) = scan::Keyword::at_start(line)?;
        let opens_block = !matches!(
            keyword,
            scan::Keyword::Include | scan::Keyword::Strategy | scan::Keyword::Actuals
        );
        let header = line.split('#').next().unwrap_or("").trim_end();
        // The `{` may also open the next line.
        let after = self.text.get(start + line.len()..).unwrap_or("");
        if !opens_block || header.contains('{') || after.trim_start().starts_with('{') {
            return None;
        }
        let end = start + header.len();
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.span(end, end),
                format!("`{header}` has no `{{`"),
            )
            .with_label("`{` missing here")
            .with_help(format!(
                "open its block on this line: `{header} {{`, and close it with `}}` after its statements"
            )),
        )
    }

    /// A statement of a block written where no block is open: `baseline …` after the
    /// goal's `}`.
    fn statement_outside_block(&self) -> Option<Diagnostic> {
        if self.within != Within::Item || !self.expects(ITEM) {
            return None;
        }
        let word = scan::name_at_start(self.found);
        if word.is_empty() || super::statement_form(word).is_none() {
            return None;
        }
        if scan::ITEM_KEYWORDS.contains(&word) {
            return None;
        }
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.found_span(),
                format!("`{word}` is a statement, but no block is open here"),
            )
            .with_label("outside every block")
            .with_help("move it inside the block it belongs to, before that block's closing `}`"),
        )
    }

    /// `owner = "Dana"`, `east: 40%`: a sign between a name and its value.
    fn assignment(&self) -> Option<Diagnostic> {
        if self.found != "=" && self.found != ":" {
            return None;
        }
        let before = self.line_before().trim();
        let after = self.text.get(self.pos + 1..)?.lines().next().unwrap_or("");
        let after = after.split('#').next().unwrap_or("").trim();
        let written = format!("{before} {after}");
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.found_span(),
                format!(
                    "unexpected `{}` between `{before}` and its value",
                    self.found
                ),
            )
            .with_label("remove this")
            .with_help(format!(
                "a value follows its name or keyword after a space: write `{}`",
                written.trim()
            )),
        )
    }

    /// A scale written apart from its number: `50 k USD`.
    fn spaced_scale(&self) -> Option<Diagnostic> {
        if !matches!(self.found, "k" | "M" | "B" | "万" | "亿") {
            return None;
        }
        let line = self.line_before();
        let number = line.trim_end().rsplit(char::is_whitespace).next()?;
        if number.is_empty()
            || !number
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
        {
            return None;
        }
        let start = self.pos - (line.len() - line.trim_end().len()) - number.len();
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.span(start, self.pos + self.found.len()),
                format!("`{number} {}` has a space before its scale", self.found),
            )
            .with_label("one number")
            .with_help(format!(
                "write the scale right after the digits: `{number}{}`",
                self.found
            )),
        )
    }

    /// A string in single quotes: `'software'`.
    fn single_quotes(&self) -> Option<Diagnostic> {
        let rest = self.text.get(self.pos..)?;
        let body = rest.strip_prefix('\'')?;
        let line = body.split('\n').next().unwrap_or("");
        let end = line.find('\'')?;
        let quoted = rest.get(..end + 2)?;
        let inner = body.get(..end)?;
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.span(self.pos, self.pos + quoted.len()),
                format!("`{quoted}` is in single quotes"),
            )
            .with_label("single quotes")
            .with_help(format!("strings use double quotes: write `\"{inner}\"`")),
        )
    }

    /// A `}` where no block is open.
    fn stray_brace(&self) -> Option<Diagnostic> {
        if self.found != "}" || !(self.expects(ITEM) || self.expects(END)) {
            return None;
        }
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.found_span(),
                "unexpected `}`: no block is open here",
            )
            .with_label("closes nothing")
            .with_help("remove it, or the `}` above it that closes its block too early"),
        )
    }

    /// A number where a quantity's unit should follow: `target 1M`.
    fn missing_unit(&self) -> Option<Diagnostic> {
        if !(self.expects(UNIT) || self.expects(CURRENCY)) || self.found.starts_with('%') {
            return None;
        }
        let line = self.line_before().trim_end();
        let number = line.rsplit(char::is_whitespace).next()?;
        let whole = PlanParser::parse(Rule::number, number)
            .ok()?
            .next()
            .is_some_and(|p| p.as_str() == number);
        if !whole {
            return None;
        }
        let end = self.pos - (self.line_before().len() - line.len());
        let start = end - number.len();
        let statement = line.trim_start();
        let (example, help) = if self.expects(UNIT) {
            (
                format!("`{number} USD`"),
                format!(
                    "write the unit after the number, on the same line: `{number} USD`, or `{number} customers` for a count"
                ),
            )
        } else {
            (
                format!("`{number} USD`"),
                format!("write the currency after the number, on the same line: `{number} USD`"),
            )
        };
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.span(start, end),
                format!("`{statement}` needs a unit, e.g. {example}"),
            )
            .with_label("no unit")
            .with_help(help),
        )
    }

    /// A duration without its unit of time: `dwell 14`.
    fn duration_without_unit(&self) -> Option<Diagnostic> {
        if !self.expects(DURATION) {
            return None;
        }
        let line = self.line_before().trim_end();
        let number = line.rsplit(char::is_whitespace).next()?;
        if number.is_empty() || super::parse_whole(Rule::decimal, number).is_none() {
            return None;
        }
        let end = self.pos - (self.line_before().len() - line.len());
        let start = end - number.len();
        let statement = line.trim_start();
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.span(start, end),
                format!("`{statement}` needs a unit of time, e.g. `{number}d`"),
            )
            .with_label("no unit")
            .with_help(format!(
                "write the unit right after the number: `{number}d` (days), `{number}w` (weeks) or `{number}mo` (months of 30 days)"
            )),
        )
    }

    /// A member attribute without its value: `{ potential 30M CNY  stance }`.
    fn attribute_without_value(&self) -> Option<Diagnostic> {
        let value_expected = self.expects(NAME) && self.expects(STRING) && self.expects(NUMBER);
        if !(value_expected && self.found.is_empty()) {
            return None;
        }
        let line = self.line_before().trim();
        let name = scan::name_at_start(line);
        if name.is_empty() || name != line {
            return None;
        }
        let end = self.pos - (self.line_before().len() - self.line_before().trim_end().len());
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.span(end - name.len(), end),
                format!("the attribute `{name}` has no value"),
            )
            .with_label("no value")
            .with_help(format!(
                "write its value after it: a number (`{name} 3`), an amount (`{name} 30M CNY`), a percentage, a string or a name"
            )),
        )
    }

    /// A percentage where an amount is expected: `target 40%`.
    fn percent_for_amount(&self) -> Option<Diagnostic> {
        if self.expects(PERCENT) || self.expects(SHARE) {
            return None;
        }
        // pest stops at the `%` of a number that may not have one, or before the whole
        // percentage where it tried a number.
        let end = self.pos + self.found.len();
        let (start, token) =
            if self.found.ends_with('%') && (self.expects(NUMBER) || self.expects(AMOUNT)) {
                (self.pos, self.found.to_string())
            } else if self.found == "%" {
                let line = self.line_before();
                let before = line.trim_end();
                let digits = before
                    .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '_')
                    .len();
                let number = before.get(digits..).unwrap_or("");
                if number.is_empty() {
                    return None;
                }
                (self.pos - line.len() + digits, format!("{number}%"))
            } else {
                return None;
            };
        let keyword = self.statement_keyword();
        let keyword = if super::statement_form(keyword).is_some() {
            keyword
        } else {
            ""
        };
        let what = if keyword.is_empty() {
            "an amount is expected here".to_string()
        } else {
            format!("`{keyword}` takes an amount")
        };
        let help = match super::statement_form(keyword) {
            Some(form) => format!("`{keyword}` is written `{form}`"),
            None => "write the amount itself, such as `12M`".to_string(),
        };
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.span(start, end),
                format!("`{token}` is a percentage, but {what}"),
            )
            .with_label("a percentage")
            .with_help(help),
        )
    }

    /// A number where a percentage is expected: `convert 40`, `convert 0.4`.
    fn number_for_percent(&self) -> Option<Diagnostic> {
        if !self.expects(PERCENT) || self.expects(NUMBER) || self.expects(SHARE) {
            return None;
        }
        let number: rust_decimal::Decimal = self.found.replace('_', "").parse().ok()?;
        let percent = if number < rust_decimal::Decimal::ONE
            && number.fract() != rust_decimal::Decimal::ZERO
        {
            (number * rust_decimal::Decimal::ONE_HUNDRED).normalize()
        } else {
            number
        };
        let keyword = self.statement_keyword();
        let keyword = if super::statement_form(keyword).is_some() {
            keyword
        } else {
            ""
        };
        let what = if keyword.is_empty() {
            "a percentage is expected here".to_string()
        } else {
            format!("`{keyword}` takes a percentage")
        };
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.found_span(),
                format!("`{}` is a number, but {what}", self.found),
            )
            .with_label("no `%`")
            .with_help(format!("a percentage needs its `%`: write `{percent}%`")),
        )
    }

    /// A split entry or grade whose value is missing: `south` alone on its line.
    fn missing_share(&self) -> Option<Diagnostic> {
        if self.within != Within::Statement || !self.found.is_empty() || !self.expects(SHARE) {
            return None;
        }
        let member = self.line_before().trim();
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.span(self.pos - member.len().min(self.pos), self.pos),
                format!("`{member}` has no share"),
            )
            .with_label("no share")
            .with_help(format!(
                "write its share after it: `{member} 40%`, an amount such as `{member} 2M`, or `{member} rest`"
            )),
        )
    }

    /// A label where the name should be: `goal "Revenue" { … }`.
    fn label_without_name(&self) -> Option<Diagnostic> {
        if !self.found.starts_with('"') || !self.expects(NAME) {
            return None;
        }
        let keyword = self.statement_keyword();
        let label = string_at(self.text.get(self.pos..)?);
        let form = if keyword.is_empty() {
            format!("NAME {label}")
        } else {
            format!("{keyword} NAME {label}")
        };
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.span(self.pos, self.pos + label.len()),
                format!("a name is missing before the label {label}"),
            )
            .with_label("a label, not a name")
            .with_help(format!(
                "write a name, then the label: `{form}`; the name is what other statements refer to, the label what reports show"
            )),
        )
    }

    /// A label written without quotes: `goal revenue 收入 { … }`.
    fn label_without_quotes(&self) -> Option<Diagnostic> {
        let word = scan::name_at_start(self.found);
        if word.is_empty() || word.len() != self.found.len() || !self.expects(STRING) {
            return None;
        }
        if self.expects(NAME) {
            return None;
        }
        Some(
            Diagnostic::new(
                Code::Syntax,
                self.found_span(),
                format!("the label `{word}` needs double quotes"),
            )
            .with_label("not a string")
            .with_help(format!(
                "write `\"{word}\"`: a label is a string in double quotes"
            )),
        )
    }
}

/// A string at the start of `text`, up to its closing quote or the end of its line.
fn string_at(text: &str) -> &str {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return text.get(..=i).unwrap_or(text),
            '\n' => return text.get(..i).unwrap_or(text).trim_end(),
            _ => {}
        }
    }
    text.trim_end()
}

/// The offset of the `{` that is never closed in `text`, strings and comments skipped.
/// Braces are matched by position, but a `}` that starts a line closes the open block
/// whose line is indented as it is: the blocks opened deeper inside were left open.
/// The first block found left open that way is the answer, else the innermost block
/// still open at the end.
fn unclosed_brace(text: &str) -> Option<usize> {
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let (indent, rest) = scan::indentation(line);
        for (i, c) in scan::outside_strings(line) {
            match c {
                '#' => break,
                '{' => open.push((offset + i, indent)),
                '}' => {
                    let starts_line = i == indent && rest.starts_with('}');
                    if starts_line
                        && let Some(&(at, _)) =
                            open.iter().rev().take_while(|(_, d)| *d > indent).last()
                        && open.iter().any(|(_, d)| *d == indent)
                    {
                        return Some(at);
                    }
                    open.pop();
                }
                _ => {}
            }
        }
        offset += line.len();
    }
    open.last().map(|(at, _)| *at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unclosed_brace_is_found_by_indentation() {
        let text = "goal g {\n  split region {\n    east 60%\n  owner x\n}\n";
        assert_eq!(unclosed_brace(text), text.find("{\n    east"));
        let text = "goal g {\n  target 1M USD\n";
        assert_eq!(unclosed_brace(text), Some(7));
        let text = "goal g \"{\" { # {\n  x { }\n}\n";
        assert_eq!(unclosed_brace(text), None);
    }

    #[test]
    fn a_label_is_read_to_its_quote() {
        assert_eq!(string_at("\"a\\\"b\" {"), "\"a\\\"b\"");
        assert_eq!(string_at("\"open\n"), "\"open");
    }
}
