//! A real SMTP server on loopback (mailin-embedded), recording what it receives
//! and answering as a test tells it to: accept, defer (4xx) or reject (5xx).

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use mailin_embedded::{Handler, Response, Server, response};

/// A message as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message")
    }
}

#[derive(Default)]
struct Shared {
    received: Vec<Received>,
    /// Recipients refused at RCPT with 550.
    reject: Vec<String>,
    /// How many more recipients to defer with 451 at RCPT.
    defer_next: usize,
    /// How many more messages to stop answering in the middle of, and for how long.
    hang_next: usize,
    hang_for: std::time::Duration,
}

#[derive(Clone)]
struct Recorder {
    shared: Arc<Mutex<Shared>>,
    current: Option<Received>,
}

impl Handler for Recorder {
    fn rcpt(&mut self, to: &str) -> Response {
        let mut shared = self.shared.lock().unwrap();
        if shared.reject.iter().any(|r| r == to) {
            return response::NO_MAILBOX;
        }
        if shared.defer_next > 0 {
            shared.defer_next -= 1;
            return response::INTERNAL_ERROR;
        }
        response::OK
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Received {
            from: from.to_owned(),
            to: to.to_vec(),
            data: Vec::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let hang = {
            let mut shared = self.shared.lock().unwrap();
            if shared.hang_next > 0 {
                shared.hang_next -= 1;
                Some(shared.hang_for)
            } else {
                None
            }
        };
        if let Some(pause) = hang {
            // Mid-message, the server goes quiet, then drops the message.
            std::thread::sleep(pause);
            self.current = None;
            return Err(std::io::Error::other("hung up mid-message"));
        }
        if let Some(current) = &mut self.current {
            current.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(message) = self.current.take() {
            self.shared.lock().unwrap().received.push(message);
        }
        response::OK
    }
}

/// The server. It runs on its own threads until the test process ends.
pub struct SmtpSink {
    shared: Arc<Mutex<Shared>>,
    pub port: u16,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        Self::start_on(free_port())
    }

    /// Starts listening on `port` (for a server that "comes back").
    pub fn start_on(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the SMTP port");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let mut server = Server::new(Recorder {
            shared: shared.clone(),
            current: None,
        });
        server
            .with_name("sink.test")
            .with_num_threads(4)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpSink { shared, port }
    }

    pub fn url(&self) -> url::Url {
        smtp_url(self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().unwrap().received.clone()
    }

    pub fn count(&self) -> usize {
        self.shared.lock().unwrap().received.len()
    }

    pub fn reject(&self, recipient: &str) {
        self.shared
            .lock()
            .unwrap()
            .reject
            .push(recipient.to_owned());
    }

    pub fn unreject(&self, recipient: &str) {
        self.shared
            .lock()
            .unwrap()
            .reject
            .retain(|r| r != recipient);
    }

    /// Stops answering in the middle of the next `messages` messages for `pause`.
    pub fn hang_next(&self, messages: usize, pause: std::time::Duration) {
        let mut shared = self.shared.lock().unwrap();
        shared.hang_next = messages;
        shared.hang_for = pause;
    }

    pub fn defer_next(&self, messages: usize) {
        self.shared.lock().unwrap().defer_next = messages;
    }
}

pub fn smtp_url(port: u16) -> url::Url {
    url::Url::parse(&format!("smtp://127.0.0.1:{port}")).unwrap()
}

pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
