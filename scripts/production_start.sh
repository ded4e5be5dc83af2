#!/usr/bin/env bash
# Start the web tier in production: the steps of the README's "Running in production", in order.
# This file is the one place those steps live; .ci/run runs it (scripts/ci_production_start.sh) in a
# fresh copy of the tree against a fresh PostgreSQL database and checks the pages it serves.
#
# Needs the environment of the README (KCZG_ENV=production, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL,
# REDIS_URL, ...). Safe to run again (on every start or after an upgrade): it installs what
# requirements.txt pins, migrates, collects the static files, and only then starts gunicorn.
#
# Optional:
#   KCZG_LOAD_CAMPAIGN=fixtures/campaign_2023.json   load (or update) that campaign year; set it on the
#                                                    first start only, so later edits in the admin stay
#   DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_EMAIL, DJANGO_SUPERUSER_PASSWORD
#                                                    create the first administrator unless the username
#                                                    exists (createsuperuser --noinput)
#   GUNICORN_BIND (127.0.0.1:8001), GUNICORN_WORKERS (4), GUNICORN_TIMEOUT (60)
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}

if [ "${KCZG_ENV:-}" != production ]; then
    echo "production_start.sh: KCZG_ENV=production is not set (see the README, \"Running in production\")" >&2
    exit 2
fi

step() { printf '==> %s\n' "$*" >&2; }

step "install requirements.txt into .venv"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt

step "check --deploy"
.venv/bin/python manage.py check --deploy --fail-level WARNING

step "migrate"
.venv/bin/python manage.py migrate --noinput

step "collectstatic (WhiteNoise serves STATIC_ROOT, default var/static, hashed and compressed)"
.venv/bin/python manage.py collectstatic --noinput

if [ -n "${KCZG_LOAD_CAMPAIGN:-}" ]; then
    step "load_campaign $KCZG_LOAD_CAMPAIGN"
    .venv/bin/python manage.py load_campaign "$KCZG_LOAD_CAMPAIGN"
fi

if [ -n "${DJANGO_SUPERUSER_USERNAME:-}" ]; then
    if .venv/bin/python manage.py shell --no-imports -c "
import os, sys
from django.contrib.auth import get_user_model
sys.exit(0 if get_user_model().objects.filter(username=os.environ['DJANGO_SUPERUSER_USERNAME']).exists() else 1)
"; then
        step "createsuperuser: $DJANGO_SUPERUSER_USERNAME exists already"
    else
        step "createsuperuser $DJANGO_SUPERUSER_USERNAME"
        .venv/bin/python manage.py createsuperuser --noinput
    fi
fi

step "gunicorn on ${GUNICORN_BIND:-127.0.0.1:8001}"
exec .venv/bin/gunicorn kczg_site.wsgi \
    --bind "${GUNICORN_BIND:-127.0.0.1:8001}" \
    --workers "${GUNICORN_WORKERS:-4}" \
    --timeout "${GUNICORN_TIMEOUT:-60}"
