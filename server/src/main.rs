//! `clientele-server`: parses the command line and runs the server; the work
//! is in the library.

use clap::Parser;
use std::io::IsTerminal;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colour codes only help a person at a terminal; in a log file or a
        // test's captured output they are noise.
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .init();
    let cli = clientele_server::Cli::parse();
    if let Err(error) = clientele_server::main(cli).await {
        eprintln!("clientele-server: {error}");
        std::process::exit(1);
    }
}
