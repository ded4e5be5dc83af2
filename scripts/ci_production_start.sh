#!/usr/bin/env bash
# CI: production starts as the README says. Copies the tree into a fresh temporary directory, creates
# a fresh PostgreSQL database, runs scripts/production_start.sh there (the README's steps: a fresh
# .venv with requirements.txt, check --deploy, migrate, collectstatic, load_campaign, createsuperuser,
# gunicorn with production settings on a loopback port), then fetches the home page, the log-in page
# and one hashed static file as the TLS proxy would forward them (X-Forwarded-Proto: https): each must
# be 200 with the security headers. Stops gunicorn and drops the database at the end, pass or fail.
#
# Runs alone: bash scripts/ci_production_start.sh (needs PostgreSQL on 127.0.0.1 and Redis reachable
# at REDIS_URL; nothing is sent to Redis unless a page queues a task).
#   PRODUCTION_START_PG    server URL without database (postgres://postgres@127.0.0.1:5432)
#   PRODUCTION_START_DB    the database to create and drop (kczg_production_start)
#   PRODUCTION_START_PORT  gunicorn's loopback port (8011)
#   REDIS_URL              the broker (redis://127.0.0.1:6379/0)
#   PRODUCTION_START_VENV  an existing throw-away virtualenv to use as .venv instead of a fresh one
#                          (quicker when trying this script; .ci/run leaves it unset)
set -euo pipefail

cd "$(dirname "$0")/.."
PG=${PRODUCTION_START_PG:-postgres://postgres@127.0.0.1:5432}
DB=${PRODUCTION_START_DB:-kczg_production_start}
PORT=${PRODUCTION_START_PORT:-8011}
HOST=kczg.example.org
BASE=http://127.0.0.1:$PORT

fail() {
    printf '\nFAILED: %s\n' "$*" >&2
    exit 1
}

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    fail "port $PORT is in use already; set PRODUCTION_START_PORT"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kczg-production-start.XXXXXX")
SERVER_PID=
cleanup() {
    status=$?
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 1; done
        kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ -f "$WORK/server.log" ]; then
        printf '\n--- last lines of the server log (%s) ---\n' "scripts/production_start.sh" >&2
        tail -n 60 "$WORK/server.log" >&2
    fi
    psql "$PG/postgres" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null || status=1
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT

# The tree as git sees it (tracked and new files, without ignored ones such as .venv and var/).
git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' path; do if [ -e "$path" ]; then printf '%s\0' "$path"; fi; done |
    tar --null -T - -cf - | tar -xf - -C "$WORK"
echo "tree copied to $WORK"
if [ -n "${PRODUCTION_START_VENV:-}" ]; then ln -s "$PRODUCTION_START_VENV" "$WORK/.venv"; fi

psql "$PG/postgres" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
echo "fresh database $DB"

# The README's environment, with throw-away values; nothing else from this shell's environment
# (DATABASE_URL, DEBUG, STATIC_ROOT, ...) reaches the server, except what python and pip need.
# gunicorn's control socket goes into the temporary directory, away from any other gunicorn's.
keep=(LANG=C.UTF-8)
for name in $(compgen -e); do
    case $name in
        PATH | HOME | TMPDIR | PYENV* | PIP_* | *_proxy | *_PROXY | SSL_CERT_* | REQUESTS_CA_BUNDLE) keep+=("$name=${!name}") ;;
    esac
done
env -i "${keep[@]}" \
    KCZG_ENV=production \
    SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=$HOST CSRF_TRUSTED_ORIGINS=https://$HOST SITE_URL=https://$HOST \
    DATABASE_URL="$PG/$DB" \
    REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}" \
    EMAIL_HOST=127.0.0.1 EMAIL_PORT=25 \
    KCZG_LOAD_CAMPAIGN=fixtures/campaign_2023.json \
    DJANGO_SUPERUSER_USERNAME=ci-admin DJANGO_SUPERUSER_EMAIL=ci-admin@example.org \
    DJANGO_SUPERUSER_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')" \
    GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_WORKERS=2 \
    GUNICORN_CMD_ARGS="--control-socket $WORK/gunicorn.ctl" \
    setsid bash "$WORK/scripts/production_start.sh" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

echo "waiting for gunicorn on $BASE (installs requirements.txt into a fresh .venv first)"
for _ in $(seq 1 600); do
    kill -0 "$SERVER_PID" 2>/dev/null || fail "scripts/production_start.sh stopped before gunicorn answered"
    if curl -s -o /dev/null -H "Host: $HOST" "$BASE/" 2>/dev/null; then break; fi
    sleep 1
done
curl -s -o /dev/null -H "Host: $HOST" "$BASE/" || fail "gunicorn did not answer on $BASE within 10 minutes"
grep -q '^==> createsuperuser ci-admin' "$WORK/server.log" || fail "createsuperuser did not run"
grep -q '已载入' "$WORK/server.log" || fail "load_campaign did not run"

# fetch PATH WHAT: GET through the "proxy"; the headers go to $WORK/headers, the body to $WORK/body.
fetch() {
    local path=$1 what=$2 code
    code=$(curl -sS -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' \
        -H "Host: $HOST" -H 'X-Forwarded-Proto: https' "$BASE$path") || fail "$what: curl failed"
    if [ "$code" != 200 ]; then
        cat "$WORK/headers" >&2
        head -c 3000 "$WORK/body" >&2
        fail "$what ($path): HTTP $code, expected 200"
    fi
}

# header NAME: its value in the last response ("" when absent).
header() {
    grep -i "^$1:" "$WORK/headers" | head -n 1 | cut -d: -f2- | sed 's/^ *//; s/\r$//' || true
}

# expect_header NAME EXACT-VALUE-OR-GLOB WHAT
expect_header() {
    local name=$1 pattern=$2 what=$3 value
    value=$(header "$name")
    # shellcheck disable=SC2053  # the pattern is a glob on purpose
    if [[ $value != $pattern ]]; then
        cat "$WORK/headers" >&2
        fail "$what: $name is '${value}', expected '$pattern'"
    fi
}

security_headers() {
    local what=$1
    expect_header Strict-Transport-Security 'max-age=31536000; includeSubDomains; preload' "$what"
    local csp directive
    csp=$(header Content-Security-Policy)
    for directive in "default-src 'self'" "script-src 'self'" "frame-ancestors 'none'"; do
        if [[ "; $csp;" != *"; $directive;"* ]]; then
            cat "$WORK/headers" >&2
            fail "$what: Content-Security-Policy '$csp' lacks \"$directive\""
        fi
    done
    expect_header X-Content-Type-Options nosniff "$what"
    expect_header Referrer-Policy same-origin "$what"
}

fetch / "home page"
security_headers "home page"
expect_header X-Frame-Options DENY "home page"
grep -q '科创中国' "$WORK/body" || fail "home page: no 科创中国 in the page"
cp "$WORK/body" "$WORK/home.html"

fetch /accounts/login/ "log-in page"
security_headers "log-in page"
expect_header X-Frame-Options DENY "log-in page"
grep -q 'name="password"' "$WORK/body" || fail "log-in page: no password field"

MANIFEST=$WORK/var/static/staticfiles.json
[ -f "$MANIFEST" ] || fail "collectstatic wrote no manifest at $MANIFEST"
CSS=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["paths"]["vendor/bootstrap/bootstrap.min.css"])' "$MANIFEST")
[ "$CSS" != vendor/bootstrap/bootstrap.min.css ] || fail "the manifest does not hash bootstrap.min.css"
grep -qF "/static/$CSS" "$WORK/home.html" || fail "the home page does not link the hashed /static/$CSS"
fetch "/static/$CSS" "hashed static file"
security_headers "hashed static file"
expect_header Content-Type 'text/css*' "hashed static file"
expect_header Cache-Control '*immutable*' "hashed static file"
grep -q 'Bootstrap' "$WORK/body" || fail "hashed static file: not Bootstrap's CSS"

# Without the proxy's header the request counts as plain HTTP and is sent to HTTPS.
code=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: $HOST" "$BASE/accounts/login/")
[ "$code" = "301 https://$HOST/accounts/login/" ] || fail "plain HTTP: '$code', expected a 301 to https://$HOST/accounts/login/"

echo "production start: home, log-in and /static/$CSS answer 200 with the security headers"
