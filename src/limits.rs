//! Per-document resource limits: wall time, decompressed bytes and pages. A document over a
//! limit is not processed further and goes to review; the batch goes on.
//!
//! The budget of the document being processed lives in a thread-local, set by [`Budget::enter`]
//! for the duration of one document, so the deep places that spend it (stream decompression,
//! the content interpreter's operator loop) need no extra parameter. A rayon worker that steals
//! another document while waiting restores the outer budget when the stolen one is done (the
//! guard is a stack). Checks are cooperative: a single operation that never returns to a check
//! point (one huge regex over one huge text) is not interrupted; every loop over PDF input is.

use std::cell::RefCell;
use std::time::{Duration, Instant};

/// Limits for one document. Defaults are generous for real publication folders (hundreds of
/// pages, tens of MiB) and still stop a decompression bomb or a 20,000-page file early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time for one document, load to verified output.
    pub max_seconds: u64,
    /// Decompressed stream bytes while loading and interpreting one PDF.
    pub max_decompressed: usize,
    /// Pages of one PDF.
    pub max_pages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_seconds: 300,
            max_decompressed: 256 << 20,
            max_pages: 5_000,
        }
    }
}

/// Which limit a document went over; its `Display` is the reviewer's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    /// The time limit, in seconds.
    Time(u64),
    /// The decompressed-bytes limit, in bytes.
    Decompressed(usize),
    /// The page limit: (pages of the document, limit).
    Pages(usize, usize),
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Exceeded::Time(s) => write!(
                f,
                "processing took longer than the limit of {s} s per document (--max-seconds-per-document): needs manual review"
            ),
            Exceeded::Decompressed(b) => write!(
                f,
                "decompressed data over the limit of {} MiB per document (a decompression bomb?) (--max-decompressed-mib): needs manual review",
                b >> 20
            ),
            Exceeded::Pages(n, max) => write!(
                f,
                "{n} pages, over the limit of {max} pages per document (--max-pages): needs manual review"
            ),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct State {
    deadline: Instant,
    seconds: u64,
    decompressed_left: usize,
    max_decompressed: usize,
    max_pages: usize,
    exceeded: Option<Exceeded>,
}

thread_local! {
    static CURRENT: RefCell<Vec<State>> = const { RefCell::new(Vec::new()) };
}

/// The budget of one document on this thread; dropping it restores the previous one.
#[derive(Debug)]
pub struct Budget {
    // Not Send: the budget belongs to the thread that entered it.
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Budget {
    /// Starts the budget of one document on this thread.
    pub fn enter(limits: &Limits) -> Budget {
        let secs = limits.max_seconds;
        let state = State {
            deadline: Instant::now() + Duration::from_secs(secs),
            seconds: secs,
            decompressed_left: limits.max_decompressed,
            max_decompressed: limits.max_decompressed,
            max_pages: limits.max_pages,
            exceeded: None,
        };
        CURRENT.with(|c| c.borrow_mut().push(state));
        Budget {
            _not_send: std::marker::PhantomData,
        }
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        CURRENT.with(|c| {
            c.borrow_mut().pop();
        });
    }
}

fn with_state<T>(f: impl FnOnce(&mut State) -> T) -> Option<T> {
    CURRENT.with(|c| c.borrow_mut().last_mut().map(f))
}

/// The first limit this document went over, if any (sticky: once over, always over).
pub fn exceeded() -> Option<Exceeded> {
    with_state(|s| s.exceeded).flatten()
}

/// Checks the clock; `Err` (and remembered) once past the deadline. Without a budget on this
/// thread there is no limit.
pub fn check_time() -> Result<(), Exceeded> {
    with_state(|s| {
        if let Some(e) = s.exceeded {
            return Err(e);
        }
        if Instant::now() >= s.deadline {
            let e = Exceeded::Time(s.seconds);
            s.exceeded = Some(e);
            return Err(e);
        }
        Ok(())
    })
    .unwrap_or(Ok(()))
}

/// Checks a document's page count against the limit (remembered when over).
pub fn check_pages(pages: usize) -> Result<(), Exceeded> {
    with_state(|s| {
        if pages > s.max_pages {
            let e = Exceeded::Pages(pages, s.max_pages);
            s.exceeded.get_or_insert(e);
            return Err(e);
        }
        Ok(())
    })
    .unwrap_or(Ok(()))
}

/// Records that the document is over a limit found elsewhere (pages).
pub fn record(e: Exceeded) {
    with_state(|s| {
        s.exceeded.get_or_insert(e);
    });
}

/// Decompressed bytes still allowed for this document, capped at `per_stream` (the caller's own
/// bound for one stream).
pub fn decompress_allowance(per_stream: usize) -> usize {
    with_state(|s| s.decompressed_left.min(per_stream)).unwrap_or(per_stream)
}

/// Spends `n` decompressed bytes.
pub fn spend_decompressed(n: usize) {
    with_state(|s| s.decompressed_left = s.decompressed_left.saturating_sub(n));
}

/// A stream failed to decompress within `allowance` bytes while the caller would have allowed
/// `per_stream`: when the document budget was the tighter bound, the document is over it.
pub fn decompress_failed(allowance: usize, per_stream: usize) {
    with_state(|s| {
        if allowance < per_stream {
            s.exceeded.get_or_insert(Exceeded::Decompressed(s.max_decompressed));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_is_spent_and_restored() {
        let outer = Budget::enter(&Limits {
            max_decompressed: 100,
            ..Limits::default()
        });
        assert_eq!(decompress_allowance(1000), 100);
        spend_decompressed(60);
        assert_eq!(decompress_allowance(1000), 40);
        {
            let _inner = Budget::enter(&Limits {
                max_decompressed: 10,
                ..Limits::default()
            });
            assert_eq!(decompress_allowance(1000), 10);
            decompress_failed(10, 1000);
            assert_eq!(exceeded(), Some(Exceeded::Decompressed(10)));
        }
        // The stolen document's failure does not leak into the outer one.
        assert_eq!(exceeded(), None);
        assert_eq!(decompress_allowance(1000), 40);
        // A stream over its own per-stream bound is not a budget problem.
        decompress_failed(40, 40);
        assert_eq!(exceeded(), None);
        drop(outer);
        assert_eq!(decompress_allowance(1000), 1000);
    }

    #[test]
    fn zero_seconds_expires_at_once_and_stays_expired() {
        let _b = Budget::enter(&Limits {
            max_seconds: 0,
            ..Limits::default()
        });
        assert_eq!(check_time(), Err(Exceeded::Time(0)));
        assert_eq!(exceeded(), Some(Exceeded::Time(0)));
        assert!(Exceeded::Time(0).to_string().contains("--max-seconds-per-document"));
    }

    #[test]
    fn no_budget_no_limit() {
        assert_eq!(check_time(), Ok(()));
        assert_eq!(decompress_allowance(7), 7);
        assert_eq!(exceeded(), None);
    }
}
