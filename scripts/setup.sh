#!/usr/bin/env bash
# Installs whatever a fresh clone is missing: npm packages, the Temporal CLI (built once from the Go module proxy and
# cached outside the repo) and PostgreSQL's server binaries. Safe to run again: each step is skipped when done.
# With --cluster (npm run start:cluster) it also builds the multi-node Temporal cluster's programs; with --cluster-test
# (npm test, npm run test:cluster) the two of them the cluster's fault test runs: the server and its schema tool.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }
# Debian packages are installed only as root with apt-get at hand; elsewhere the user is told what to install.
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_install() {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# 1. npm packages, from package-lock.json exactly.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json..."
  # npm ci refuses a lockfile that lacks other platforms' optional packages (e.g. @swc/core-darwin-arm64), and the
  # registry here does not serve those, so the lockfile can never list them. npm install --no-save installs the same
  # locked versions and leaves package.json and the lockfile untouched.
  npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --no-save --loglevel=error
fi

# 2. The real Temporal server: the Temporal CLI's dev server.
TEMPORAL_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
CACHE_BIN="${XDG_CACHE_HOME:-$HOME/.cache}/proactive-sms/bin"
if [ -n "${TEMPORAL_BIN:-}" ] && [ -x "${TEMPORAL_BIN}" ]; then
  :
elif command -v temporal >/dev/null 2>&1 || [ -x "$CACHE_BIN/temporal" ]; then
  :
else
  if ! command -v go >/dev/null 2>&1; then
    say "no 'temporal' on PATH and no Go toolchain to build it: install Go, or put the Temporal CLI on PATH" >&2
    exit 1
  fi
  say "building the Temporal CLI $TEMPORAL_VERSION from the Go module proxy into $CACHE_BIN"
  say "(first time only; this takes a few minutes)"
  mkdir -p "$CACHE_BIN"
  if ! GOBIN="$CACHE_BIN" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION"; then
    say "$TEMPORAL_VERSION did not build; trying v1.4.1"
    GOBIN="$CACHE_BIN" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@v1.4.1"
  fi
  say "Temporal CLI ready: $CACHE_BIN/temporal"
fi

# 2b. The multi-node Temporal cluster's programs: the Temporal server (the release the CLI embeds), its SQL schema tool
# and the Web UI server, built from the Go module proxy like the CLI, each into a folder of its own under the cache (two
# of them are called `server`). scripts/lib/local-temporal-cluster.ts finds them there; the versions are the ones it
# names. --cluster builds all three; --cluster-test the two the fault test (test/cluster/) runs, which has no Web UI.
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/proactive-sms"
TEMPORAL_SERVER_VERSION="v1.29.1"
TEMPORAL_UI_VERSION="v2.42.1"
build_cached() { # build_cached <folder> <binary> <package@version> <what> <how long it takes> <variable naming another>
  local dir="$CACHE_ROOT/$1"
  [ -x "$dir/$2" ] || [ -n "${!6:-}" ] && return 0
  if ! command -v go >/dev/null 2>&1; then
    say "no Go toolchain to build $4: install Go (the cluster needs it once)" >&2
    exit 1
  fi
  say "building $4 ($3) from the Go module proxy into $dir ($5, first time only)..."
  mkdir -p "$dir"
  local started=$SECONDS
  # One package at a time: the server's build otherwise holds several large compilations in memory at once.
  GOBIN="$dir" GOFLAGS="-mod=mod -p=1" go install "$3"
  say "$4 built in $((SECONDS - started)) s"
}
if [[ " $* " == *" --cluster "* || " $* " == *" --cluster-test "* ]]; then
  [[ " $* " == *" --cluster "* ]] && needed="npm run start:cluster" || needed="the fault test on a Temporal cluster (test/cluster/)"
  [ -x "$CACHE_ROOT/temporal-server-$TEMPORAL_SERVER_VERSION/server" ] || [ -n "${TEMPORAL_SERVER_BIN:-}" ] ||
    say "$needed needs the Temporal server $TEMPORAL_SERVER_VERSION and its schema tool, built once below"
  build_cached "temporal-server-$TEMPORAL_SERVER_VERSION" server \
    "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" "the Temporal server" "4 to 7 minutes on 2 cores" \
    TEMPORAL_SERVER_BIN
  build_cached "temporal-sql-tool-$TEMPORAL_SERVER_VERSION" sql \
    "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" "Temporal's SQL schema tool" "seconds after the server" \
    TEMPORAL_SQL_TOOL_BIN
fi
if [[ " $* " == *" --cluster "* ]]; then
  build_cached "temporal-ui-server-$TEMPORAL_UI_VERSION" server \
    "github.com/temporalio/ui-server/v2/cmd/server@$TEMPORAL_UI_VERSION" "the Temporal Web UI server" "under a minute" \
    TEMPORAL_UI_SERVER_BIN
fi

# 3. PostgreSQL server binaries, unless DATABASE_URL names another server.
if [ -z "${DATABASE_URL:-}" ] && [ -z "${PG_BIN:-}" ] && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if can_apt; then
    say "installing PostgreSQL from Debian's packages..."
    apt_install postgresql
  else
    say "PostgreSQL server binaries not found: install PostgreSQL (e.g. apt-get install postgresql), set PG_BIN, or set DATABASE_URL" >&2
    exit 1
  fi
fi
# PostgreSQL refuses to run as root: as root, our scripts run it as the 'postgres' system user.
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  say "creating the 'postgres' system user to run PostgreSQL"
  useradd --system --no-create-home --shell /usr/sbin/nologin postgres
fi

# 4. Chromium for the web console's browser tests (driven by playwright-core; Debian's build, never a download).
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  if can_apt; then
    say "installing chromium from Debian's packages (for the console's browser tests)..."
    apt_install chromium
  else
    # Only the browser tests need it, so `npm start` still works; those tests fail saying the same thing.
    say "chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH; the console's browser tests need it" >&2
  fi
fi

# 5. schemathesis (PyPI) for the fuzz test, in its own virtualenv in the cache folder, never in the repo.
SCHEMATHESIS_VERSION="4.32.5"
SCHEMATHESIS_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/proactive-sms/schemathesis"
if [ -z "${SCHEMATHESIS_BIN:-}" ] && ! "$SCHEMATHESIS_VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  if command -v python3 >/dev/null 2>&1; then
    say "installing schemathesis $SCHEMATHESIS_VERSION from PyPI into $SCHEMATHESIS_VENV (for the fuzz test)..."
    python3 -m venv "$SCHEMATHESIS_VENV" && "$SCHEMATHESIS_VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION" ||
      say "schemathesis could not be installed: the fuzz test will fail saying so" >&2
  else
    # Only the fuzz test needs it, so `npm start` still works; that test fails saying the same thing.
    say "python3 not found: install it (apt-get install python3-venv) for the fuzz test's schemathesis" >&2
  fi
fi

# 6. jsmpp's SMSC simulator (org.jsmpp:jsmpp-examples, Maven Central) for the SMPP tests, into the cache folder: the
# SMPP adapter is tested against an SMSC nobody here wrote.
JSMPP_VERSION="3.0.0"
JSMPP_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/proactive-sms/jsmpp-$JSMPP_VERSION"
if [ ! -f "$JSMPP_DIR/jsmpp-examples-$JSMPP_VERSION.jar" ]; then
  if command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    say "fetching org.jsmpp:jsmpp-examples:$JSMPP_VERSION from Maven Central into $JSMPP_DIR (for the SMPP tests)..."
    mvn -B -q -f scripts/smsc-simulator/pom.xml dependency:copy-dependencies -Djsmpp.version="$JSMPP_VERSION" \
      -DoutputDirectory="$JSMPP_DIR" >&2 || say "jsmpp could not be fetched: the SMPP tests will fail saying so" >&2
  else
    # Only the SMPP tests need it, so `npm start` still works; those tests fail saying the same thing.
    say "java or mvn not found: install them (apt-get install default-jdk-headless maven) for the SMPP tests" >&2
  fi
fi
