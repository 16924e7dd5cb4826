# Shared by scripts/up, scripts/down and scripts/test. Everything lives under one state folder
# ($STATE): the Postgres cluster, the dev broker's address, keys, secrets, logs and pid files.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES=(gateway ingest policy watcher incidents alerts siem)
PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '[palisade] %s\n' "$*" >&2; }

# Debian packages Palisade needs to build and run; installs only what is missing.
ensure_packages() {
  local wanted=(postgresql-15 postgresql-client-15 librdkafka-dev pkg-config curl ca-certificates python3 python3-venv)
  local missing=()
  for package in "${wanted[@]}"; do
    # Removed-but-configured packages ("rc") still answer `dpkg -s`; ask for installed ones.
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v swift >/dev/null || { log "swift is not on PATH (Swift 6 toolchain required)"; exit 1; }
}

random_secret() { head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }

# Secrets are generated once per state folder and reused (so running twice is safe).
ensure_secrets() {
  mkdir -p "$STATE"
  if [ ! -f "$STATE/secrets.env" ]; then
    umask 077
    {
      echo "PALISADE_DB_ADMIN_PASSWORD=$(random_secret)"
      for service in "${SERVICES[@]}"; do
        upper=$(echo "$service" | tr '[:lower:]' '[:upper:]')
        echo "PALISADE_DB_OWNER_PASSWORD_${upper}=$(random_secret)"
        echo "PALISADE_DB_PASSWORD_${upper}=$(random_secret)"
      done
    } > "$STATE/secrets.env"
    umask 022
  fi
  set -a; . "$STATE/secrets.env"; set +a
}

pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

# A private cluster under $STATE/pg, listening on 127.0.0.1:$PG_PORT only, SCRAM auth.
start_postgres() {
  local data="$STATE/pg/data" run="$STATE/pg/run"
  mkdir -p "$STATE/pg" "$STATE/logs" "$run"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating Postgres cluster in $data"
    printf '%s\n' "$PALISADE_DB_ADMIN_PASSWORD" > "$STATE/pg/pwfile"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$STATE/pg"
    pg_as_owner "$PG_BIN/initdb -D '$data' -U postgres --pwfile='$STATE/pg/pwfile' --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8" >/dev/null
    rm -f "$STATE/pg/pwfile"
  fi
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$STATE/pg"
  touch "$STATE/logs/postgres.log"; [ "$(id -u)" -eq 0 ] && chown postgres "$STATE/logs/postgres.log"
  if ! pg_as_owner "$PG_BIN/pg_ctl -D '$data' status" >/dev/null 2>&1; then
    log "starting Postgres on 127.0.0.1:$PG_PORT"
    pg_as_owner "$PG_BIN/pg_ctl -D '$data' -w -t 60 -l '$STATE/logs/postgres.log' \
      -o \"-p $PG_PORT -c listen_addresses=127.0.0.1 -k '$run' -c max_connections=200\" start" >/dev/null
  fi
  if ! PGPASSWORD="$PALISADE_DB_ADMIN_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc \
      "SELECT 1 FROM pg_database WHERE datname = 'palisade'" | grep -q 1; then
    PGPASSWORD="$PALISADE_DB_ADMIN_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE palisade"
  fi
}

stop_postgres() {
  local data="$STATE/pg/data"
  if [ -f "$data/postmaster.pid" ]; then
    pg_as_owner "$PG_BIN/pg_ctl -D '$data' -m fast -w stop" >/dev/null 2>&1 || true
  fi
}

build() {
  mkdir -p "$STATE/logs"
  log "building (swift build${SWIFT_BUILD_FLAGS:+ $SWIFT_BUILD_FLAGS}); log in $STATE/logs/build.log"
  if ! (cd "$ROOT" && swift build ${SWIFT_BUILD_FLAGS:-} > "$STATE/logs/build.log" 2>&1); then
    grep -E 'error:' "$STATE/logs/build.log" | head -40 >&2 || tail -40 "$STATE/logs/build.log" >&2
    log "build failed"; exit 1
  fi
  BIN="$(cd "$ROOT" && swift build ${SWIFT_BUILD_FLAGS:-} --show-bin-path)"
}

# Starts `cmd...` in the background with its log and pid under $STATE.
start_background() {
  local name="$1"; shift
  if [ -f "$STATE/run/$name.pid" ] && kill -0 "$(cat "$STATE/run/$name.pid")" 2>/dev/null; then
    return 0
  fi
  mkdir -p "$STATE/run" "$STATE/logs"
  nohup "$@" >> "$STATE/logs/$name.log" 2>&1 &
  echo $! > "$STATE/run/$name.pid"
}

stop_background() {
  local name="$1" pidfile="$STATE/run/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

start_broker() {
  start_background dev-broker "$BIN/palisade" dev-broker --address-file "$STATE/kafka.bootstrap"
  for _ in $(seq 1 100); do [ -s "$STATE/kafka.bootstrap" ] && break; sleep 0.1; done
  [ -s "$STATE/kafka.bootstrap" ] || { log "dev broker did not start; see $STATE/logs/dev-broker.log"; exit 1; }
  log "dev broker at $(cat "$STATE/kafka.bootstrap")"
}

ensure_keys() {
  mkdir -p "$STATE/keys"
  if [ ! -s "$STATE/keys/signing.key" ]; then
    "$BIN/palisade" keys generate --kid "local-$(date +%Y%m%d)" \
      --signing-key-file "$STATE/keys/signing.key" --public-key-file "$STATE/keys/public.keys" >/dev/null
  fi
  if [ ! -s "$STATE/keys/master.key" ]; then
    "$BIN/palisade" keys generate-master --kid "m-$(date +%Y%m%d)" --file "$STATE/keys/master.key" >/dev/null
  fi
  # A local key for signing policy packs, and the trusted-keys file the policy service and the
  # gateway verify packs against (production names its own CI or security team's keys).
  if [ ! -s "$STATE/keys/pack-signing.json" ]; then
    public=$("$BIN/palisade" pack keygen --key-id "local-packs" --out "$STATE/keys/pack-signing.json")
    printf '{"keys":[%s]}\n' "$public" > "$STATE/keys/pack-trusted.json"
  fi
  # The policy service's key for sealing each tenant's active set, and the gateways' trust in
  # it: a separate key, so neither a pack author nor the service can stand in for the other.
  if [ ! -s "$STATE/keys/pack-set-signing.json" ]; then
    public=$("$BIN/palisade" pack keygen --key-id "local-policy-service" --out "$STATE/keys/pack-set-signing.json")
    printf '{"keys":[%s]}\n' "$public" > "$STATE/keys/pack-set-trusted.json"
  fi
  export PALISADE_PLATFORM_SIGNING_KEY_FILE="$STATE/keys/signing.key"
  export PALISADE_PLATFORM_PUBLIC_KEYS_FILE="$STATE/keys/public.keys"
  export PALISADE_POLICY_TRUSTED_KEYS_FILE="$STATE/keys/pack-trusted.json"
  export PALISADE_POLICY_SET_SIGNING_KEY_FILE="$STATE/keys/pack-set-signing.json"
  export PALISADE_POLICY_SET_KEYS_FILE="$STATE/keys/pack-set-trusted.json"
}

common_env() {
  export PALISADE_DB_HOST=127.0.0.1 PALISADE_DB_PORT="$PG_PORT" PALISADE_DB_NAME=palisade
  export PALISADE_KAFKA_BROKERS_FILE="$STATE/kafka.bootstrap"
  export PALISADE_MIGRATIONS_DIR="$ROOT/migrations"
  export PALISADE_OPENAPI_FILE="$ROOT/proto/openapi.yaml"
}

bootstrap_database() {
  PALISADE_DB_ADMIN_USER=postgres "$BIN/palisade" db bootstrap >/dev/null
  for service in "${SERVICES[@]}"; do
    upper=$(echo "$service" | tr '[:lower:]' '[:upper:]')
    owner_var="PALISADE_DB_OWNER_PASSWORD_${upper}"
    PALISADE_DB_OWNER_PASSWORD="${!owner_var}" PALISADE_LOG_FORMAT=text PALISADE_LOG_LEVEL=warning \
      "$BIN/palisade-$service" migrate
  done
  log "database bootstrapped and migrated"
}

# The environment one service process gets: its own runtime role only.
service_env() {
  local service="$1" port="$2"
  local upper; upper=$(echo "$service" | tr '[:lower:]' '[:upper:]')
  local password_var="PALISADE_DB_PASSWORD_${upper}"
  echo "PALISADE_HTTP_PORT=$port"
  # Only the edge holds the master key (it seals the rotating signing keys).
  [ "$service" = gateway ] && echo "PALISADE_MASTER_KEY_FILE=$STATE/keys/master.key"
  echo "PALISADE_DB_USER=palisade_${service}_app"
  echo "PALISADE_DB_PASSWORD=${!password_var}"
}
