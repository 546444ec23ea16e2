#!/usr/bin/env bash
# Signals act at once and a lost terminal ends the explorer: a terminal that
# goes away without SIGHUP reaching mechtune (a new session, as under su;
# the tmux server killed) ends it at once with the recovery file written; a
# SIGTERM that the kernel hands to the worker thread still reaches the loop;
# SIGTERM during a long analysis exits at once; a fatal signal restores the
# terminal and writes the edits serialized in advance.
. "$(dirname "$0")/lib.sh"

: "${MT_BUILD_DIR:?set MT_BUILD_DIR to the build directory}"
cp "$MT_SOURCE_DIR/scenarios/default.yaml" "$WORK/mine.yaml"
rec="$WORK/.mine.yaml.mtrecover"
# Seconds; writing the 6.6 MB recovery file of the big scenario takes longer.
limit=2 big_limit=5
case "${MT_TEST_SCALE:-1}" in 1) ;; *) limit=6 big_limit=20 ;; esac

# gone PID SECONDS: the process ends within SECONDS.
gone() {
	local end=$((SECONDS + $2))
	while [ $SECONDS -le "$end" ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null
	fail "process $1 still runs $2 s later"
}

loads() {
	[ -f "$1" ] || fail "no recovery file $1"
	"$MT_BINARY" check "$1" >/dev/null || fail "$1 does not load"
	grep -qE "^lambda: $2" "$1" || fail "$1 does not hold lambda $2"
	rm -f "$1"
}

# ---- the terminal goes away, no SIGHUP ------------------------------------------
cp "$WORK/mine.yaml" "$WORK/lost.yaml"
tm new-session -d -x 100 -y 30 -e TERM=xterm-256color -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
	"cd '$WORK' && setsid -w sh -c \"'$MT_BINARY' lost.yaml 2>err.txt; echo \\\$? >status.txt\"" ||
	fail "cannot start tmux"
wait_idle
keys ']'
wait_for "λ=0.55"
pid=$(pgrep -x -f "$MT_BINARY lost.yaml")
[ -n "$pid" ] || fail "cannot find the explorer"
tm kill-server
gone "$pid" "$limit"
end=$((SECONDS + limit))
while [ ! -s "$WORK/status.txt" ] && [ $SECONDS -le $end ]; do sleep 0.05; done
[ "$(cat "$WORK/status.txt" 2>/dev/null)" = 129 ] ||
	fail "exit status after losing the terminal: $(cat "$WORK/status.txt" 2>/dev/null)"
grep -q "mechtune: the terminal was lost; unsaved changes written to .lost.yaml.mtrecover" \
	"$WORK/err.txt" || fail "stderr: $(cat "$WORK/err.txt")"
loads "$WORK/.lost.yaml.mtrecover" "0.55$"
stop

# ---- SIGTERM handed to the worker thread, explorer idle -----------------------------
start 100 30 -- "$WORK/mine.yaml"
wait_idle
keys ']'
wait_for "λ=0.55"
wait_idle
pid=$(pid_of)
sleep 0.3
for t in /proc/"$pid"/task/*; do
	tid=${t##*/}
	[ "$tid" = "$pid" ] || kill -TERM "$tid" 2>/dev/null
done
gone "$pid" "$limit"
wait_exit 143
loads "$rec" "0.55$"
stop

# ---- SIGTERM while a long analysis runs ----------------------------------------------
big="$WORK/big.yaml"
"$MT_BUILD_DIR/bench_solve" --runs 1 --write "$big" >/dev/null || fail "cannot write $big"
start 100 30 -- "$big"
wait_for "best responses"
keys ']'
wait_for "λ=0.11"
pid=$(pid_of)
kill -TERM "$pid"
gone "$pid" "$big_limit"
wait_exit 143
assert_screen "unsaved changes written to $WORK/.big.yaml.mtrecover"
loads "$WORK/.big.yaml.mtrecover" "0.11"
stop

# ---- fatal signals -------------------------------------------------------------------------
for sig in SEGV ABRT; do
	start 200 30 -- "$WORK/mine.yaml"
	wait_idle
	keys '['
	wait_for "λ=0.45"
	sleep 0.6 # the edit is serialized for the handler once the explorer is idle
	pid=$(pid_of)
	kill -"$sig" "$pid"
	gone "$pid" "$limit"
	wait_for "mechtune exited"
	assert_not_screen "mechtune exited 0"
	assert_screen "tty: icanon echo"
	assert_screen "mechtune: caught SIG$sig; unsaved changes written to $rec"
	loads "$rec" "0.4545"
	stop
done
echo PASS
