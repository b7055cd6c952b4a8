//! `tigris-local` binary: parse flags, bind, print the listening line, serve.

use std::io::Write;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = tigris_local::config::Config::parse();
    // Load (and lock) the data directory before listening, so a refused one never binds.
    let server = match tigris_local::server::Server::new(&config) {
        Ok(s) => s,
        Err(e) => {
            tigris_local::log!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(&config.addr).await {
        Ok(l) => l,
        Err(e) => {
            tigris_local::log!("cannot listen on {}: {e}", config.addr);
            return std::process::ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            tigris_local::log!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "tigris-local listening on http://{addr}");
    let _ = out.flush();
    tigris_local::log!(
        "root key {}, test hooks {}, data {}",
        config.access_key_id,
        if config.test_hooks { "on" } else { "off" },
        config
            .data_dir
            .as_ref()
            .map_or("in memory".to_string(), |d| format!("in {}", d.display()))
    );
    if config.exit_on_stdin_eof {
        std::thread::spawn(watch_stdin);
    }
    tigris_local::server::serve(server, listener).await;
    std::process::ExitCode::SUCCESS
}

/// Blocks until stdin reaches EOF (or fails), then exits the process. Copes with a non-blocking
/// stdin (Node hands children non-blocking sockets) by polling.
fn watch_stdin() {
    use std::io::{ErrorKind, Read};
    let mut buf = [0u8; 256];
    let mut stdin = std::io::stdin().lock();
    loop {
        match stdin.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(std::time::Duration::from_millis(200))
            }
            Err(_) => break,
        }
    }
    tigris_local::log!("stdin closed, exiting");
    std::process::exit(0);
}
