//! "Did you mean …?" suggestions by edit distance.

/// Edit distance in characters, counting a swap of two neighbours as one edit
/// (optimal string alignment), giving up (returning `limit + 1`) once every path
/// exceeds `limit`.
fn distance(a: &[char], b: &[char], limit: usize) -> usize {
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let width = b.len() + 1;
    let mut rows = vec![vec![0usize; width]; 3];
    for (j, cell) in rows[1].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i;
        let mut best = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev][j - 1] + cost)
                .min(rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = d;
            best = best.min(d);
        }
        if best > limit {
            return limit + 1;
        }
    }
    rows[a.len() % 3][b.len()]
}

/// The candidate closest to `name`, if close enough to be a likely typo. Ties go to the
/// alphabetically first candidate, so suggestions do not depend on hash order.
///
/// ```
/// let names = ["华东", "华北", "north"];
/// assert_eq!(planck::resolve::did_you_mean("nroth", names.into_iter()).as_deref(), Some("north"));
/// ```
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let target: Vec<char> = name.chars().collect();
    let limit = (target.len() / 3).max(1);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let d = if candidate.to_lowercase() == lower {
            0
        } else {
            let chars: Vec<char> = candidate.chars().collect();
            distance(&target, &chars, limit)
        };
        if d <= limit && best.is_none_or(|(bd, bc)| (d, candidate) < (bd, bc)) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

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
}
