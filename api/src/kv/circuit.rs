//! What keeps a faltering Redis from slowing every request: each call is bounded by a
//! short timeout (`BANJI_KV_TIMEOUT_MS`), and after `TRIPS` failures in a row the circuit
//! opens, so calls fail at once (`KvError::Unavailable`) instead of each waiting out its
//! own timeout. After `COOL_DOWN` one call is let through as a probe; its success closes
//! the circuit. An outage is logged twice: once when the circuit opens, once when it
//! closes — never once per request.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{KvError, KvResult};

/// Failures in a row that open the circuit.
const TRIPS: u32 = 3;
/// How long an open circuit refuses calls before it lets one probe through.
const COOL_DOWN: Duration = Duration::from_secs(2);

#[derive(Default)]
struct State {
    failures: u32,
    /// Set while open: until when calls are refused.
    open_until: Option<Instant>,
    /// A probe is out: the others keep failing fast until it answers.
    probing: bool,
}

pub struct Circuit {
    timeout: Duration,
    state: Mutex<State>,
}

enum Admit {
    Call,
    Probe,
}

impl Circuit {
    pub fn new(timeout: Duration) -> Circuit {
        Circuit { timeout, state: Mutex::new(State::default()) }
    }

    /// True while calls are refused without trying (the shared store is known to be away).
    pub fn is_open(&self) -> bool {
        self.lock().open_until.is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn admit(&self) -> Option<Admit> {
        let mut state = self.lock();
        match state.open_until {
            None => Some(Admit::Call),
            Some(until) if Instant::now() >= until && !state.probing => {
                state.probing = true;
                Some(Admit::Probe)
            }
            Some(_) => None,
        }
    }

    /// Runs one call under the timeout and the circuit.
    pub async fn run<T, E, F>(&self, call: F) -> KvResult<T>
    where
        F: Future<Output = Result<T, E>>,
        E: Into<KvError>,
    {
        let Some(admitted) = self.admit() else {
            return Err(KvError::Unavailable("the circuit is open"));
        };
        let result = match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(err)) => Err(err.into()),
            Err(_) => Err(KvError::Unavailable("no answer within the timeout")),
        };
        match &result {
            Ok(_) => self.succeeded(),
            Err(err) if err.is_outage() => self.failed(matches!(admitted, Admit::Probe), err),
            // The store answered (a script or type error): it is there.
            Err(_) => self.succeeded(),
        }
        result
    }

    fn succeeded(&self) {
        let mut state = self.lock();
        if state.open_until.take().is_some() {
            tracing::warn!("the shared cache (Redis) answers again; the circuit is closed");
        }
        state.failures = 0;
        state.probing = false;
    }

    fn failed(&self, probe: bool, err: &KvError) {
        let mut state = self.lock();
        state.failures = state.failures.saturating_add(1);
        if probe {
            state.probing = false;
            state.open_until = Some(Instant::now() + COOL_DOWN);
        } else if state.open_until.is_none() && state.failures >= TRIPS {
            state.open_until = Some(Instant::now() + COOL_DOWN);
            tracing::warn!(
                error = %err,
                "the shared cache (Redis) is unavailable; calls fail fast, throttles and webhook \
                 dedup use this replica's memory until it is back"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> Result<(), KvError> {
        Err(KvError::Unavailable("test"))
    }

    #[tokio::test]
    async fn three_failures_in_a_row_open_the_circuit_and_calls_then_fail_without_running() {
        let circuit = Circuit::new(Duration::from_millis(50));
        for _ in 0..TRIPS {
            assert!(circuit.run(async { refused() }).await.is_err());
        }
        assert!(circuit.is_open());
        let ran = std::sync::atomic::AtomicBool::new(false);
        let result = circuit
            .run(async {
                ran.store(true, std::sync::atomic::Ordering::SeqCst);
                Ok::<_, KvError>(())
            })
            .await;
        assert!(matches!(result, Err(KvError::Unavailable(_))));
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst), "an open circuit does not call");
    }

    #[tokio::test]
    async fn a_call_slower_than_the_timeout_fails_and_counts() {
        let circuit = Circuit::new(Duration::from_millis(20));
        let slow = async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok::<_, KvError>(())
        };
        assert!(matches!(circuit.run(slow).await, Err(KvError::Unavailable(_))));
        assert_eq!(circuit.lock().failures, 1);
    }

    #[tokio::test]
    async fn after_the_cool_down_one_probe_goes_through_and_its_success_closes_the_circuit() {
        let circuit = Circuit::new(Duration::from_millis(50));
        for _ in 0..TRIPS {
            let _ = circuit.run(async { refused() }).await;
        }
        // Instant (std) does not follow tokio's paused clock: move the deadline instead.
        circuit.lock().open_until = Some(Instant::now());
        assert!(circuit.run(async { Ok::<_, KvError>(()) }).await.is_ok());
        assert!(!circuit.is_open());
        assert!(circuit.run(async { Ok::<_, KvError>(()) }).await.is_ok());
    }

    #[tokio::test]
    async fn a_failed_probe_keeps_the_circuit_open() {
        let circuit = Circuit::new(Duration::from_millis(50));
        for _ in 0..TRIPS {
            let _ = circuit.run(async { refused() }).await;
        }
        circuit.lock().open_until = Some(Instant::now());
        assert!(circuit.run(async { refused() }).await.is_err());
        assert!(circuit.is_open());
        assert!(!circuit.lock().probing);
    }

    /// What the circuit logs, captured.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn an_outage_of_many_calls_is_logged_once_when_it_starts_and_once_when_it_ends() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::WARN)
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let circuit = Circuit::new(Duration::from_millis(50));
        for _ in 0..200 {
            let _ = circuit.run(async { refused() }).await;
        }
        circuit.lock().open_until = Some(Instant::now());
        for _ in 0..200 {
            let _ = circuit.run(async { Ok::<_, KvError>(()) }).await;
        }
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 2, "{log}");
        assert!(lines[0].contains("is unavailable"), "{log}");
        assert!(lines[1].contains("answers again"), "{log}");
    }
}
