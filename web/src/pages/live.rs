//! Keeps a page current without reloading: the server's event stream (`EventSource` on a
//! notice report's `…/report/events`, or a check-in session's `…/live/events`) says when
//! something changed — reads, confirmations, votes, comments, deliveries, check-ins.
//! EventSource sends no Authorization header, so each connection
//! takes a single-use ticket fetched with the login. A dropped stream is not left to the
//! browser's own retry (the ticket is spent): it is closed, and after a few seconds a new
//! ticket opens a new one. A slow poll runs beside it in case events stop arriving
//! unnoticed. Everything stops when the page is left.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::channel::mpsc;
use futures::StreamExt;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::EventSource;

use crate::api::{self, ClientError};
use crate::pages::{mounted, pause};

/// Wait this long before opening a new stream after one failed.
const RETRY_MS: u32 = 4_000;
/// Fetch the page's data this often whatever the stream says.
const POLL_MS: u32 = 15_000;

/// Which stream to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// A notice's receipt report (event `report`).
    NoticeReport(i64),
    /// A check-in session (event `checkin`).
    Checkin(i64),
    /// The inbox: messages, answers, threads handled (event `inbox`).
    Inbox,
}

impl Stream {
    async fn ticket(self) -> api::ApiResult<shared::StreamTicket> {
        match self {
            Stream::NoticeReport(id) => api::receipts::stream_ticket(id).await,
            Stream::Checkin(id) => api::checkin::stream_ticket(id).await,
            Stream::Inbox => api::inbox::stream_ticket().await,
        }
    }

    fn url(self, ticket: &str) -> String {
        match self {
            Stream::NoticeReport(id) => api::receipts::events_url(id, ticket),
            Stream::Checkin(id) => api::checkin::events_url(id, ticket),
            Stream::Inbox => api::inbox::events_url(ticket),
        }
    }

    fn event(self) -> &'static str {
        match self {
            Stream::NoticeReport(_) => "report",
            Stream::Checkin(_) => "checkin",
            Stream::Inbox => "inbox",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Live {
    Connecting,
    /// The stream is open: changes show within a second or two.
    On,
    /// The stream dropped; a new one is on its way (the poll goes on meanwhile).
    Retrying,
}

/// Says whether the page is live: 实时更新中, connecting, or reconnecting. `id` names the
/// badge once live (for tests).
pub fn live_badge(live: RwSignal<Live>, id: &'static str) -> impl IntoView {
    use crate::i18n::t;
    move || match live.get() {
        Live::On => view! { <span class="badge on stream" id=id>{t::LIVE}</span> }.into_any(),
        Live::Connecting => view! { <span class="badge stream">{t::LIVE_CONNECTING}</span> }.into_any(),
        Live::Retrying => view! { <span class="badge warn stream">{t::LIVE_RETRYING}</span> }.into_any(),
    }
}

enum Message {
    Opened,
    Changed,
    Failed,
    Stop,
}

thread_local! {
    /// The open stream of each page following one, by a key the page's cleanup
    /// holds (an EventSource cannot go into a cleanup closure, which must be `Send`).
    static OPEN: RefCell<BTreeMap<u64, (EventSource, mpsc::UnboundedSender<Message>)>> = const { RefCell::new(BTreeMap::new()) };
    static NEXT_KEY: Cell<u64> = const { Cell::new(0) };
}

/// Which page's stream, in `OPEN`.
type Open = u64;

/// Follows `stream`: `on_change` runs whenever the page should fetch its data again.
/// Call from the component that shows the data; it all ends with that component.
pub fn follow(stream: Stream, state: RwSignal<Live>, on_change: Callback<()>) {
    let alive = mounted();
    let open: Open = NEXT_KEY.with(|k| {
        k.set(k.get() + 1);
        k.get()
    });
    on_cleanup(move || {
        if let Some((source, tx)) = OPEN.with(|o| o.borrow_mut().remove(&open)) {
            source.close();
            let _ = tx.unbounded_send(Message::Stop);
        }
    });
    leptos::task::spawn_local(stream_loop(stream, state, on_change, alive.clone(), open));
    leptos::task::spawn_local(poll_loop(on_change, alive));
}

async fn poll_loop(on_change: Callback<()>, alive: Arc<AtomicBool>) {
    loop {
        pause(POLL_MS).await;
        if !alive.load(Ordering::Relaxed) {
            return;
        }
        on_change.run(());
    }
}

async fn stream_loop(
    stream: Stream,
    state: RwSignal<Live>,
    on_change: Callback<()>,
    alive: Arc<AtomicBool>,
    open: Open,
) {
    let living = || alive.load(Ordering::Relaxed);
    loop {
        match stream.ticket().await {
            Ok(ticket) if living() => {
                if let Some(stop) = listen(stream, &ticket.ticket, state, on_change, &alive, open).await {
                    if stop {
                        return;
                    }
                }
            }
            Err(ClientError::Unauthorized) => return,
            _ => {}
        }
        if !living() {
            return;
        }
        state.set(Live::Retrying);
        pause(RETRY_MS).await;
        if !living() {
            return;
        }
    }
}

/// One connection, until it fails (`Some(false)`), the page is left (`Some(true)`), or
/// it could not be opened (`None`).
async fn listen(
    stream: Stream,
    ticket: &str,
    state: RwSignal<Live>,
    on_change: Callback<()>,
    alive: &AtomicBool,
    open: Open,
) -> Option<bool> {
    let source = EventSource::new(&stream.url(ticket)).ok()?;
    let (tx, mut rx) = mpsc::unbounded();
    let sender = |message: fn() -> Message| {
        let tx = tx.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            let _ = tx.unbounded_send(message());
        })
    };
    let on_open = sender(|| Message::Opened);
    let on_report = sender(|| Message::Changed);
    let on_error = sender(|| Message::Failed);
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let _ = source.add_event_listener_with_callback(stream.event(), on_report.as_ref().unchecked_ref());
    OPEN.with(|o| o.borrow_mut().insert(open, (source.clone(), tx)));
    let mut stopped = false;
    while let Some(message) = rx.next().await {
        if !alive.load(Ordering::Relaxed) {
            stopped = true;
            break;
        }
        match message {
            Message::Opened => state.set(Live::On),
            Message::Changed => on_change.run(()),
            Message::Failed => break,
            Message::Stop => {
                stopped = true;
                break;
            }
        }
    }
    source.close();
    OPEN.with(|o| o.borrow_mut().remove(&open));
    // The closures live until the source is closed, so no event reaches a freed one.
    drop((on_open, on_report, on_error));
    Some(stopped)
}

/// A fetch for a live page: each run fetches `fetch` into `data` (or its failure into
/// `error`), one fetch at a time — a run during a fetch asks for one more after it, so a
/// burst of events costs at most two requests. Nothing is touched once the page is gone.
pub fn refresher<T, F, Fut>(fetch: F, data: RwSignal<Option<T>>, error: RwSignal<Option<ClientError>>) -> Callback<()>
where
    T: Send + Sync + 'static,
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = api::ApiResult<T>> + 'static,
{
    let alive = mounted();
    let fetching = StoredValue::new(false);
    let again = StoredValue::new(false);
    let fetch = Arc::new(fetch);
    Callback::new(move |_: ()| {
        if !alive.load(Ordering::Relaxed) {
            return;
        }
        if fetching.get_value() {
            again.set_value(true);
            return;
        }
        fetching.set_value(true);
        let alive = alive.clone();
        let fetch = fetch.clone();
        leptos::task::spawn_local(async move {
            loop {
                let result = fetch().await;
                if !alive.load(Ordering::Relaxed) {
                    return;
                }
                match result {
                    Ok(value) => {
                        data.set(Some(value));
                        // Setting it to what it is would redraw whatever shows it.
                        if error.with_untracked(Option::is_some) {
                            error.set(None);
                        }
                    }
                    Err(ClientError::Unauthorized) => return,
                    Err(err) => error.set(Some(err)),
                }
                if !again.get_value() {
                    break;
                }
                again.set_value(false);
            }
            fetching.set_value(false);
        });
    })
}
