#!/usr/bin/env bash
# Where a process serving GET /api/forecast spends its CPU, sampled by perf under autocannon
# load: requests per second during the sampling, the share of samples in calls from compiled
# JavaScript into V8's C++ runtime (Builtins_CEntry), the share in the runtime's generic path
# for object literals with computed keys (Runtime_DefineKeyedOwnPropertyInLiteral), and the
# functions with the most samples.
# Quick (about 15 s), unlike count-instructions.sh; the shares are what to compare, since the
# requests per second move with what else the machine is doing.
#
#   scripts/profile-forecast-route.sh server  [seconds]   the built server on artifacts/
#   scripts/profile-forecast-route.sh ceiling [seconds]   bench:serve's bare Fastify ceiling
#
# NODE_FLAGS gives the server node flags (default: none, as npm run serve).
# Needs perf (apt-get install -y linux-perf) and permission to profile a process of yours.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/ceiling-json.sh
source scripts/lib/ceiling-json.sh

what=${1:-server}
seconds=${2:-4}
port=${PORT_FOR_PROFILE:-7962}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }
read -r -a flags <<<"${NODE_FLAGS-}"
# names compiled JavaScript for perf; V8's own log goes to the temporary folder, not the repository
perf_map=(--perf-basic-prof --no-logfile-per-isolate "--logfile=$out/v8.log")
case $what in
  server)
    npm run --silent build:server
    cmd=(node "${perf_map[@]}" "${flags[@]}" build/server/main.cjs)
    ;;
  ceiling)
    write_ceiling_json "$out/ceiling.json"
    cmd=(node "${perf_map[@]}" --import tsx tests/bench/serve.bench.ts --ceiling "$port" "$out/ceiling.json")
    ;;
  *)
    echo "usage: $0 server|ceiling [seconds]" >&2
    exit 2
    ;;
esac

PORT="$port" HOST=127.0.0.1 "${cmd[@]}" >"$out/process.log" 2>&1 &
pid=$!
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "/tmp/perf-$pid.map"; }
url="http://127.0.0.1:$port"
ready=no
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz" || true)" = 200 ] && { ready=yes; break; }
  kill -0 "$pid" 2>/dev/null || { cat "$out/process.log" >&2; exit 1; }
  sleep 0.1
done
[ "$ready" = yes ] || { echo "$what: /readyz not 200 after 60 s" >&2; stop; exit 1; }
npx autocannon -c 10 -d 5 "$url/api/forecast" >/dev/null 2>&1 # warm-up: JIT, connections
perf record -F 2000 -g -p "$pid" -o "$out/perf.data" >/dev/null 2>&1 &
perf_pid=$!
sleep 0.3
npx autocannon -c 10 -d "$seconds" --json "$url/api/forecast" 2>/dev/null >"$out/load.json"
kill -INT "$perf_pid"
wait "$perf_pid" || true
perf script -i "$out/perf.data" >"$out/perf.txt" 2>/dev/null
stop
node - "$what" "$out/load.json" "$out/perf.txt" <<'EOF'
const fs = require("node:fs");
const [what, loadFile, perfFile] = process.argv.slice(2);
const load = JSON.parse(fs.readFileSync(loadFile, "utf8"));
const samples = fs.readFileSync(perfFile, "utf8").split("\n\n").filter((s) => s.trim() !== "");
const share = (pattern) => samples.filter((s) => s.includes(pattern)).length / samples.length;
const percent = (x) => `${(x * 100).toFixed(1)}%`;
console.log(
  `${what}: ${load.requests.average.toFixed(0)} req/s while sampled, ${samples.length} samples; ` +
    `V8 runtime calls ${percent(share("Builtins_CEntry"))}, ` +
    `computed-key literal slow path ${percent(share("Runtime_DefineKeyedOwnPropertyInLiteral"))}`,
);
const self = new Map();
for (const sample of samples) {
  const top = sample.split("\n")[1]?.trim().split(/\s+/).slice(1, -1).join(" ") ?? "?";
  const name = top.replace(/\+0x[0-9a-f]+$/, "");
  self.set(name, (self.get(name) ?? 0) + 1);
}
console.log("most samples (self):");
for (const [name, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`  ${percent(count / samples.length).padStart(6)}  ${name.slice(0, 120)}`);
}
EOF
