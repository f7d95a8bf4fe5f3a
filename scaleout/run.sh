#!/usr/bin/env bash
# make scaleout: the multi-server deployment on this one machine, under load, with a crash.
#
# Two gunicorn app servers behind nginx, over PostgreSQL (a database of its own), Redis (a
# server of its own, on its own port) and an S3-compatible store (moto in server mode). Twenty
# therapists sign in on one server and carry on on the other; receptionists upload scans and
# read them back from the other; halfway, one app server is killed. The figures go to
# scaleout-report.json; the run fails if anything acknowledged is lost or any request fails
# apart from those in flight on the killed server.
#
# Needs Debian's nginx and redis-server (apt-get install -y nginx redis-server).
# SCALEOUT_ROUNDS=2 SCALEOUT_THERAPISTS=6 make scaleout: the short version CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

THERAPISTS=${SCALEOUT_THERAPISTS:-20}
RECEPTIONISTS=${SCALEOUT_RECEPTIONISTS:-4}
ROUNDS=${SCALEOUT_ROUNDS:-8}
PORT=${SCALEOUT_PORT:-8780}
APP1=$((PORT + 1))
APP2=$((PORT + 2))
REDIS_PORT=$((PORT + 3))
S3_PORT=$((PORT + 4))
DB=clinic_scaleout
PY=.venv/bin/python

for program in nginx redis-server; do
  command -v "$program" >/dev/null || PATH=$PATH:/usr/sbin command -v "$program" >/dev/null || {
    echo "make scaleout needs Debian's $program: apt-get install -y nginx redis-server" >&2
    exit 1
  }
done
export PATH=$PATH:/usr/sbin

WORK=$(mktemp -d /tmp/clinic-scaleout.XXXXXX)
stop_all() {
  for pidfile in "$WORK"/app1.pid "$WORK"/app2.pid; do
    # The daemonised master and its workers share a process group: stop them together.
    [ -s "$pidfile" ] && kill -- -"$(ps -o pgid= "$(cat "$pidfile")" | tr -d ' ')" 2>/dev/null || true
  done
  [ -s "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  [ -n "${moto_pid:-}" ] && kill "$moto_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT

# What every app server shares: the database, the cache, the object store and the secret key
# (a session signed in on one server is read by the other).
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export CLINIC_S3_BUCKET=clinic-scans
export CLINIC_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
export CLINIC_S3_REGION=us-east-1
export AWS_ACCESS_KEY_ID=scaleout AWS_SECRET_ACCESS_KEY=scaleout
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="scaleout-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_PROXY_COUNT=1
export DJANGO_LOG_LEVEL=WARNING

echo "Redis on $REDIS_PORT, moto (S3) on $S3_PORT, PostgreSQL database $DB"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --logfile "$WORK/redis.log"
.venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$WORK/moto.log" 2>&1 &
moto_pid=$!
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
for _ in $(seq 30); do
  curl -fs -o /dev/null "http://127.0.0.1:$S3_PORT/" && redis-cli -p "$REDIS_PORT" ping >/dev/null &&
    break
  sleep 1
done
$PY -c "import boto3; boto3.client('s3', endpoint_url='$CLINIC_S3_ENDPOINT_URL').create_bucket(Bucket='$CLINIC_S3_BUCKET')"

$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY loadtest/therapists.py prepare --therapists "$THERAPISTS" --receptionists "$RECEPTIONISTS"

for n in 1 2; do
  port_var=APP$n
  .venv/bin/gunicorn clinic.wsgi -b "127.0.0.1:${!port_var}" --workers 2 \
    --pid "$WORK/app$n.pid" --daemon --log-level warning --error-logfile "$WORK/app$n.log"
done
sed -e "s|@WORK@|$WORK|g" -e "s|@USER@|$(id -un)|g" -e "s|@PORT@|$PORT|g" -e "s|@APP1@|$APP1|g" -e "s|@APP2@|$APP2|g" \
  scaleout/nginx.conf >"$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf" -p "$WORK"
for port in "$APP1" "$APP2" "$PORT"; do
  for _ in $(seq 30); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 1; done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz"
done
echo "nginx on $PORT in front of app servers on $APP1 and $APP2; app server $APP2 dies halfway"

status=0
$PY loadtest/therapists.py run --url "http://127.0.0.1:$PORT" --therapists "$THERAPISTS" \
  --receptionists "$RECEPTIONISTS" --rounds "$ROUNDS" --report scaleout-report.json \
  --kill-pidfile "$WORK/app2.pid" --expect-servers 2 || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 20 "$WORK"/*.log >&2 || true
fi
stop_all
trap - EXIT
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
rm -rf "$WORK"
exit $status
