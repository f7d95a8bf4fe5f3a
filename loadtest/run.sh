#!/usr/bin/env bash
# make loadtest: many therapists at once against gunicorn on PostgreSQL, on a database of its own.
# Figures go to loadtest-report.json and into the README's reliability section.
set -euo pipefail
cd "$(dirname "$0")/.."

THERAPISTS=${THERAPISTS:-20}
ROUNDS=${ROUNDS:-8}
WORKERS=${WORKERS:-4}
PORT=${LOADTEST_PORT:-8770}
DB=clinic_loadtest
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="loadtest-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_LOG_LEVEL=WARNING
PY=.venv/bin/python

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY loadtest/therapists.py prepare --therapists "$THERAPISTS"

.venv/bin/gunicorn clinic.wsgi -b "127.0.0.1:$PORT" --workers "$WORKERS" \
  --pid /tmp/clinic-loadtest.pid --daemon --log-level warning
trap 'kill "$(cat /tmp/clinic-loadtest.pid)" 2>/dev/null || true' EXIT
for _ in $(seq 30); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 1; done

status=0
$PY loadtest/therapists.py run --url "http://127.0.0.1:$PORT" --therapists "$THERAPISTS" \
  --rounds "$ROUNDS" --report loadtest-report.json || status=$?
kill "$(cat /tmp/clinic-loadtest.pid)"
trap - EXIT
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB"
exit $status
