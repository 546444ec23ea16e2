#!/usr/bin/env bash
# Classroom mode load benchmark (not a test): 200 bots at 40 tables (a
# 5-group scenario), one round under none and one under vcg, every bot
# lying (polarize: the most solving, 1 + 5 + 1 solves per table).  Prints,
# per round, the time from the last submission the host received to the
# round's close, and to the last bot holding its result.
# usage: scripts/bench_class.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/release}/mechtune
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
cat >"$tmp/five.yaml" <<'YAML'
mechtune: 1
name: Five groups
responses: [refuse, hedge, answer, joke]
reference: [0.1, 0.3, 0.4, 0.2]
normalization: sum
divergence: kl
lambda: 0.5
payment: vcg
max_size: 10
groups:
  - {name: A, size: 3, rewards: [0.1, 0.3, 0.5, 0.1]}
  - {name: B, size: 5, rewards: [0.3, 0.4, 0.2, 0.1]}
  - {name: C, size: 2, rewards: [0.2, 0.2, 0.2, 0.4]}
  - {name: D, size: 4, rewards: [0.4, 0.1, 0.3, 0.2]}
  - {name: E, size: 1, rewards: [0.25, 0.25, 0.1, 0.4]}
YAML
mkfifo "$tmp/cmd"
"$bin" class host "$tmp/five.yaml" --headless --port 0 --code BENCH --max-students 200 \
	<"$tmp/cmd" >"$tmp/events" 2>/dev/null &
exec 3>"$tmp/cmd"
for _ in $(seq 50); do grep -q listening "$tmp/events" 2>/dev/null && break; sleep 0.1; done
port=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["port"])' "$tmp/events")
"$bin" class bot "127.0.0.1:$port" --code BENCH --count 200 --strategy polarize --name bot \
	>"$tmp/bots" 2>&1 &
for _ in $(seq 100); do [ "$(grep -c '"joined"' "$tmp/events")" -ge 200 ] && break; sleep 0.1; done
for rule in none vcg; do
	echo "start $rule" >&3
	for _ in $(seq 200); do [ "$(grep -c round_closed "$tmp/events")" -ge "$([ $rule = none ] && echo 1 || echo 2)" ] && break; sleep 0.1; done
	sleep 0.5
done
echo quit >&3
wait %1 2>/dev/null || true
sleep 0.2
python3 - "$tmp/events" "$tmp/bots" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
bots = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
for r in (1, 2):
    sub = [e["t_ms"] for e in ev if e["event"] == "submitted" and e["round"] == r]
    closed = [e for e in ev if e["event"] == "round_closed" and e["round"] == r][0]
    res = [b["t_ms"] for b in bots if b["event"] == "result" and b["round"] == r]
    print(f"round {r} ({closed['rule']}): {len(closed['tables'])} tables, {len(sub)} submissions, "
          f"{len(res)} results; last submission -> closed {closed['t_ms'] - max(sub)} ms, "
          f"-> every bot has its result {max(res) - max(sub)} ms")
PY
