//! The hash maps and sets of planck's hot paths: one type for all of them.
//!
//! They hash with foldhash, seeded once per process. On the short keys planck uses
//! (names, ids, coordinates) it is several times faster than the standard library's
//! SipHash, and its random seed keeps a plan from choosing names that all collide: a
//! plan from a pull request is hostile input, and an unseeded fast hash (FxHash) would
//! let it turn every lookup into a scan.

/// A hash map with planck's hasher. Create it with `Map::default()`.
pub type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A hash set with planck's hasher. Create it with `Set::default()`.
pub type Set<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// An empty map with room for `capacity` entries.
pub fn map_with_capacity<K, V>(capacity: usize) -> Map<K, V> {
    Map::with_capacity_and_hasher(capacity, foldhash::fast::RandomState::default())
}
