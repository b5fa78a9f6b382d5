//! "Did you mean": the distance between a name the user wrote and the names we know, for
//! suggestions on unknown CSP directives, policy keys and values, and rule ids.

/// Names longer than this are never a typo of a known name (all of ours are shorter).
const MAX_LEN: usize = 64;

/// Edit distance with adjacent transpositions (optimal string alignment), ASCII case
/// ignored, over bytes: `sefl` is one edit from `self`, `Script-Scr` one from
/// `script-src`. `usize::MAX` when either side is longer than 64 bytes. Rows live on the
/// stack: this runs for every known name of similar length.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > MAX_LEN || b.len() > MAX_LEN {
        return usize::MAX;
    }
    // Bytes, not words: a distance never exceeds MAX_LEN, and three 65-byte rows are cheap
    // to set up (this runs for every known name of similar length, per unknown name).
    let fold = |c: u8| c.to_ascii_lowercase();
    // Three rows: two back (for transpositions), previous, current.
    let mut before = [0u8; MAX_LEN + 1];
    let mut prev = [0u8; MAX_LEN + 1];
    let mut cur = [0u8; MAX_LEN + 1];
    for (j, cell) in (0u8..).zip(prev.iter_mut().take(b.len() + 1)) {
        *cell = j;
    }
    for (i, &ai) in a.iter().enumerate() {
        let ai = fold(ai);
        cur[0] = prev[0] + 1;
        for (j, &bj) in b.iter().enumerate() {
            let bj = fold(bj);
            let cost = u8::from(ai != bj);
            let mut d = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && ai == fold(b[j - 1]) && fold(a[i - 1]) == bj {
                d = d.min(before[j - 1] + 1);
            }
            cur[j + 1] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    usize::from(prev[b.len()])
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("max_agee", "max_age"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("sefl", "self"), 1);
        assert_eq!(edit_distance("Script-Scr", "script-src"), 1);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance(&"a".repeat(65), "a"), usize::MAX);
        assert_eq!(edit_distance(&"a".repeat(64), ""), 64);
    }
}
