//! "Did you mean …?" suggestions by edit distance.
//!
//! The candidates of one kind (the members of a dimension, the reps …) are put once into a
//! [`Suggester`]: a trie of their characters, which a search walks only as far as a
//! prefix can still lie within the edit limit, and a map of their lower-case forms. Each
//! name is answered once (later questions for it are looked up), and a name longer than
//! [`MAX_CHARS`] gets only the case-insensitive match, so a huge name cannot cost time
//! quadratic in its length.

use std::collections::HashMap;

/// Names longer than this (in characters) are matched only ignoring case.
pub const MAX_CHARS: usize = 64;

/// The most edits a suggestion for a name of `chars` characters may need.
fn limit(chars: usize) -> usize {
    (chars / 3).max(1)
}

/// One node of the trie: its children by character (sorted), and the candidate that
/// ends here.
#[derive(Debug, Default)]
struct Node {
    children: Vec<(char, u32)>,
    candidate: Option<u32>,
}

/// The candidates of one kind, prepared for many questions.
#[derive(Debug, Default)]
pub struct Suggester {
    /// Sorted and without repeats, so the first found of equals is alphabetically first.
    names: Vec<String>,
    /// Lower-case form to the candidates having it (ascending).
    lower: HashMap<String, Vec<u32>>,
    nodes: Vec<Node>,
    answers: HashMap<String, Option<u32>>,
}

impl Suggester {
    pub fn new<'a>(candidates: impl Iterator<Item = &'a str>) -> Suggester {
        let mut names: Vec<String> = candidates.map(str::to_string).collect();
        names.sort_unstable();
        names.dedup();
        let mut s = Suggester {
            nodes: vec![Node::default()],
            ..Suggester::default()
        };
        // A name this long cannot be within the limit of any name that is searched.
        let deepest = MAX_CHARS + limit(MAX_CHARS);
        for (i, name) in names.iter().enumerate() {
            let id = i as u32;
            s.lower.entry(name.to_lowercase()).or_default().push(id);
            if name.chars().nth(deepest).is_none() {
                s.insert(name, id);
            }
        }
        s.names = names;
        s
    }

    fn insert(&mut self, name: &str, id: u32) {
        let mut node = 0usize;
        for c in name.chars() {
            let Some(children) = self.nodes.get(node).map(|n| &n.children) else {
                return;
            };
            node = match children.binary_search_by_key(&c, |&(k, _)| k) {
                Ok(i) => children[i].1 as usize,
                Err(i) => {
                    let next = self.nodes.len();
                    self.nodes.push(Node::default());
                    if let Some(n) = self.nodes.get_mut(node) {
                        n.children.insert(i, (c, next as u32));
                    }
                    next
                }
            };
        }
        if let Some(n) = self.nodes.get_mut(node) {
            n.candidate = Some(id);
        }
    }

    /// The candidate closest to `name`, if close enough to be a likely typo: one that
    /// differs only in case, else the one fewest edits away (a swap of two neighbours is
    /// one edit). Ties go to the alphabetically first.
    pub fn suggest(&mut self, name: &str) -> Option<&str> {
        let found = match self.answers.get(name) {
            Some(&found) => found,
            None => {
                let found = self.search(name);
                self.answers.insert(name.to_string(), found);
                found
            }
        };
        found
            .and_then(|i| self.names.get(i as usize))
            .map(String::as_str)
    }

    fn search(&self, name: &str) -> Option<u32> {
        let same_case = self.lower.get(&name.to_lowercase()).and_then(|ids| {
            ids.iter()
                .copied()
                .find(|&i| self.names.get(i as usize).is_some_and(|n| n != name))
        });
        if same_case.is_some() {
            return same_case;
        }
        let query: Vec<char> = name.chars().collect();
        if query.len() > MAX_CHARS {
            return None;
        }
        // Most typos are one or two edits: a search allowing few edits leaves most of the
        // trie unvisited, so allow more only when fewer found nothing.
        (1..=limit(query.len())).find_map(|edits| self.nearest(&query, edits, name))
    }

    /// The alphabetically first of the nearest candidates at most `limit` edits away.
    /// Walks the trie depth first, keeping one row of the optimal string alignment table
    /// per depth; a subtree is left once no row can come back within `limit`.
    fn nearest(&self, query: &[char], limit: usize, name: &str) -> Option<u32> {
        let width = query.len() + 1;
        // Row d (at rows[d * width..]) is the row for the trie prefix of length d.
        let mut rows: Vec<usize> = (0..width).collect();
        // The characters of the current prefix.
        let mut prefix: Vec<char> = Vec::new();
        // (node, its depth, the character leading to it) still to visit; children are
        // pushed in reverse so they are visited in order, and candidates found later are
        // alphabetically later.
        let mut stack: Vec<(u32, usize, char)> = Vec::new();
        let mut best: Option<(usize, u32)> = None;
        let root = self.nodes.first()?;
        for &(c, child) in root.children.iter().rev() {
            stack.push((child, 1, c));
        }
        while let Some((id, depth, c)) = stack.pop() {
            let Some(node) = self.nodes.get(id as usize) else {
                continue;
            };
            prefix.truncate(depth - 1);
            prefix.push(c);
            rows.truncate(depth * width);
            // A cell more than `limit` columns off the diagonal is more than `limit`
            // edits: it is only marked as too far (`limit + 1`), not computed.
            let too_far = limit + 1;
            rows.push(depth.min(too_far));
            let parent_char = if depth >= 2 {
                prefix.get(depth - 2)
            } else {
                None
            };
            // `at(d, j)` is row d, column j; rows before `depth` are complete.
            let at = |rows: &[usize], d: usize, j: usize| rows.get(d * width + j).copied();
            for j in 1..width {
                if depth.abs_diff(j) > limit {
                    rows.push(too_far);
                    continue;
                }
                let q = query[j - 1];
                let cost = usize::from(c != q);
                let diagonal = at(&rows, depth - 1, j - 1).unwrap_or(usize::MAX - 1) + cost;
                let up = at(&rows, depth - 1, j).unwrap_or(usize::MAX - 1) + 1;
                let left = at(&rows, depth, j - 1).unwrap_or(usize::MAX - 1) + 1;
                let mut d = diagonal.min(up).min(left);
                if let Some(&pc) = parent_char
                    && j >= 2
                    && c == query[j - 2]
                    && pc == q
                    && let Some(swap) = at(&rows, depth - 2, j - 2)
                {
                    d = d.min(swap + 1);
                }
                rows.push(d.min(too_far));
            }
            let row = rows.get(depth * width..).unwrap_or(&[]);
            let prev = rows.get((depth - 1) * width..depth * width).unwrap_or(&[]);
            let distance = row.last().copied().unwrap_or(usize::MAX);
            if let Some(candidate) = node.candidate
                && distance <= limit
                && self
                    .names
                    .get(candidate as usize)
                    .is_some_and(|n| n != name)
                && best.is_none_or(|(bd, bc)| (distance, candidate) < (bd, bc))
            {
                best = Some((distance, candidate));
            }
            // Every later row is at least the smaller of this row's minimum and the
            // previous row's plus one (a swap jumps over this row).
            let floor = row
                .iter()
                .min()
                .copied()
                .unwrap_or(0)
                .min(prev.iter().min().copied().unwrap_or(0) + 1);
            let bound = best.map_or(limit, |(bd, _)| bd.min(limit));
            if floor > bound {
                continue;
            }
            for &(ch, child) in node.children.iter().rev() {
                stack.push((child, depth + 1, ch));
            }
        }
        best.map(|(_, c)| c)
    }
}

/// The candidate closest to `name`, if close enough to be a likely typo. Ties go to the
/// alphabetically first candidate, so suggestions do not depend on hash order. To ask
/// about many names among the same candidates, keep a [`Suggester`].
///
/// ```
/// let names = ["华东", "华北", "north"];
/// assert_eq!(planck::suggest::did_you_mean("nroth", names.into_iter()).as_deref(), Some("north"));
/// ```
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    Suggester::new(candidates).suggest(name).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::{Suggester, did_you_mean};

    #[test]
    fn suggests_close_names_only() {
        let names = ["north", "south", "east"];
        assert_eq!(
            did_you_mean("nort", names.into_iter()),
            Some("north".into())
        );
        assert_eq!(
            did_you_mean("nroth", names.into_iter()),
            Some("north".into())
        );
        assert_eq!(did_you_mean("East", names.into_iter()), Some("east".into()));
        assert_eq!(did_you_mean("zzzzzz", names.into_iter()), None);
        assert_eq!(
            did_you_mean("华东区", ["华东", "华北"].into_iter()),
            Some("华东".into())
        );
    }

    #[test]
    fn ties_go_to_the_alphabetically_first() {
        let names = ["bat", "cat", "at", "hat"];
        assert_eq!(did_you_mean("xat", names.into_iter()), Some("at".into()));
        assert_eq!(
            did_you_mean("xat", ["hat", "cat", "bat"].into_iter()),
            Some("bat".into())
        );
        // A case-insensitive match wins over a closer spelling.
        assert_eq!(
            did_you_mean("North", ["Nort", "NORTH", "north"].into_iter()),
            Some("NORTH".into())
        );
        // The name itself is never suggested.
        assert_eq!(did_you_mean("north", ["north"].into_iter()), None);
    }

    #[test]
    fn swaps_and_prefixes_that_share_a_path() {
        let names = ["ab", "abc", "abcd", "abdc", "ba"];
        // `abc` (one deletion) and `abdc` (one swap) tie; `abc` comes first.
        assert_eq!(did_you_mean("abcd", names.into_iter()), Some("abc".into()));
        assert_eq!(
            did_you_mean("abdcx", names.into_iter()),
            Some("abdc".into())
        );
        assert_eq!(did_you_mean("bacd", names.into_iter()), Some("abcd".into()));
        assert_eq!(did_you_mean("acbd", names.into_iter()), Some("abcd".into()));
        assert_eq!(did_you_mean("ca", ["ac"].into_iter()), Some("ac".into()));
    }

    #[test]
    fn agrees_with_a_plain_search() {
        // Every string of up to 4 letters over a small alphabet against a fixed set.
        let candidates = [
            "abca", "bacb", "cab", "ab", "a", "ccba", "abab", "bcab", "acb",
        ];
        let mut suggester = Suggester::new(candidates.into_iter());
        let letters = ['a', 'b', 'c'];
        let mut names = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = names
                .iter()
                .flat_map(|n| letters.iter().map(move |c| format!("{n}{c}")))
                .collect();
            names.extend(longer);
        }
        names.sort();
        names.dedup();
        for name in &names {
            let limit = (name.chars().count() / 3).max(1);
            let mut sorted = candidates;
            sorted.sort();
            let expected = sorted
                .iter()
                .filter(|c| **c != name.as_str())
                // The edit distance the trie walk must agree with, from `strsim`.
                .map(|c| (strsim::osa_distance(name, c), *c))
                .filter(|(d, _)| *d <= limit)
                .min();
            assert_eq!(
                suggester.suggest(name),
                expected.map(|(_, c)| c),
                "suggestion for {name:?}"
            );
        }
    }

    #[test]
    fn long_names_are_matched_only_ignoring_case() {
        let long = "a".repeat(100);
        let typo = format!("{}b", &long[1..]);
        let mut suggester = Suggester::new([long.as_str(), "b"].into_iter());
        assert_eq!(suggester.suggest(&typo), None);
        assert_eq!(suggester.suggest(&long.to_uppercase()), Some(long.as_str()));
    }
}
