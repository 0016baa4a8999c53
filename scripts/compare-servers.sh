#!/usr/bin/env bash
# Which of two server builds answers GET /api/forecast faster, measured side by side: both are
# started together and loaded together (one autocannon each, at the same time), so whatever
# else the machine is doing slows both alike. Prints each round's requests/s and B/A. A change
# worth a few percent is lost in the noise of two runs one after the other on this machine;
# side by side, its direction shows over a few rounds. Two identical builds (A/A) show the
# spread left: run that first.
#
#   scripts/compare-servers.sh <A> <B> [rounds]
#
# A and B are git revisions (HEAD~1, a commit, a branch), "worktree" for the files as they are
# now, or "ceiling" for bench:serve's bare Fastify route. Every round starts new processes (two
# identical node processes can run the same code at different speeds), warms both up for 5 s
# and measures 10 s (MEASURE_SECONDS). Environment for one side only: ENV_A / ENV_B (e.g.
# ENV_B=LOG_LEVEL=warn); node flags: FLAGS_A / FLAGS_B. Serves the bundle in artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
# the bytes GET /api/forecast sends (latest.json serialised compactly), for the bare ceiling
write_ceiling_json() {
  node -e 'const fs = require("fs"); fs.writeFileSync(process.argv[1], JSON.stringify(JSON.parse(fs.readFileSync("artifacts/forecasts/latest.json", "utf8"))))' "$1"
}

a=${1:?usage: $0 <A> <B> [rounds]}
b=${2:?usage: $0 <A> <B> [rounds]}
rounds=${3:-5}
seconds=${MEASURE_SECONDS:-10}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for side in A B; do
    if [ -d "$work/$side" ]; then git worktree remove --force "$work/$side"; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

[ -f artifacts/forecasts/latest.json ] || { echo "no artifacts/forecasts/latest.json: run npm run pipeline" >&2; exit 1; }

# prints the command that serves side $1 on port $2
build() {
  local side=$1 rev=$2 dir
  case $rev in
    ceiling)
      write_ceiling_json "$work/ceiling.json"
      echo "node --import tsx tests/bench/serve.bench.ts --ceiling PORT $work/ceiling.json"
      return
      ;;
    worktree) dir=. ;;
    *)
      dir=$work/$side
      git worktree add --quiet --detach "$dir" "$rev" >&2
      ln -s "$PWD/node_modules" "$dir/node_modules"
      ;;
  esac
  # each revision built by its own build:server, as npm run serve does
  (cd "$dir" && npm run --silent build:server >&2)
  echo "node $dir/build/server/main.cjs"
}

command_a=$(build A "$a")
command_b=$(build B "$b")

start() { # side port command env flags
  local cmd=${3/PORT/$2}
  # shellcheck disable=SC2086
  env HOST=127.0.0.1 PORT="$2" $4 ${cmd/node /node $5 } >"$work/$1.log" 2>&1 &
  pids+=($!)
}

wait_ready() {
  for _ in $(seq 1 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/readyz" || true)" = 200 ] && return 0
    sleep 0.2
  done
  echo "port $1: /readyz not 200 after 30 s" >&2
  return 1
}

load() { # port seconds -> mean requests/s
  npx autocannon -j -c 10 -d "$2" "http://127.0.0.1:$1/api/forecast" 2>/dev/null |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const r = JSON.parse(s); if (r.errors || r.non2xx) process.exitCode = 1; console.log(Math.round(r.requests.average)); })'
}

echo "A: $a  B: $b  ($rounds rounds of ${seconds} s after 5 s of warm-up, both loaded at once)"
ratios=()
for round in $(seq 1 "$rounds"); do
  port_a=$((8300 + round * 2))
  port_b=$((port_a + 1))
  pids=()
  start A "$port_a" "$command_a" "${ENV_A:-}" "${FLAGS_A:-}"
  start B "$port_b" "$command_b" "${ENV_B:-}" "${FLAGS_B:-}"
  wait_ready "$port_a" || { cat "$work/A.log" >&2; exit 1; }
  wait_ready "$port_b" || { cat "$work/B.log" >&2; exit 1; }
  load "$port_a" 5 >/dev/null & warm_a=$!
  load "$port_b" 5 >/dev/null & warm_b=$!
  wait "$warm_a" "$warm_b"
  load "$port_a" "$seconds" >"$work/rps-a" & measure_a=$!
  load "$port_b" "$seconds" >"$work/rps-b" & measure_b=$!
  wait "$measure_a" || { echo "round $round: A had errors or non-2xx answers" >&2; exit 1; }
  wait "$measure_b" || { echo "round $round: B had errors or non-2xx answers" >&2; exit 1; }
  rps_a=$(cat "$work/rps-a")
  rps_b=$(cat "$work/rps-b")
  ratio=$((rps_b * 100 / rps_a))
  ratios+=("$ratio")
  echo "round $round: A $rps_a req/s, B $rps_b req/s, B/A $ratio%"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
done
sorted=$(printf '%s\n' "${ratios[@]}" | sort -n)
median=$(echo "$sorted" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}')
echo "B/A median $median%, range $(echo "$sorted" | head -1)% to $(echo "$sorted" | tail -1)%"
