# Shared helpers of the terminal tests: drive the real mechtune binary in a
# private tmux server (its own socket, no config), read the screen back and
# poll for what should appear.  Sourced by tests/tui/run_*.sh.
set -u

: "${MT_BINARY:?set MT_BINARY to the mechtune binary}"
: "${MT_SOURCE_DIR:?set MT_SOURCE_DIR to the source tree}"
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 0; }

SOCK="mt$$"
TM="tmux -u -L $SOCK -f /dev/null"
# tmux clients must not eat the stdin of the loops that call them
tm() { $TM "$@" </dev/null; }
WORK=$(mktemp -d)
AUX=$(mktemp -d) # the tests' own files, outside the folder mechtune runs in
TIMEOUT=${MT_TUI_TIMEOUT:-20}
# The explorer is killed with SIGKILL before its tmux server: a hang-up would
# leave recovery files next to the scenarios it was editing (the source
# tree's).  run_recover.sh and run_signals.sh send the signals they test.
kill_explorers() {
	local pane_pid pid
	for pane_pid in $($TM list-panes -a -F '#{pane_pid}' </dev/null 2>/dev/null); do
		for pid in $(pgrep -P "$pane_pid" -x "$(basename "$MT_BINARY")"); do
			kill -KILL "$pid" 2>/dev/null
		done
	done
}
cleanup() {
	kill_explorers
	tm kill-server 2>/dev/null
	rm -rf "$WORK" "$AUX"
}
trap cleanup EXIT INT TERM

# After mechtune exits the pane prints "mechtune exited N" and the terminal
# modes that matter ("tty: icanon echo" when they were restored).
cat >"$AUX/after.sh" <<'EOF'
echo "mechtune exited $1"
modes=$(stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | xargs)
echo "tty: $modes"
sleep 600
EOF

# start COLS LINES [ENV=VALUE ...] -- [mechtune args...]: run mechtune in a
# fresh window; when it exits the pane prints "mechtune exited N".
start() {
	local cols=$1 lines=$2
	shift 2
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		envs+=(-e "$1")
		shift
	done
	[ $# -gt 0 ] && shift
	local args=""
	for a in "$@"; do args+=" '$a'"; done
	# A server that is still shutting down can refuse the session: retry.
	local try
	for try in $(seq 1 50); do
		tm new-session -d -x "$cols" -y "$lines" -e TERM=xterm-256color -e LANG=C.UTF-8 \
			-e LC_ALL=C.UTF-8 -e XDG_STATE_HOME="$AUX/state" "${envs[@]}" \
			"cd '$WORK' && '$MT_BINARY'$args; sh '$AUX/after.sh' \$?" \
			2>/dev/null && tm has-session -t 0 2>/dev/null && return 0
		sleep 0.1
	done
	echo "FAIL: cannot start tmux"
	exit 1
}

# stop: end the tmux server (and whatever runs in it) before the next start.
stop() {
	kill_explorers
	tm kill-server 2>/dev/null
	local try
	for try in $(seq 1 50); do
		tm has-session 2>/dev/null || return 0
		sleep 0.1
	done
}

screen() { tm capture-pane -p -t 0; }
screen_colored() { tm capture-pane -e -p -t 0; }
keys() { tm send-keys -t 0 "$@"; }
# type TEXT literally
type_text() { tm send-keys -t 0 -l "$1"; }

fail() {
	echo "FAIL: $*"
	echo "---- screen ----"
	screen
	echo "----------------"
	exit 1
}

# wait_for TEXT [TIMEOUT]: poll the screen until it contains TEXT.
wait_for() {
	local text=$1 limit=${2:-$TIMEOUT}
	local end=$((SECONDS + limit))
	while [ $SECONDS -le $end ]; do
		screen | grep -qF -- "$text" && return 0
		sleep 0.05
	done
	fail "timed out waiting for '$text'"
}

# wait_gone TEXT: poll until the screen no longer contains TEXT.
wait_gone() {
	local text=$1 limit=${2:-$TIMEOUT}
	local end=$((SECONDS + limit))
	while [ $SECONDS -le $end ]; do
		screen | grep -qF -- "$text" || return 0
		sleep 0.05
	done
	fail "timed out waiting for '$text' to go away"
}

# wait_match REGEX: poll until a line matches the extended regex.
wait_match() {
	local re=$1 limit=${2:-$TIMEOUT}
	local end=$((SECONDS + limit))
	while [ $SECONDS -le $end ]; do
		screen | grep -qE -- "$re" && return 0
		sleep 0.05
	done
	fail "timed out waiting for a line matching /$re/"
}

# The solver has caught up with the last change (the status line was set
# by the same key, so a stale "up to date" cannot be mistaken for it).
wait_idle() { wait_for "up to date"; }

# line_of TEXT: the first screen line containing TEXT.
line_of() { screen | grep -F -- "$1" | head -n 1; }

assert_screen() { screen | grep -qF -- "$1" || fail "expected '$1' on the screen"; }
assert_not_screen() { ! screen | grep -qF -- "$1" || fail "did not expect '$1' on the screen"; }

# The program left and gave back the terminal (not in the alternate screen).
wait_exit() {
	wait_for "mechtune exited ${1:-0}"
	local alt
	alt=$($TM display-message -p -t 0 '#{alternate_on}')
	[ "$alt" = 0 ] || fail "the terminal was left in the alternate screen"
	wait_for "tty: "
	assert_screen "tty: icanon echo"
}

# pid_of: the pid of the mechtune running in the window.
pid_of() {
	local pane_pid
	pane_pid=$($TM display-message -p -t 0 '#{pane_pid}')
	pgrep -P "$pane_pid" -x "$(basename "$MT_BINARY")" | head -n 1
}

# The numbers (x.yyy) of the lines on stdin, one a line.
nums() { grep -oE -- '-?[0-9]+\.[0-9]{3}'; }

# check_solve FILE: the policy and the outcome table on the screen match
# `mechtune solve --json FILE` (the batch face of the same core).
check_solve() {
	"$MT_BINARY" solve --json "$1" >"$WORK/solve.json" || fail "mechtune solve $1 failed"
	local kind name a b c d shown
	while read -r kind name a b c d; do
		if [ "$kind" = policy ]; then
			shown=$(screen | grep -E "^$name +-?[0-9]" | tail -n 1 | nums | sed -n 2p)
			[ "$shown" = "$a" ] || fail "policy of $name: screen shows '$shown', solve says $a"
		else
			shown=$(screen | grep -E "^$name +-?[0-9]" | tail -n 1 | nums | head -n 4 | xargs)
			[ "$shown" = "$a $b $c $d" ] ||
				fail "outcome of $name: screen shows '$shown', solve says '$a $b $c $d'"
		fi
	done < <(python3 "$MT_SOURCE_DIR/tests/tui/expect.py" "$WORK/solve.json")
}
