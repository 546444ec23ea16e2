#!/usr/bin/env bash
# Undo memory is bounded: on 64 groups x 4096 responses, 300 lambda steps
# used to keep 300 copies of the 4 MB scenario (27 MB -> 1.3 GB); now the
# process grows by far less, and every step can still be undone.  Edits
# that keep whole scenarios stop at the 64 MiB budget, with a message.
. "$(dirname "$0")/lib.sh"

: "${MT_BUILD_DIR:?set MT_BUILD_DIR to the build directory}"
# Sanitizers keep freed memory in quarantine and make each 4 MB copy slow:
# there the unit test (tests/test_history.c) checks the bound instead.
if grep -qE '^MT_SANITIZE:STRING=.+' "$MT_BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
	echo "SKIP: memory is not measurable under sanitizers"
	exit 0
fi
big="$WORK/big.yaml"
"$MT_BUILD_DIR/bench_solve" --runs 1 --write "$big" >/dev/null || fail "cannot write $big"

# rss_kb: resident memory of the mechtune running in the pane
rss_kb() {
	local shell pid
	shell=$(tm list-panes -t 0 -F '#{pane_pid}')
	pid=$(cat /proc/"$shell"/task/*/children 2>/dev/null | awk '{print $1}')
	awk '/^VmRSS:/ {print $2}' /proc/"$pid"/status
}

start 100 30 -- "$big"
wait_for "λ=0.1 "
sleep 1
before=$(rss_kb)
[ -n "$before" ] || fail "cannot read the explorer's memory"
for _ in $(seq 1 30); do
	keys ']' '[' ']' '[' ']' '[' ']' '[' ']' '['
done
keys u
wait_for "undone (299 more)" # all 300 steps were made
after=$(rss_kb)
grown=$(((after - before) / 1024))
echo "rss ${before} kB -> ${after} kB (+${grown} MB) after 300 lambda steps"
# 300 full copies would be 1.2 GB; the worker's and the edit's own copies
# of the scenario (a few at a time) account for what remains.
[ "$grown" -lt 200 ] || fail "memory grew by $grown MB over 300 edits"
# Adding responses keeps whole scenarios (4 MB each): past 64 MiB the oldest
# steps go, and the status line says so.
for _ in $(seq 1 20); do keys A; done
wait_match "undo keeps 64 MiB: oldest [0-9]+ steps? dropped"
wait_for "x4116" # all 20 were added
after=$(rss_kb)
grown=$(((after - before) / 1024))
echo "rss +${grown} MB after 20 more responses"
[ "$grown" -lt 300 ] || fail "memory grew by $grown MB with a 64 MiB undo budget"
keys q
wait_for "unsaved changes"
keys n
wait_exit 0
echo PASS
