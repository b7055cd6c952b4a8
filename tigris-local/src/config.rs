//! Command-line flags; every flag also reads `TIGRIS_LOCAL_<FLAG>`.

use clap::Parser;

/// tigris-local: a local Tigris-compatible S3/IAM server for offline tests and development.
#[derive(Parser, Clone)]
#[command(name = "tigris-local", version, about)]
pub struct Config {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, env = "TIGRIS_LOCAL_ADDR", default_value = "127.0.0.1:9000")]
    pub addr: String,
    /// Root (admin) access key id.
    #[arg(long, env = "TIGRIS_LOCAL_ACCESS_KEY_ID", default_value = "tid_local")]
    pub access_key_id: String,
    /// Root secret access key.
    #[arg(
        long,
        env = "TIGRIS_LOCAL_SECRET_ACCESS_KEY",
        default_value = "tsec_local",
        hide_env_values = true
    )]
    pub secret_access_key: String,
    /// Delay every response by this many milliseconds.
    #[arg(long, env = "TIGRIS_LOCAL_LATENCY_MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Session token accepted as admin (`x-amz-security-token`, docs/protocol.md §3.4).
    #[arg(long, env = "TIGRIS_LOCAL_SESSION_TOKEN", hide_env_values = true)]
    pub session_token: Option<String>,
    /// Host suffix for virtual-hosted addressing (`<bucket>.<base-host>[:port]`).
    #[arg(long, env = "TIGRIS_LOCAL_BASE_HOST", default_value = "localhost")]
    pub base_host: String,
    /// Serve the unauthenticated `/_local/` test hooks.
    #[arg(long, env = "TIGRIS_LOCAL_TEST_HOOKS")]
    pub test_hooks: bool,
    /// Length of a TTL "day" in seconds (shorten for tests).
    #[arg(long, env = "TIGRIS_LOCAL_DAY_SECONDS", default_value_t = 86_400)]
    pub day_seconds: u64,
    /// Per-attempt webhook timeout.
    #[arg(
        long,
        env = "TIGRIS_LOCAL_WEBHOOK_TIMEOUT_MS",
        default_value_t = 10_000
    )]
    pub webhook_timeout_ms: u64,
    /// Webhook attempts in total before giving up.
    #[arg(long, env = "TIGRIS_LOCAL_WEBHOOK_MAX_ATTEMPTS", default_value_t = 5)]
    pub webhook_max_attempts: u32,
    /// Allow webhook delivery to this non-loopback host (repeatable).
    #[arg(long, env = "TIGRIS_LOCAL_ALLOW_WEBHOOK_HOST", value_delimiter = ',')]
    pub allow_webhook_host: Vec<String>,
    /// Keep buckets, objects, snapshots, forks, keys and settings in this directory across
    /// restarts (default: in memory only).
    #[arg(long, env = "TIGRIS_LOCAL_DATA_DIR")]
    pub data_dir: Option<std::path::PathBuf>,
    /// Close a connection whose request head is not complete this long after it started (or
    /// after its previous answer): slow or stalled clients cannot hold connections forever.
    #[arg(long, env = "TIGRIS_LOCAL_HEADER_TIMEOUT_MS", default_value_t = 10_000)]
    pub header_timeout_ms: u64,
    /// Most client connections open at once; further clients wait in the listen backlog.
    #[arg(long, env = "TIGRIS_LOCAL_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,
    /// Exit when stdin reaches end-of-file (so a test harness that dies, even by SIGKILL, never
    /// leaves the server running: spawn it with a stdin pipe).
    #[arg(long, env = "TIGRIS_LOCAL_EXIT_ON_STDIN_EOF")]
    pub exit_on_stdin_eof: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"******")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "******"),
            )
            .field("base_host", &self.base_host)
            .field("test_hooks", &self.test_hooks)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Defaults as if started without flags or env (for tests).
    pub fn for_tests() -> Config {
        Config {
            addr: "127.0.0.1:0".into(),
            access_key_id: "tid_local".into(),
            secret_access_key: "tsec_local".into(),
            latency_ms: 0,
            session_token: None,
            base_host: "localhost".into(),
            test_hooks: true,
            day_seconds: 86_400,
            webhook_timeout_ms: 10_000,
            webhook_max_attempts: 5,
            allow_webhook_host: Vec::new(),
            exit_on_stdin_eof: false,
            data_dir: None,
            header_timeout_ms: 10_000,
            max_connections: 1024,
        }
    }
}
