#!/usr/bin/env bash
# The UI never waits for the solver: on a 64 x 4096 scenario, whose best
# responses take seconds, keys act at once while the analysis runs, a newer
# edit replaces the stale computation, and quitting does not wait for it.
. "$(dirname "$0")/lib.sh"

: "${MT_BUILD_DIR:?set MT_BUILD_DIR to the build directory}"
big="$WORK/big.yaml"
"$MT_BUILD_DIR/bench_solve" --runs 1 --write "$big" >/dev/null || fail "cannot write $big"

# now_ms: wall clock in milliseconds
now_ms() { date +%s%3N; }
# within MS TEXT: TEXT appears on the screen within MS milliseconds
within() {
	local limit=$1 text=$2 t0
	t0=$(now_ms)
	while [ $(($(now_ms) - t0)) -le "$limit" ]; do
		screen | grep -qF -- "$text" && return 0
		sleep 0.02
	done
	fail "'$text' took longer than $limit ms"
}
# Sanitizer builds run several times slower; keys must still be prompt.
limit=1000
case "${MT_TEST_SCALE:-1}" in 1) ;; *) limit=3000 ;; esac

start 100 30 -- "$big"
wait_for "best responses"
keys ']'
within "$limit" "λ=0.11"
assert_not_screen "up to date" # the stale analysis was replaced, not awaited
keys ']'
within "$limit" "λ=0.121"
keys j
keys q
within "$limit" "unsaved changes"
keys n
t0=$(now_ms)
wait_exit 0
[ $(($(now_ms) - t0)) -le $((limit * 2)) ] || fail "quitting waited for the solver"
stop
echo "PASS"
