//! `tigris-local` binary: parse flags, bind, print the listening line, serve.

use std::io::Write;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = tigris_local::config::Config::parse();
    let listener = match tokio::net::TcpListener::bind(&config.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("tigris-local: cannot listen on {}: {e}", config.addr);
            return std::process::ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("tigris-local: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "tigris-local listening on http://{addr}");
    let _ = out.flush();
    eprintln!(
        "tigris-local: root key {}, test hooks {}",
        config.access_key_id,
        if config.test_hooks { "on" } else { "off" }
    );
    tigris_local::server::serve(config, listener).await;
    std::process::ExitCode::SUCCESS
}
