//! Headless Chromium, driven through chromedriver (Debian's `chromium` and
//! `chromium-driver`). A missing browser fails the test with a message saying
//! what to install: a journey that was not walked did not pass.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::http::Method;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::json;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// One browser with its own driver process and empty profile.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Browser {
        for (path, package) in [(CHROMEDRIVER, "chromium-driver"), (CHROMIUM, "chromium")] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing: install Debian's {package} package (scripts/setup does)"
            );
        }
        let port = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|listener| listener.local_addr())
            .expect("a free port for chromedriver")
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("a browser profile directory");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));

        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        driver,
                        _profile: profile,
                    };
                }
                Err(err) => last_error = Some(err),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start a session: {last_error:?}");
    }

    /// Everything the page wrote to the console at level SEVERE (errors, failed
    /// loads, CSP violations) since the last call.
    pub async fn console_errors(&self) -> Vec<String> {
        let logs = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("read the browser console");
        logs.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Saves a PNG of the viewport under `target/screenshots/` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("take a screenshot");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("create target/screenshots");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// Signs in through the form and waits for the home page.
    pub async fn sign_in(&self, base: &str, email: &str, password: &str) {
        self.client.delete_all_cookies().await.unwrap();
        self.client.goto(&format!("{base}/sign-in")).await.unwrap();
        self.fill("email", email).await;
        self.fill("password", password).await;
        self.submit("/sign-in").await;
        self.welcome_heading().await;
    }

    /// Waits for the home page's "Welcome, …" heading and returns its text.
    pub async fn welcome_heading(&self) -> String {
        self.client
            .wait()
            .at_most(std::time::Duration::from_secs(90))
            .for_element(fantoccini::Locator::XPath(
                "//h1[starts-with(normalize-space(), 'Welcome,')]",
            ))
            .await
            .expect("the home page's welcome")
            .text()
            .await
            .unwrap()
    }

    /// Types into the field with this id, replacing what was there.
    pub async fn fill(&self, id: &str, text: &str) {
        let field = self.client.find(fantoccini::Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Presses the button of the form that posts to `action`.
    pub async fn submit(&self, action: &str) {
        let selector = format!("form[action='{action}'] button[type=submit]");
        self.client
            .find(fantoccini::Locator::Css(&selector))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Waits until the page shows `text` somewhere, and returns the page text.
    pub async fn wait_for_text(&self, text: &str) -> String {
        let xpath = format!("//*[contains(normalize-space(.), \"{text}\")]");
        self.client
            .wait()
            .at_most(std::time::Duration::from_secs(90))
            .for_element(fantoccini::Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|err| panic!("the page never showed {text:?}: {err}"));
        self.client.source().await.unwrap()
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// chromedriver's log endpoint, which fantoccini does not wrap.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}
