//! An index over byte spans answering "which span overlaps [s, e)?" in logarithmic time, so
//! overlap checks stay linear in the size of a document rather than quadratic.

/// Spans sorted by start, with the running maximum of their ends.
#[derive(Debug, Default)]
pub struct SpanIndex {
    spans: Vec<(usize, usize, usize)>,
    max_end: Vec<usize>,
}

impl SpanIndex {
    /// Builds the index; each span carries a caller's index.
    pub fn new(spans: impl IntoIterator<Item = (usize, usize, usize)>) -> Self {
        let mut spans: Vec<(usize, usize, usize)> = spans.into_iter().collect();
        // Spans mostly come in sorted runs, which a stable sort merges without re-sorting.
        spans.sort();
        let mut max_end = Vec::with_capacity(spans.len());
        let mut m = 0;
        for s in &spans {
            m = m.max(s.1);
            max_end.push(m);
        }
        SpanIndex { spans, max_end }
    }

    /// Caller indices of all spans overlapping [s, e).
    pub fn overlapping(&self, s: usize, e: usize) -> impl Iterator<Item = usize> + '_ {
        let j = self.spans.partition_point(|x| x.0 < e);
        (0..j)
            .rev()
            .take_while(move |&k| self.max_end[k] > s)
            .filter(move |&k| self.spans[k].1 > s)
            .map(move |k| self.spans[k].2)
    }

    /// Is [s, e) inside one indexed span?
    pub fn contains(&self, s: usize, e: usize) -> bool {
        let j = self.spans.partition_point(|x| x.0 <= s);
        (0..j)
            .rev()
            .take_while(|&k| self.max_end[k] > s)
            .any(|k| self.spans[k].1 >= e)
    }

    /// Does any span overlap [s, e)?
    pub fn any(&self, s: usize, e: usize) -> bool {
        self.overlapping(s, e).next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_overlaps() {
        let ix = SpanIndex::new([(0, 10, 0), (5, 7, 1), (20, 30, 2)]);
        let mut v: Vec<usize> = ix.overlapping(6, 8).collect();
        v.sort();
        assert_eq!(v, [0, 1]);
        assert!(!ix.any(10, 20));
        assert!(ix.any(29, 31));
        assert!(!ix.any(30, 31));
    }
}
