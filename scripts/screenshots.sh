#!/usr/bin/env bash
# Regenerate screenshots/*.png from the real explorer: run it in a private
# tmux server at 80x24, capture the colored screen (capture-pane -e) and
# render it with scripts/ansi2png.py (ImageMagick).
#
#   scripts/screenshots.sh [path/to/mechtune]   (default: build/release/mechtune, built
#                                               first, as scripts/run.sh does)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh" --screenshots
if [ $# -eq 0 ]; then
	cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$root/build/release" -j"$(nproc)" >/dev/null
fi
bin=${1:-$root/build/release/mechtune}
[ -x "$bin" ] || { echo "screenshots.sh: $bin not found; build mechtune first" >&2; exit 1; }
out=$root/screenshots
mkdir -p "$out"
sock="mtshot$$"
tm() { tmux -u -L "$sock" -f /dev/null "$@" </dev/null; }
work=$(mktemp -d)
class_host=""
trap 'end_session; [ -z "$class_host" ] || kill "$class_host" 2>/dev/null; rm -rf "$work"' EXIT

wait_for() {
	local end=$((SECONDS + 20))
	while [ $SECONDS -le $end ]; do
		tm capture-pane -p -t 0 | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	echo "screenshots.sh: timed out waiting for '$1'" >&2
	tm capture-pane -p -t 0 >&2
	exit 1
}

# play_lie: payment none, then the Alices play their no-payment best response
play_lie() {
	tm send-keys -t 0 p
	wait_for "pay:none"
	wait_for "up to date"
	tm send-keys -t 0 b
	wait_for "Alices lie"
	wait_for "up to date"
}

# shot NAME [COLS ROWS]
shot() {
	sleep 0.2
	tm capture-pane -e -p -t 0 >"$work/$1.txt"
	python3 "$root/scripts/ansi2png.py" "$work/$1.txt" "$out/$1.png" "${2:-80}" "${3:-24}"
	echo "wrote screenshots/$1.png"
}

# The explorer edits copies: when a session ends, its unsaved edits go to a
# recovery file next to the file (or in XDG_STATE_HOME), and those must land
# in $work, not in the source tree, where the next start would offer them.
cp "$root"/scenarios/*.yaml "$work/"
mkdir -p "$work/state"

# end the explorer of the last session without a hang-up, which would write
# its unsaved edits to a recovery file that the next session would offer
end_session() {
	local pane
	for pane in $(tm list-panes -a -F '#{pane_pid}' 2>/dev/null); do
		pkill -KILL -P "$pane" -x "$(basename "$bin")" 2>/dev/null || true
	done
	tm kill-server 2>/dev/null || true
}

# session COLS ROWS ARGS...: a fresh explorer in window 0
session() {
	local cols=$1 rows=$2
	shift 2
	end_session
	local args=""
	for a in "$@"; do args+=" '$a'"; done
	# a server still shutting down can refuse the session: retry
	local try
	for try in $(seq 1 50); do
		tm new-session -d -x "$cols" -y "$rows" -e TERM=xterm-256color -e LANG=C.UTF-8 \
			-e LC_ALL=C.UTF-8 -e XDG_STATE_HOME="$work/state" "cd '$work' && '$bin'$args; sleep 600" 2>/dev/null &&
			tm has-session -t 0 2>/dev/null && return 0
		sleep 0.1
	done
	echo "screenshots.sh: cannot start tmux" >&2
	exit 1
}

session 80 24 "$work/default.yaml"
wait_for "up to date"
shot default

tm send-keys -t 0 v
wait_for "max u at"
wait_for "up to date"
shot plot
tm send-keys -t 0 v

tm send-keys -t 0 e
wait_for "Explain: Alices"
wait_for "up to date"
shot explain
tm send-keys -t 0 e

tm send-keys -t 0 '?'
wait_for "explorer keys"
shot help
tm send-keys -t 0 Escape

# The instructive lie: the Alices play their no-payment best response.
play_lie
shot lie-none
tm send-keys -t 0 P
wait_for "pay:vcg "
wait_for "up to date"
shot lie-vcg

# A lesson running: why-payments after its first step (payment none).
session 80 24 lesson why-payments
wait_for "step 1 of 5"
wait_for "up to date"
tm send-keys -t 0 p
wait_for "step 2 of 5"
wait_for "up to date"
shot lesson

# The noisy-input section (the noise lesson's scenario).
session 80 24 "$work/noisy_input.yaml"
wait_for "objective lost"
wait_for "up to date"
shot noise

# The presenter layout on a projector-sized terminal, after the lie.
session 120 36 --presenter "$work/default.yaml"
wait_for "up to date"
play_lie
shot presenter 120 36

# Collusion: the Alices and the Carols play their joint lie under vcg (J).
session 80 24 "$work/collusion.yaml"
wait_for "coalition Alices+Carols: joint lie gains"
tm send-keys -t 0 J
wait_for "joint lie under vcg: util"
wait_for "up to date"
shot coalition

# A student's screen in a class: a headless host, a truthful bot at the
# other seat, round 1 under none after the student exaggerated and submitted.
mkfifo "$work/class.cmd"
"$bin" class host "$work/default.yaml" --headless --port 0 --code DEMO42 \
	<"$work/class.cmd" >"$work/class.events" 2>/dev/null &
class_host=$!
exec 3>"$work/class.cmd"
port=""
for _ in $(seq 1 100); do
	port=$(grep -o '"port":[0-9]*' "$work/class.events" 2>/dev/null | cut -d: -f2) && [ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || { echo "screenshots.sh: the class host did not start" >&2; exit 1; }
session 80 24 class join "127.0.0.1:$port" --code DEMO42 --name Ada
wait_for "table 1 seat 1"
"$bin" class bot "127.0.0.1:$port" --code DEMO42 --name Bo --strategy truthful --quiet &
bot=$!
echo "start none" >&3
wait_for "round 1 open under none"
tm send-keys -t 0 Right Right
tm send-keys -t 0 -l 0.9
tm send-keys -t 0 Enter
wait_for "row renormalized"
tm send-keys -t 0 Enter
wait_for "y submits"
tm send-keys -t 0 y
wait_for "the truth would have given"
shot student
kill "$bot" 2>/dev/null || true
exec 3>&-

# The teacher's class panel: four bots at two tables, a round under none
# and one under vcg (the bots end when the class does).
session 80 24 class host "$work/default.yaml" --port 0 --code K7QX2M
wait_for "Round 0: waiting"
addr=$(tm capture-pane -p -t 0 | grep -oE '127\.0\.0\.1:[0-9]+' | head -n 1)
bot() {
	"$bin" class bot "$addr" --code K7QX2M --quiet --name "$1" --strategy "$2" </dev/null \
		>/dev/null 2>&1 &
	wait_for "$3 student"
}
bot Ana best 1
bot Ben truthful 2
bot Cleo polarize 3
bot Dev truthful 4
tm send-keys -t 0 N
wait_for "Round 1 (none): closed"
tm send-keys -t 0 V
wait_for "Round 2 (vcg): closed"
shot class
end_session
wait
