#!/usr/bin/env bash
# Instructions per request of GET /api/forecast, counted by valgrind's callgrind, and where they
# go. Unlike requests per second, the count does not move with what else the machine is doing.
# It tells where a process spends its work rather than a target's pass or fail. Slow (node runs about 50
# times slower under valgrind): a minute or two per run.
#
#   scripts/count-instructions.sh server  [requests]   the built server on artifacts/
#   scripts/count-instructions.sh ceiling [requests]   bench:serve's bare Fastify ceiling
#
# Needs valgrind (apt-get install -y valgrind). The process is warmed up for 40 s under load
# before the counting starts, and only the counted requests are instrumented. Prints the count
# per request and the functions that spent the most instructions; V8's compiled JavaScript shows
# as addresses, which /tmp/perf-<pid>.map (written by --perf-basic-prof) names.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/ceiling-json.sh
source scripts/lib/ceiling-json.sh

what=${1:-server}
requests=${2:-5000}
port=${PORT_FOR_COUNT:-7961}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
# names compiled JavaScript; V8's own log goes to the temporary folder, not the repository
perf_map=(--perf-basic-prof --no-logfile-per-isolate "--logfile=$out/v8.log")
case $what in
  server)
    npm run --silent build:server
    cmd=(node --predictable "${perf_map[@]}" build/server/main.cjs)
    ;;
  ceiling)
    write_ceiling_json "$out/ceiling.json"
    cmd=(node --predictable "${perf_map[@]}" --import tsx tests/bench/serve.bench.ts --ceiling "$port" "$out/ceiling.json")
    ;;
  *)
    echo "usage: $0 server|ceiling [requests]" >&2
    exit 2
    ;;
esac

# valgrind names its control pipes after $USER and $HOST; callgrind_control looks for them
# under its own guesses, so neither may be set (the server reads PORT and defaults HOST)
env -u HOST -u USER -u LOGNAME PORT="$port" valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$out/callgrind.%p" "${cmd[@]}" >"$out/process.log" 2>&1 &
pid=$!
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
url="http://127.0.0.1:$port"
ready=no
for _ in $(seq 1 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz" || true)" = 200 ] && { ready=yes; break; }
  kill -0 "$pid" 2>/dev/null || { cat "$out/process.log" >&2; exit 1; }
  sleep 2
done
[ "$ready" = yes ] || { echo "$what: /readyz not 200 after 10 minutes" >&2; stop; exit 1; }
npx autocannon -c 10 -d 40 "$url/api/forecast" >/dev/null 2>&1
callgrind_control --instr=on "$pid" >/dev/null 2>&1
npx autocannon -c 10 -a "$requests" "$url/api/forecast" 2>&1 | grep "requests in"
callgrind_control --instr=off "$pid" >/dev/null 2>&1
callgrind_control --dump "$pid" >/dev/null 2>&1
stop
profile=$(ls "$out"/callgrind."$pid".* | head -1)
total=$(callgrind_annotate "$profile" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "$what: $((total / requests)) instructions per request ($requests requests)"
callgrind_annotate "$profile" | grep -A 14 '^Ir ' | tail -n +3 | cut -c1-150
