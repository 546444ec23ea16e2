#!/usr/bin/env bash
# Hostile names: group names and labels far longer than any line are drawn
# clipped with an ellipsis and never overflow a buffer (a 1024-byte name
# overflowed draw_detail's line).  Uses the longest names the loader
# accepts, trying 3000 bytes first.
. "$(dirname "$0")/lib.sh"

make_file() {
	python3 - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
# multi-byte names too: 'é' is two bytes
q, r, lab = "Q" * n, ("é" * (n // 2)) + "R" * (n % 2), "L" * (n - 1)
with open(path, "w") as f:
    f.write(f"""mechtune: 1
name: "{"N" * n}"
responses: ["{lab}a", "{lab}b", "{lab}c"]
reference: [0.2, 0.3, 0.5]
lambda: 0.5
payment: vcg
groups:
  - name: "{q}"
    size: 3
    rewards: [0.1, 0.3, 0.6]
  - name: "{r}"
    size: 5
    rewards: [0.3, 0.5, 0.2]
""")
PY
}

file="$WORK/long.yaml"
for n in 3000 1024 256 128 64; do
	make_file "$n" "$file"
	"$MT_BINARY" check "$file" >/dev/null 2>&1 && break
done
"$MT_BINARY" check "$file" >/dev/null 2>&1 || fail "no long-name scenario loads"
echo "names of $n bytes"

start 100 30 -- "$file"
wait_for "up to date"
wait_match "QQQQ+…'s best lie w/o payment \((exact|~ search)\): [0-9]"
# every view of a name is clipped with an ellipsis: header, grid, policy,
# outcome
screen | head -n 1 | grep -qE "^ N+… " || fail "the header's name is not clipped"
wait_match "^Q{10}… +0\.100"
wait_match "^L+… +0\.200"
wait_match "^Q+… +[0-9]"
wait_match "^(é)+… +0\.300"
keys j j
wait_match "(éé)+…'s best lie w/o payment \((exact|~ search)\): [0-9]"
keys v
wait_match "^(é)+… \(Tab: next group\)"
keys v
wait_for "best lie w/o payment"
tm resize-window -t 0 -x 60 -y 16
wait_for "Preferences"
tm resize-window -t 0 -x 200 -y 50
wait_for "best lie w/o payment"
keys '?'
keys q
keys q
wait_exit 0
echo PASS
