#!/usr/bin/env bash
# The pages through a real server: gunicorn (4 sync workers, production settings,
# persistent connections) on the 1,000,000-ticket data of bench/queue.py, driven by
# wrk (1 thread, 8 connections, a 5 s warm-up then three 20 s runs, the median kept).
#
#     bash bench/http.sh            # every scenario (about 9 minutes)
#     RUNS=1 SECONDS_PER_RUN=5 bash bench/http.sh   # a quick look
#
# Prints req/s and p50/p95/p99 (ms) per scenario, that every 201 of the filing run
# is a row, and the gunicorn workers' memory after the run. Needs wrk (Debian's).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8091}
RUNS=${RUNS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/amends_bench}
export CELERY_BROKER_URL=redis://127.0.0.1:6379/13 CACHE_URL=redis://127.0.0.1:6379/13
export SECRET_KEY=bench-only-not-a-secret DEBUG=0 ALLOWED_HOSTS=127.0.0.1 CONN_MAX_AGE=60
export LOG_LEVEL=WARNING STATIC_MANIFEST=0 AMENDS_VAR_DIR="$PWD/var/bench"
# The benchmark is one client: the abuse limits would measure the limits.
export AMENDS_RATE_LIMIT_PER_IP=100000000 AMENDS_RATE_LIMIT_PER_EMAIL=100000000
export AMENDS_API_RATE_PER_IP=100000000/min AMENDS_API_RATE_PER_TOKEN=100000000/min

# The data (bench/queue.py loads it once), then what the requests carry.
$PY bench/queue.py "no page" >/dev/null
eval "$($PY bench/http_setup.py)"

GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_WORKERS=4 GUNICORN_TIMEOUT=60 \
  .venv/bin/gunicorn config.wsgi:application -c config/gunicorn.py --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 60); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done

URL=http://127.0.0.1:$PORT
median() { sort -t= -k2 -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }

scenario() {  # name, path, then COOKIE / AUTH / BODY in the environment
  local name=$1 path=$2 line
  [ "${WARMUP:-1}" = 0 ] || wrk -t1 -c8 -d5s -s bench/http.lua "$URL$path" >/dev/null
  line=$(for _ in $(seq "$RUNS"); do
    wrk -t1 -c8 -d"${SECONDS_PER_RUN}s" -s bench/http.lua "$URL$path" | grep '^RESULT'
  done | sed 's/^RESULT rps=/rps=/' | median)
  printf '%-34s %s\n' "$name" "$line"
}

echo "1,000,000 tickets; wrk -t1 -c8, ${RUNS} x ${SECONDS_PER_RUN}s after a 5 s warm-up (median by req/s)"
COOKIE=$SESSION_COOKIE scenario "queue page" "/agent/"
AUTH="Token $API_TOKEN" scenario "API queue, first page" "/api/v1/tickets/"
AUTH="Token $API_TOKEN" scenario "API queue, page 20 (cursor)" "$PAGE20"
COOKIE=$SESSION_COOKIE scenario "ticket page" "/agent/tickets/$TICKET/"
AUTH="Token $API_TOKEN" scenario "API ticket" "/api/v1/tickets/$TICKET/"
COOKIE=$SESSION_COOKIE scenario "queue search (a name)" "/agent/?q=Amelie+Dupre"

before=$($PY - <<'PY'
import sys; sys.path[0] = "."
from bench import _db; _db.setup_django()
from complaints.models import Complaint; print(Complaint.objects.count())
PY
)
# Filing: one run with no warm-up, so that its 201s can be counted against the new rows.
line=$(BODY=file CATEGORY=$CATEGORY RUNS=1 WARMUP=0 scenario "filing (API, anonymous)" "/api/v1/complaints/")
echo "$line"
after=$($PY - <<'PY'
import sys; sys.path[0] = "."
from bench import _db; _db.setup_django()
from complaints.models import Complaint; print(Complaint.objects.count())
PY
)
created=$(echo "$line" | sed -n 's/.*created=\([0-9]*\).*/\1/p')
rows=$((after - before))
# Requests still in flight when wrk stops are answered to nobody but filed all the same.
verdict=$([ "$created" -le "$rows" ] && echo "every 201 is a row" || echo "LOST: fewer rows than 201s")
echo "filing: $created answered 201, $rows new complaints in the database: $verdict"

echo "gunicorn workers' memory after the run (RSS):"
for pid in $(pgrep -P "$SERVER"); do
  printf '  pid %s: %s MiB\n' "$pid" "$(( $(awk '/VmRSS/ {print $2}' /proc/"$pid"/status) / 1024 ))"
done
