//! The idle timeout of a body read in Rust (`ORIGIN_TIMEOUT_MS` between two chunks), for
//! the HTML 5xx the worker reads to look for a debugger page: one `setTimeout` per idle
//! period instead of one per chunk. (Bodies on their way to the client are watched in
//! JavaScript, `guardBody` in runtime.js, with the same rule.)
//!
//! worker's `Delay` arms a timer and allocates a JS closure each time one is created, and
//! keeps the waker of its first poll, so it cannot outlive one `next()`: a body of many
//! chunks paid a timer per chunk. [`IdleTimer`] is armed once, restarted by
//! [`IdleTimer::restart`] (a clock read), re-armed only when it fires before the idle
//! period is over, and wakes whichever task polled it last (each pull of a response stream
//! is a task of its own).

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use worker::js_sys::{self, Date, Function};
use worker::web_sys::WorkerGlobalScope;

#[derive(Default)]
struct Shared {
    fired: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

pub struct IdleTimer {
    idle_ms: f64,
    /// When the current wait started (`Date.now()`).
    last: f64,
    shared: Rc<Shared>,
    callback: Closure<dyn FnMut()>,
    armed: Option<i32>,
}

impl IdleTimer {
    pub fn new(idle_ms: u32) -> Self {
        let shared = Rc::new(Shared::default());
        let woken = Rc::clone(&shared);
        let callback = Closure::<dyn FnMut()>::new(move || {
            woken.fired.set(true);
            if let Some(waker) = woken.waker.borrow_mut().take() {
                waker.wake();
            }
        });
        IdleTimer {
            idle_ms: f64::from(idle_ms),
            last: Date::now(),
            shared,
            callback,
            armed: None,
        }
    }

    /// A wait for the next chunk starts: the idle period counts from now (time the client
    /// took to ask for more is not the origin's).
    pub fn restart(&mut self) {
        self.last = Date::now();
    }

    /// Resolves once nothing has come for the idle period.
    pub async fn stalled(&mut self) {
        poll_fn(|cx| self.poll_stalled(cx)).await
    }

    fn poll_stalled(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.shared.fired.replace(false) {
            self.armed = None;
        }
        let left = self.idle_ms - (Date::now() - self.last);
        if left <= 0.0 {
            return Poll::Ready(());
        }
        if self.armed.is_none() {
            // `left` is at most ORIGIN_TIMEOUT_MS (a u32 of milliseconds, validated by
            // config), so the cast cannot truncate.
            self.armed = global()
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    self.callback.as_ref().unchecked_ref::<Function>(),
                    left.ceil() as i32,
                )
                .ok();
            if self.armed.is_none() {
                // No timer to be had: count the body as stalled rather than wait forever.
                return Poll::Ready(());
            }
        }
        let mut waker = self.shared.waker.borrow_mut();
        if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            *waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl Drop for IdleTimer {
    fn drop(&mut self) {
        if let Some(id) = self.armed.take() {
            global().clear_timeout_with_handle(id);
        }
    }
}

fn global() -> WorkerGlobalScope {
    js_sys::global().unchecked_into()
}
