//! The agent kit from Rust, end to end: a workspace with snapshots and a scoped key → a named
//! checkpoint → the checkpoint listed → a restore into a new bucket → two forks → every teardown.
//!
//! ```text
//! cargo run --features native --example native [-- [--local] [RUN_NAME]]
//! ```
//!
//! The kit reads `TIGRIS_*` from the environment (and `./.env`) with `AgentKit::from_env()`;
//! with `--local` it starts an in-process tigris-local on 127.0.0.1 instead and points the
//! config at it. `RUN_NAME` (default `agent-run-<unix ms>`) names every bucket, so one run can be
//! replayed exactly (the request-log comparison with the JS package does).

use std::time::{SystemTime, UNIX_EPOCH};
use tigris_agent_kit::{
    AgentKit, CheckpointOptions, Config, CreateForksOptions, CreateWorkspaceOptions,
    CredentialsOptions, Error, RestoreOptions, Role, Secret, TeardownForksOptions, Workspace,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let local = args.iter().any(|a| a == "--local");
    let run = match args.iter().find(|a| !a.starts_with("--")) {
        Some(name) => name.clone(),
        None => format!(
            "agent-run-{}",
            SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis()
        ),
    };
    let kit = if local {
        let mut server = tigris_local::config::Config::for_tests();
        server.test_hooks = false;
        let (addr, _state) = tigris_local::server::spawn(server).await?;
        println!("tigris-local (in process) at http://{addr}");
        AgentKit::new(Config {
            access_key_id: Some("tid_local".into()),
            secret_access_key: Some(Secret::new("tsec_local")),
            endpoint: Some(format!("http://{addr}")),
            iam_endpoint: Some(format!("http://{addr}")),
            ..Config::default()
        })?
    } else {
        AgentKit::from_env()?
    };
    scenario(&kit, &run).await?;
    Ok(())
}

/// The whole run; the first failure stops it (with the JS message and code).
async fn scenario(kit: &AgentKit, run: &str) -> Result<(), Error> {
    let ws = kit
        .create_workspace(
            run,
            CreateWorkspaceOptions {
                enable_snapshots: true,
                credentials: Some(CredentialsOptions { role: Role::Editor }),
                ..Default::default()
            },
        )
        .await?;
    let key = ws.credentials.as_ref().map(|c| c.access_key_id.as_str());
    println!("workspace {} (key {})", ws.bucket, key.unwrap_or("none"));

    let ck = kit
        .checkpoint(
            &ws.bucket,
            CheckpointOptions {
                name: Some("step-1".into()),
            },
        )
        .await?;
    println!("checkpoint {} ({:?})", ck.snapshot_id, ck.name);
    let listed = kit.list_checkpoints(&ws.bucket, Default::default()).await?;
    println!("{} checkpoint(s) listed", listed.checkpoints.len());

    let restored = kit
        .restore(
            &ws.bucket,
            &ck.snapshot_id,
            RestoreOptions {
                fork_name: Some(format!("{run}-restored")),
                ..Default::default()
            },
        )
        .await?;
    println!("restored into {}", restored.bucket);

    let forks = kit
        .create_forks(
            &ws.bucket,
            2,
            CreateForksOptions {
                prefix: Some(format!("{run}-fork")),
                concurrency: Some(1),
                ..Default::default()
            },
        )
        .await?;
    let names: Vec<&str> = forks.forks.iter().map(|f| f.bucket.as_str()).collect();
    println!("forks {names:?} of snapshot {}", forks.snapshot_id);

    let one_at_a_time = TeardownForksOptions {
        concurrency: Some(1),
        ..Default::default()
    };
    kit.teardown_forks(&forks, one_at_a_time).await?;
    let restored = Workspace {
        bucket: restored.bucket,
        credentials: None,
    };
    kit.teardown_workspace(&restored, Default::default())
        .await?;
    kit.teardown_workspace(&ws, Default::default()).await?;
    println!("torn down");
    Ok(())
}
