//! A browser-less person with their own cookies, and what tests read off the
//! responses they get: the form token, where a redirect goes, the session.

use super::TestApp;

/// The value of the first hidden `_csrf` field in a page.
pub fn csrf_in(html: &str) -> String {
    let marker = r#"name="_csrf" value=""#;
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("a page with a form");
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// A browser-less person with their own cookies.
#[derive(Clone)]
pub struct Visitor {
    pub base: String,
    pub client: reqwest::Client,
}

impl Visitor {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// This visitor's CSRF token (made on first use).
    pub async fn csrf(&self) -> String {
        csrf_in(&self.text("/sign-in").await)
    }

    /// Sends a form the way a browser on this site would, token included.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post("/sign-in", &[("email", email), ("password", password)])
            .await
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

impl TestApp {
    pub fn visitor(&self) -> Visitor {
        Visitor {
            base: self.base.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    /// A browser whose requests arrive through a proxy that says they come
    /// from `client` (believed only when the app trusts this machine's proxy).
    pub fn visitor_from(&self, client: &str) -> Visitor {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", client.parse().unwrap());
        Visitor {
            base: self.base.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(headers)
                .build()
                .unwrap(),
        }
    }
}

pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("triad_session="))
        .map(|v| {
            v["triad_session=".len()..]
                .split(';')
                .next()
                .unwrap()
                .to_owned()
        })
}
