# Triad in a container. The image expects a PostgreSQL server (DATABASE_URL);
# the embedded cluster is for laptops, not for containers.

# --- build: dependencies first, so code changes reuse their layer -------------
FROM rust:1-bookworm AS build
WORKDIR /src
# The queries are checked against the committed .sqlx/ data: no database at build time.
ENV SQLX_OFFLINE=true
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src
COPY src src
COPY templates templates
COPY migrations migrations
COPY static static
COPY .sqlx .sqlx
COPY build.rs build.rs
# Make sure cargo sees the real sources as newer than the placeholder build.
RUN touch src/main.rs src/lib.rs && cargo build --release --locked

# --- runtime: a slim Debian with the binary and a user that is not root --------
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/triad --create-home triad
COPY --from=build /src/target/release/triad /usr/local/bin/triad
USER triad
WORKDIR /var/lib/triad
# No RUST_LOG here: Triad's own default (info, with sqlx's per-statement
# lines kept quiet) applies unless the deployment sets one.
ENV TRIAD_BIND=0.0.0.0:3000 \
    TRIAD_DATA_DIR=/var/lib/triad
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD curl --fail --silent http://127.0.0.1:3000/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/triad"]
CMD ["serve"]
