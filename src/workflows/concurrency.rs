//! Bounded concurrency without an executor: runs indexed tasks with at most `limit` in flight on
//! whatever executor polls the returned future (the JS event loop in wasm, a test loop natively).

use crate::runtime::BoxFuture;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

/// Runs `start(i)` for `i` in `0..count`, at most `limit` at a time, starting them in index
/// order. Once `stop(&output)` returns true for a finished task no further task is started; the
/// ones already running are awaited. Returns each index's output (`None` = never started).
pub(crate) async fn run_bounded<T, Fut>(
    count: usize,
    limit: usize,
    mut start: impl FnMut(usize) -> Fut,
    mut stop: impl FnMut(&T) -> bool,
) -> Vec<Option<T>>
where
    Fut: Future<Output = T>,
{
    let limit = limit.max(1);
    let mut outputs: Vec<Option<T>> = Vec::with_capacity(count);
    outputs.resize_with(count, || None);
    let mut running: Vec<(usize, Pin<Box<Fut>>)> = Vec::with_capacity(limit.min(count));
    let mut next = 0;
    let mut stopped = false;
    poll_fn(|cx| loop {
        while !stopped && next < count && running.len() < limit {
            running.push((next, Box::pin(start(next))));
            next += 1;
        }
        let mut finished_any = false;
        let mut slot = 0;
        while let Some((_, task)) = running.get_mut(slot) {
            match task.as_mut().poll(cx) {
                Poll::Ready(output) => {
                    let (index, _) = running.swap_remove(slot);
                    stopped |= stop(&output);
                    if let Some(out) = outputs.get_mut(index) {
                        *out = Some(output);
                    }
                    finished_any = true;
                }
                Poll::Pending => slot += 1,
            }
        }
        if running.is_empty() && (stopped || next >= count) {
            return Poll::Ready(());
        }
        if !finished_any {
            return Poll::Pending;
        }
    })
    .await;
    outputs
}

/// One task of [`run_lines`]: the lines (failures) it reports.
pub(crate) type LinesTask<'a> = BoxFuture<'a, Vec<String>>;

/// What makes the task of index `i` for [`run_lines`]; `Sync` under the `native` feature, so
/// the loop's future is `Send`.
#[cfg(feature = "native")]
pub(crate) type LinesFn<'a> = dyn Fn(usize) -> LinesTask<'a> + Sync + 'a;
/// What makes the task of index `i` for [`run_lines`] (see the `native` variant).
#[cfg(not(feature = "native"))]
pub(crate) type LinesFn<'a> = dyn Fn(usize) -> LinesTask<'a> + 'a;

/// [`run_bounded`] for tasks that only report lines (removals): every such caller shares this
/// one instance of the loop. Every task runs; each index's lines are `Some`.
pub(crate) fn run_lines<'a>(
    count: usize,
    limit: usize,
    task: &'a LinesFn<'a>,
) -> impl Future<Output = Vec<Option<Vec<String>>>> + 'a + crate::runtime::MaybeSend {
    run_bounded(count, limit, task, |_| false)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::run_bounded;
    use crate::workflows::fake::{block_on, yield_now};
    use std::cell::Cell;

    #[test]
    fn respects_the_bound_and_keeps_index_order() {
        let (now, peak) = (Cell::new(0), Cell::new(0));
        let out = block_on(run_bounded(
            10,
            3,
            |i| {
                let (now, peak) = (&now, &peak);
                async move {
                    now.set(now.get() + 1);
                    peak.set(peak.get().max(now.get()));
                    for _ in 0..(10 - i) {
                        yield_now().await;
                    }
                    now.set(now.get() - 1);
                    i * 2
                }
            },
            |_| false,
        ));
        assert_eq!(peak.get(), 3);
        assert_eq!(out, (0..10).map(|i| Some(i * 2)).collect::<Vec<_>>());
    }

    #[test]
    fn stops_starting_after_a_stop_output() {
        let started = Cell::new(0);
        let out = block_on(run_bounded(
            10,
            2,
            |i| {
                started.set(started.get() + 1);
                async move { i }
            },
            |&i| i == 3,
        ));
        assert_eq!(started.get(), 4);
        assert_eq!(out[..4], [Some(0), Some(1), Some(2), Some(3)]);
        assert!(out[4..].iter().all(Option::is_none));
    }

    #[test]
    fn zero_tasks_and_zero_limit() {
        assert!(block_on(run_bounded(0, 4, |i| async move { i }, |_| false)).is_empty());
        assert_eq!(
            block_on(run_bounded(2, 0, |i| async move { i }, |_| false)),
            vec![Some(0), Some(1)]
        );
    }
}
