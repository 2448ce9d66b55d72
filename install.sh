#!/usr/bin/env bash
# Install, build and start Kefu from a checkout; or, with --test, install what the test
# suite needs and run it. Run ./install.sh --help for the options.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")"
ROOT=$(pwd)
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19
TEST_PACKAGES=(chromium fonts-noto-cjk dovecot-imapd postgresql)
TEST_REPORT=test-results/vitest.json
TEST_REPORT_POSTGRES=test-results/vitest-postgres.json
# Debian's way to tell a package's scripts not to start its service (see invoke-rc.d(8)).
POLICY_RC_D=/usr/sbin/policy-rc.d

MODE=start
SERVICE_USER=kefu
CONFIG_FILE=${KEFU_CONFIG:-$ROOT/config.yaml}

usage() {
  cat <<EOF
Usage: ./install.sh [options]

Installs Kefu's dependencies (npm ci), builds it (npm run build), creates config.yaml from
config.example.yaml if there is none, and starts Kefu in the foreground.

Options:
  --no-start      install and build only; do not start Kefu
  --systemd       install and build, then write a systemd unit (kefu.service) that runs
                  Kefu from this directory as the system user kefu (created when missing,
                  owner of the data directory) and start it (needs root)
  --user NAME     with --systemd: run the service as NAME instead of kefu
  --config FILE   config file to create/use (default: \$KEFU_CONFIG or ./config.yaml)
  --test          install what the tests need (as root: Debian packages ${TEST_PACKAGES[*]}
                  when missing), build, and run the whole test suite on SQLite, then its
                  server and browser tests again on PostgreSQL; the JSON reports are written to
                  $TEST_REPORT and $TEST_REPORT_POSTGRES
  -h, --help      show this help

Environment:
  KEFU_ADMIN_EMAIL, KEFU_ADMIN_PASSWORD   create the first admin on first start
  KEFU_CONFIG, KEFU_HOST, KEFU_PORT, KEFU_PUBLIC_URL, KEFU_DATA_DIR, KEFU_LOG_LEVEL
                                          see config.example.yaml
EOF
}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

# How to get a supported Node.js, printed whenever the one here is missing or too old.
node_help() {
  cat >&2 <<EOF
Kefu needs Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} or newer (22 LTS recommended) with npm. Ways to get it:
  - Debian 13 (nodejs 20.19): sudo apt-get install nodejs npm; elsewhere see what
    apt-cache policy nodejs offers (./install.sh installs it itself, run as root, when new enough)
  - Debian 12 and Ubuntu 24.04 ship Node.js 18, which is too old. Use NodeSource's packages:
        curl -fsSL https://deb.nodesource.com/setup_22.x -o nodesource_setup.sh
        sudo bash nodesource_setup.sh && sudo apt-get install -y nodejs
  - any Linux, without root: the "Linux Binaries" tarball from https://nodejs.org/en/download,
    unpacked, with its bin/ first in PATH
  - or run Kefu in a container instead (see README.md)
Then run ./install.sh again.
EOF
}

node_version_ok() {
  local version=$1 major minor
  major=${version%%.*}
  minor=${version#*.}; minor=${minor%%.*}
  [[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] || return 1
  (( major > NODE_MIN_MAJOR || (major == NODE_MIN_MAJOR && minor >= NODE_MIN_MINOR) ))
}

# The version apt would install (epoch stripped), or nothing.
apt_nodejs_candidate() {
  local candidate
  candidate=$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2}')
  [[ $candidate == "(none)" ]] && candidate=''
  echo "${candidate#*:}"
}

# As root with apt, install the system's nodejs when it is new enough; else say why not.
install_node_from_apt() {
  [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1 || return 1
  local candidate
  candidate=$(apt_nodejs_candidate)
  if [[ -z $candidate ]]; then
    apt-get update -qq || return 1
    candidate=$(apt_nodejs_candidate)
  fi
  if ! node_version_ok "$candidate"; then
    echo "install.sh: this system's nodejs package is ${candidate:-not available}, too old for Kefu." >&2
    return 1
  fi
  say "installing Node.js $candidate from the system's packages (apt-get install nodejs npm)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
}

check_node() {
  local version=''
  command -v node >/dev/null 2>&1 && version=$(node -p 'process.versions.node')
  if [[ -z $version ]] || ! node_version_ok "$version"; then
    if [[ -n $version ]]; then echo "install.sh: Node.js $version is too old." >&2; fi
    install_node_from_apt || { node_help; exit 1; }
    hash -r
    version=$(node -p 'process.versions.node')
    node_version_ok "$version" || { node_help; exit 1; }
  fi
  command -v npm >/dev/null 2>&1 || die "npm is missing (it ships with Node.js; on Debian: sudo apt-get install npm)."
  say "Node.js $version"
}

# Debian packages the tests use (a real Chromium, CJK fonts for screenshots, a real IMAP server,
# PostgreSQL's server binaries for the second database driver) and the compiler better-sqlite3
# falls back to. Installed only when missing so repeat runs are fast.
install_test_packages() {
  local missing=() pkg
  for pkg in "${TEST_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  command -v make >/dev/null 2>&1 || missing+=(make)
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
  if (( ${#missing[@]} == 0 )); then
    say "test packages already installed"
    return
  fi
  if [[ $(id -u) -ne 0 ]]; then
    printf 'install.sh: not root, so not installing: %s (tests that need them will fail)\n' "${missing[*]}" >&2
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  say "installing ${missing[*]}"
  apt-get update -qq
  # The tests start their own throwaway PostgreSQL clusters; the package's system service must not
  # start (nor Dovecot's): a policy-rc.d answering 101 tells the packages' scripts so, while we install.
  local policy=$POLICY_RC_D placed=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && placed=1
  fi
  local status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || status=$?
  (( placed == 0 )) || rm -f "$policy"
  (( status == 0 )) || die "apt-get install ${missing[*]} failed"
}

install_and_build() {
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
  say "building (npm run build)"
  npm run build
}

ensure_config() {
  if [[ -f $CONFIG_FILE ]]; then
    say "using $CONFIG_FILE"
  else
    cp config.example.yaml "$CONFIG_FILE"
    say "created $CONFIG_FILE from config.example.yaml; edit it to add mailboxes and widgets"
  fi
  export KEFU_CONFIG=$CONFIG_FILE
}

# Loads the config the way the server will, so a bad file stops here with its message (exit 2).
config_value() {
  node --input-type=module -e "
    const { loadConfig, ConfigError } = await import('./dist/server/config/load.js');
    try {
      const c = loadConfig();
      console.log(c.$1);
    } catch (err) {
      console.error(err instanceof ConfigError ? err.message : String(err));
      process.exit(2);
    }"
}

print_welcome() {
  local url data_dir
  url=$(config_value server.public_url) || exit 2
  data_dir=$(config_value data_dir) || exit 2
  echo
  say "Kefu will be at $url"
  echo "    data (database, attachments, backups): $data_dir"
  if [[ -n ${KEFU_ADMIN_EMAIL:-} && -n ${KEFU_ADMIN_PASSWORD:-} ]]; then
    echo "    sign in as $KEFU_ADMIN_EMAIL (created on first start if there is no admin yet)"
  else
    echo "    first start: open the one-time setup URL Kefu logs below (\"setupUrl\") to create the"
    echo "    first admin, or run: npx kefu create-admin --email you@example.com --password '...'"
  fi
  echo "    stop with Ctrl-C; health: $url/healthz, API docs: $url/api/docs"
  echo
}

# The service's own system user: a Kefu that runs as root would hand any flaw in it the whole machine.
ensure_service_user() {
  if id -u "$SERVICE_USER" >/dev/null 2>&1; then
    say "using the existing user $SERVICE_USER"
    return
  fi
  local nologin
  nologin=$(command -v nologin || echo /usr/sbin/nologin)
  useradd --system --user-group --no-create-home --home-dir "$1" --shell "$nologin" "$SERVICE_USER" \
    || die "could not create the system user $SERVICE_USER (useradd failed)"
  say "created the system user $SERVICE_USER"
}

# The unit file's text; the service user and paths are its arguments so it can be checked on its own.
systemd_unit() {
  local user=$1 root=$2 config=$3 node=$4 data=$5
  cat <<EOF
[Unit]
Description=Kefu customer-service desk
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=$user
Group=$user
WorkingDirectory=$root
Environment=NODE_ENV=production
Environment=KEFU_CONFIG=$config
# Fewer glibc malloc arenas: the same memory in less RSS (as the container image sets it).
Environment=MALLOC_ARENA_MAX=2
# A young generation of 16 MB, not 32: as the image and npm start run it.
ExecStart=$node --max-semi-space-size=8 $root/dist/server/cli.js serve
# Kefu drains and exits on SIGTERM within 10 s.
KillSignal=SIGTERM
TimeoutStopSec=15
Restart=on-failure
RestartSec=5
NoNewPrivileges=true
PrivateTmp=true
ProtectSystem=full
ProtectHome=read-only
ReadWritePaths=$data

[Install]
WantedBy=multi-user.target
EOF
}

write_systemd_unit() {
  [[ $(id -u) -eq 0 ]] || die "--systemd needs root (try: sudo ./install.sh --systemd)"
  local unit=/etc/systemd/system/kefu.service data_dir
  data_dir=$(config_value data_dir) || exit 2
  [[ $SERVICE_USER != root ]] || die "--user root: Kefu does not run as root; pick another user"
  ensure_service_user "$data_dir"
  # The service reads the code and the config and owns its data; nothing else is handed over.
  install -d -m 0700 -o "$SERVICE_USER" -g "$(id -gn "$SERVICE_USER")" "$data_dir"
  chown -R "$SERVICE_USER:$(id -gn "$SERVICE_USER")" "$data_dir"
  chgrp "$(id -gn "$SERVICE_USER")" "$CONFIG_FILE" && chmod 0640 "$CONFIG_FILE"
  if ! runuser -u "$SERVICE_USER" -- test -r "$ROOT/dist/server/cli.js" -a -r "$CONFIG_FILE"; then
    die "user $SERVICE_USER cannot read $ROOT (a home directory closed to others?): move the checkout to e.g. /opt/kefu and run this again"
  fi
  systemd_unit "$SERVICE_USER" "$ROOT" "$CONFIG_FILE" "$(command -v node)" "$data_dir" >"$unit"
  say "wrote $unit (runs as $SERVICE_USER; data in $data_dir, owned by $SERVICE_USER)"
  if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    systemctl daemon-reload
    systemctl enable --now kefu.service
    say "kefu.service started: systemctl status kefu; logs: journalctl -u kefu -f"
  else
    echo "systemd is not running here; start it later with: systemctl enable --now kefu"
  fi
}

# The server's and the browser's test files run a second time on PostgreSQL; the rest (config
# parsing, the install script, the web app's units) and tests/server/db, which compares both
# drivers itself on clusters of its own, do not depend on the driver.
POSTGRES_PASS=(tests/server tests/e2e)
POSTGRES_PASS_EXCLUDE=(tests/server/config/** tests/server/install/** tests/server/db/**)

postgres_available() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

# One vitest run; its JSON report goes to $1, its own output to the console. Prints the seconds it took.
vitest_pass() {
  local report=$1 label=$2 started status=0
  shift 2
  started=$(date +%s)
  npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
  say "$label pass: $(( $(date +%s) - started )) s"
  [[ -f $report ]] || { echo "install.sh: vitest wrote no JSON report for the $label pass" >&2; (( status != 0 )) || status=1; }
  return "$status"
}

run_tests() {
  mkdir -p "$(dirname "$TEST_REPORT")"
  rm -f "$TEST_REPORT" "$TEST_REPORT_POSTGRES"
  local status=0 excludes=() pattern
  for pattern in "${POSTGRES_PASS_EXCLUDE[@]}"; do excludes+=(--exclude "$pattern"); done
  export KEFU_TEST_BUILT=1
  say "running the test suite on SQLite"
  KEFU_TEST_DRIVER=sqlite vitest_pass "$TEST_REPORT" sqlite || status=$?
  if postgres_available; then
    say "running the server and browser tests again on PostgreSQL"
    KEFU_TEST_DRIVER=postgres vitest_pass "$TEST_REPORT_POSTGRES" postgres "${POSTGRES_PASS[@]}" "${excludes[@]}" || status=$?
  else
    echo "install.sh: PostgreSQL is not installed, so the PostgreSQL pass did not run (as root, ./install.sh --test installs it)" >&2
    (( status != 0 )) || status=1
  fi
  return "$status"
}

main() {
  while (( $# > 0 )); do
    case $1 in
      -h | --help) usage; exit 0 ;;
      --test) MODE=test ;;
      --no-start) MODE=no-start ;;
      --systemd) MODE=systemd ;;
      --user) [[ $# -ge 2 ]] || die "--user needs a name"; SERVICE_USER=$2; shift ;;
      --config) [[ $# -ge 2 ]] || die "--config needs a file"; CONFIG_FILE=$(readlink -f "$2"); shift ;;
      --config=*) CONFIG_FILE=$(readlink -f "${1#--config=}") ;;
      *) usage >&2; die "unknown option: $1" ;;
    esac
    shift
  done

  check_node
  case $MODE in
    test)
      install_test_packages
      install_and_build
      run_tests
      ;;
    no-start)
      install_and_build
      ensure_config
      config_value server.public_url >/dev/null || exit 2
      say "built; start with: KEFU_CONFIG=$CONFIG_FILE node dist/server/cli.js serve"
      ;;
    systemd)
      install_and_build
      ensure_config
      config_value server.public_url >/dev/null || exit 2
      write_systemd_unit
      ;;
    start)
      install_and_build
      ensure_config
      print_welcome
      MALLOC_ARENA_MAX=2 exec node --max-semi-space-size=8 dist/server/cli.js serve
      ;;
  esac
}

# Sourced (by the tests) it only defines the functions.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
