//! The command line: how the server is started (every flag has an
//! environment variable), and the one-off commands.

use crate::store::Durability;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The command line: serve (the default), or a one-off command.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "clientele-server",
    version,
    about = "Clientele: Solo client management for bookkeeping practices"
)]
pub struct Cli {
    /// How to serve.
    #[command(flatten)]
    pub config: Config,
    /// A one-off command instead of serving.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

/// The one-off commands.
#[derive(Debug, Clone, Subcommand)]
pub enum CliCommand {
    /// Creates a practice and its first practice admin, then exits. The
    /// password comes from CLIENTELE_ADMIN_PASSWORD, or is asked for on a
    /// terminal.
    CreateAdmin {
        /// The practice's name.
        #[arg(long)]
        practice: String,
        /// The admin's email, which they sign in with.
        #[arg(long)]
        email: String,
        /// The admin's name (default: the part of the email before "@").
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Adds a member of staff to a practice, then exits: the practice of
    /// the person whose email `--practice-of` gives. The password comes
    /// from CLIENTELE_ADMIN_PASSWORD, or is asked for on a terminal.
    AddStaff {
        /// The email of someone already on the practice's staff.
        #[arg(long)]
        practice_of: String,
        /// The new member's email, which they sign in with.
        #[arg(long)]
        email: String,
        /// Their name (default: the part of the email before "@").
        #[arg(long, default_value = "")]
        name: String,
        /// What they may do: `staff` reads every client and adds documents
        /// and clients; `practice-admin` may also deactivate, reactivate and
        /// import.
        #[arg(long, value_enum, default_value_t = RoleArg::Staff)]
        role: RoleArg,
    },
    /// Gives someone who signs in (staff or a client's user) a new password
    /// and signs them out everywhere, then exits. The password comes from
    /// CLIENTELE_ADMIN_PASSWORD, or is asked for on a terminal.
    SetPassword {
        /// The email they sign in with.
        #[arg(long)]
        email: String,
    },
}

/// A staff role on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// `staff`.
    Staff,
    /// `practice_admin`.
    PracticeAdmin,
}

impl From<RoleArg> for clientele_core::StaffRole {
    fn from(role: RoleArg) -> clientele_core::StaffRole {
        match role {
            RoleArg::Staff => clientele_core::StaffRole::Staff,
            RoleArg::PracticeAdmin => clientele_core::StaffRole::PracticeAdmin,
        }
    }
}

/// How the server is started; every flag has an environment variable.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "CLIENTELE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The database: a SQLite file, created on first start, or a PostgreSQL
    /// URL (`postgres://user@host:5432/clientele`) for several instances.
    #[arg(
        long,
        env = "CLIENTELE_DB",
        default_value = "./data/clientele.db",
        global = true
    )]
    pub db: Database,
    /// When a change to a SQLite database is answered: `crash` once it
    /// would survive the server being killed or crashing, `power-loss` once
    /// it is flushed to the disk too, which also survives the machine
    /// losing power and makes each commit wait for the disk. PostgreSQL
    /// follows its own `synchronous_commit`.
    #[arg(
        long,
        env = "CLIENTELE_DURABILITY",
        value_enum,
        default_value_t = Durability::Crash
    )]
    pub durability: Durability,
    /// How many documents are read at once by the extraction workers.
    #[arg(long, env = "CLIENTELE_EXTRACT_WORKERS", default_value_t = 1)]
    pub extract_workers: usize,
    /// Where document files are kept (default: `files` beside a SQLite
    /// database; required with PostgreSQL). Several instances must share it.
    #[arg(long, env = "CLIENTELE_FILES", global = true)]
    pub files: Option<PathBuf>,
    /// The built app (`trunk build --release` writes it).
    #[arg(long, env = "CLIENTELE_DIST", default_value = "./dist")]
    pub dist: PathBuf,
    /// Origins allowed to call the API from a browser, for a statically
    /// hosted app; repeat the flag or separate with commas.
    #[arg(
        long = "cors-origin",
        env = "CLIENTELE_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Seeds an empty database with two demo practices whose accounts all
    /// have the password "clientele-demo". Never for real use.
    #[arg(
        long,
        env = "CLIENTELE_DEMO",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub demo: bool,
    /// How often, in seconds, this instance runs the scheduled
    /// deactivations that are due (at least 1).
    #[arg(long, env = "CLIENTELE_SCHEDULE_EVERY", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub schedule_every: u64,
    /// How many clients the first demo practice has (with --demo).
    #[arg(long, env = "CLIENTELE_SEED_CLIENTS", default_value_t = 40)]
    pub seed_clients: usize,
    /// Marks the session cookie `Secure`, so browsers send it over HTTPS
    /// only. Turn it on whenever Clientele is reached through TLS.
    #[arg(
        long,
        env = "CLIENTELE_SECURE_COOKIES",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub secure_cookies: bool,
    /// Enables `PUT /api/_test/fault`, for end-to-end tests and benchmarks.
    /// Never turn this on for real use.
    #[arg(
        long,
        env = "CLIENTELE_FAULT_INJECTION",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub fault_injection: bool,
}

/// Where the data is kept: `--db` names a SQLite file or a PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file, for one instance.
    Sqlite(PathBuf),
    /// A PostgreSQL URL, for one or several instances.
    Postgres(String),
}

impl std::str::FromStr for Database {
    type Err = std::convert::Infallible;

    fn from_str(location: &str) -> Result<Database, Self::Err> {
        Ok(if crate::store::postgres::is_postgres_url(location) {
            Database::Postgres(location.to_owned())
        } else {
            Database::Sqlite(PathBuf::from(location))
        })
    }
}

impl std::fmt::Display for Database {
    /// The file's path, or the URL without its password, for messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => match url.parse::<tokio_postgres::Config>() {
                Ok(config) => {
                    let hosts = config
                        .get_hosts()
                        .iter()
                        .map(|host| match host {
                            tokio_postgres::config::Host::Tcp(name) => name.clone(),
                            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(",");
                    write!(
                        f,
                        "PostgreSQL database {} on {hosts}",
                        config.get_dbname().unwrap_or("(default)")
                    )
                }
                Err(_) => write!(f, "a PostgreSQL URL"),
            },
        }
    }
}
