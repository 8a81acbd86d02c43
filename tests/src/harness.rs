//! Starts what a test needs and stops it by process id when the test ends:
//! `chromedriver`, the real server on port 0 with a fresh database (or two
//! instances of it on one PostgreSQL database, see
//! [`Harness::start_two_instances`]), and one headless Chromium session per
//! browser the test asks for.

use crate::Outcome;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The variable that names the PostgreSQL database for the tests of two
/// instances (`make test-e2e` starts a throwaway cluster for it).
pub const E2E_POSTGRES: &str = "CLIENTELE_E2E_POSTGRES";

/// One test's world: a server, a driver and the browsers opened on them.
pub struct Harness {
    /// The server's base URL, such as `http://127.0.0.1:41234`.
    pub url: String,
    /// The second instance's base URL ([`Harness::start_two_instances`]);
    /// else the one server's.
    pub second_url: String,
    server: Child,
    second: Option<Child>,
    driver: Child,
    driver_url: String,
    browsers: Vec<Client>,
    _database: tempfile::TempDir,
    downloads: tempfile::TempDir,
    /// Chromium's temporary files (its TMPDIR): a browser the driver kills
    /// leaves its profile behind, and this folder goes with the harness.
    _browser_tmp: tempfile::TempDir,
    screenshots: PathBuf,
    shots_taken: usize,
    test_name: String,
}

impl Harness {
    /// Starts a fresh server (demo data, fault switch on) and a driver.
    pub async fn start(test_name: &str) -> Outcome<Harness> {
        Harness::start_with(test_name, &[]).await
    }

    /// Starts a fresh server with extra command-line flags, and a driver.
    pub async fn start_with(test_name: &str, extra: &[&str]) -> Outcome<Harness> {
        let database = tempfile::tempdir()?;
        let screenshots = target_dir().join("e2e-screenshots").join(test_name);
        std::fs::create_dir_all(&screenshots)?;
        // The server's log is kept beside the screenshots, for a failure.
        let log = std::fs::File::create(screenshots.join("server.log"))?;
        let db = database.path().join("clientele.db");
        let (server, url) = start_server(db.as_os_str(), extra, log)?;
        let browser_tmp = tempfile::tempdir()?;
        let (driver, driver_url) = start_driver(browser_tmp.path())?;
        Ok(Harness {
            second_url: url.clone(),
            url,
            server,
            second: None,
            driver,
            driver_url,
            browsers: Vec::new(),
            _database: database,
            downloads: tempfile::tempdir()?,
            _browser_tmp: browser_tmp,
            screenshots,
            shots_taken: 0,
            test_name: test_name.to_owned(),
        })
    }

    /// Starts two server instances on the PostgreSQL database that
    /// [`E2E_POSTGRES`] names, sharing one files folder (the first seeds the
    /// demo data, the second finds it), and a driver. Without the variable,
    /// one SQLite instance serves as both (`second_url` is `url`); the
    /// answer says which.
    pub async fn start_two_instances(test_name: &str) -> Outcome<(Harness, bool)> {
        let Some(postgres) = std::env::var(E2E_POSTGRES)
            .ok()
            .filter(|url| !url.is_empty())
        else {
            return Ok((Harness::start(test_name).await?, false));
        };
        let database = tempfile::tempdir()?;
        let screenshots = target_dir().join("e2e-screenshots").join(test_name);
        std::fs::create_dir_all(&screenshots)?;
        let files = database.path().join("files");
        let files = files
            .to_str()
            .ok_or("the files folder's path is not UTF-8")?;
        let extra = ["--files", files];
        let log = std::fs::File::create(screenshots.join("server.log"))?;
        let (server, url) = start_server(std::ffi::OsStr::new(&postgres), &extra, log)?;
        let log = std::fs::File::create(screenshots.join("server-2.log"))?;
        let (second, second_url) = start_server(std::ffi::OsStr::new(&postgres), &extra, log)?;
        let browser_tmp = tempfile::tempdir()?;
        let (driver, driver_url) = start_driver(browser_tmp.path())?;
        let harness = Harness {
            url,
            second_url,
            server,
            second: Some(second),
            driver,
            driver_url,
            browsers: Vec::new(),
            _database: database,
            downloads: tempfile::tempdir()?,
            _browser_tmp: browser_tmp,
            screenshots,
            shots_taken: 0,
            test_name: test_name.to_owned(),
        };
        Ok((harness, true))
    }

    /// Opens a new headless Chromium window on the app.
    pub async fn open_browser(&mut self) -> Outcome<Client> {
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", "--disable-dev-shm-usage", "--window-size=1280,900",
                ],
                "prefs": {
                    "download.default_directory": self.downloads.path(),
                    "download.prompt_for_download": false,
                },
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("the capabilities above are an object")
        };
        let browser = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.driver_url)
            .await?;
        self.browsers.push(browser.clone());
        Ok(browser)
    }

    /// Saves a screenshot of `browser` as the test's next numbered step.
    pub async fn screenshot(&mut self, browser: &Client, step: &str) -> Outcome {
        self.shots_taken += 1;
        let png = browser.screenshot().await?;
        let name = format!("{:02}-{step}.png", self.shots_taken);
        std::fs::write(self.screenshots.join(name), png)?;
        Ok(())
    }

    /// Where the browsers save what they download.
    pub fn downloads(&self) -> &Path {
        self.downloads.path()
    }

    /// The test's name, for messages.
    pub fn test_name(&self) -> &str {
        &self.test_name
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // Close the browsers on the driver's runtime thread if one is running;
        // killing the driver below ends any that are left either way.
        for browser in self.browsers.drain(..) {
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                let _ = tokio::task::block_in_place(|| handle.block_on(browser.close()));
            }
        }
        for child in [&mut self.server, &mut self.driver]
            .into_iter()
            .chain(self.second.as_mut())
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The release-built app that the tests serve.
pub fn dist_dir() -> Outcome<PathBuf> {
    let dist = std::env::var("CLIENTELE_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_dir().join("dist"));
    if !dist.join("index.html").exists() {
        return Err(format!(
            "no built app at {}: run `trunk build --release` (make test-e2e does)",
            dist.display()
        )
        .into());
    }
    Ok(dist)
}

fn start_server(
    database: &std::ffi::OsStr,
    extra: &[&str],
    log: std::fs::File,
) -> Outcome<(Child, String)> {
    let binary = std::env::var("CLIENTELE_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| target_dir().join("debug").join("clientele-server"));
    let dist = dist_dir()?;
    let mut server = Command::new(&binary)
        .args(["--addr", "127.0.0.1:0", "--fault-injection", "--demo"])
        .args(extra)
        .arg("--db")
        .arg(database)
        .arg("--dist")
        .arg(&dist)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .map_err(|error| format!("could not start {}: {error}", binary.display()))?;
    let stdout = server.stdout.take().ok_or("the server has no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let url = line
        .trim()
        .strip_prefix("Clientele listening on ")
        .ok_or_else(|| format!("the server did not say where it listens: {line:?}"))?
        .to_owned();
    Ok((server, url))
}

fn start_driver(browser_tmp: &Path) -> Outcome<(Child, String)> {
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let driver = Command::new(&binary)
        .arg(format!("--port={port}"))
        .env("TMPDIR", browser_tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("could not start {binary}: {error}"))?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("chromedriver did not start listening within 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((driver, format!("http://127.0.0.1:{port}")))
}

fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_dir().join("target"))
}
