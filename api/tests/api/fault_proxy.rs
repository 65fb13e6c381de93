//! A TCP proxy a test puts between Banji and Redis or PostgreSQL, so that one test's
//! outage is its own: the services themselves stay up for the tests running beside it.
//!
//! - `cut`: every open connection is closed and new ones are closed as soon as they are
//!   accepted (a restart, a failover, a stopped process).
//! - `stall`: connections stay open and new ones are accepted, but no byte goes through
//!   (a paused process, a network partition).
//! - `resume`: bytes flow again (what a stall held back is delivered).

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Pass,
    Stall,
    Cut,
}

pub struct FaultProxy {
    pub addr: SocketAddr,
    mode: watch::Sender<Mode>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
        let _ = self.mode.send(Mode::Cut);
    }
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `target` (host:port).
    pub async fn start(target: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (mode, _) = watch::channel(Mode::Pass);
        let target = target.to_string();
        let modes = mode.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if *modes.borrow() == Mode::Cut {
                    drop(client);
                    continue;
                }
                let target = target.clone();
                let mode = modes.subscribe();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&target).await else { return };
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    // Either direction ending closes both.
                    tokio::select! {
                        _ = pump(client_read, server_write, mode.clone()) => {}
                        _ = pump(server_read, client_write, mode) => {}
                    }
                });
            }
        });
        FaultProxy { addr, mode, task }
    }

    /// `url` (redis:// or postgres://) with its host and port replaced by this proxy's.
    pub fn url_for(&self, url: &str) -> String {
        let mut parsed = reqwest::Url::parse(url).expect("a service url");
        parsed.set_host(Some("127.0.0.1")).unwrap();
        parsed.set_port(Some(self.addr.port())).unwrap();
        parsed.to_string()
    }

    pub fn cut(&self) {
        self.mode.send_replace(Mode::Cut);
    }

    pub fn stall(&self) {
        self.mode.send_replace(Mode::Stall);
    }

    pub fn resume(&self) {
        self.mode.send_replace(Mode::Pass);
    }
}

/// The host:port a service URL points at.
pub fn target_of(url: &str) -> String {
    let parsed = reqwest::Url::parse(url).expect("a service url");
    format!("{}:{}", parsed.host_str().unwrap_or("127.0.0.1"), parsed.port_or_known_default().unwrap_or(0))
}

async fn until_cut(mode: &mut watch::Receiver<Mode>) {
    loop {
        if *mode.borrow_and_update() == Mode::Cut {
            return;
        }
        if mode.changed().await.is_err() {
            return;
        }
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut mode: watch::Receiver<Mode>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = tokio::select! {
            read = from.read(&mut buf) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            },
            _ = until_cut(&mut mode) => return,
        };
        // Held while stalled; dropped (with the connection) when cut.
        loop {
            match *mode.borrow_and_update() {
                Mode::Pass => break,
                Mode::Cut => return,
                Mode::Stall => {}
            }
            if mode.changed().await.is_err() {
                return;
            }
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
