#!/usr/bin/env bash
# record-outputs.sh BINARY OUTDIR: record every CLI output of BINARY for
# every shipped scenario, and the explorer's screens at 80x24 and 120x40
# after a fixed key script, into OUTDIR (one file per output, stdout, stderr
# and exit status).  Two recordings of equivalent binaries compare equal
# with `diff -r`; used to show that a restructuring changed no behaviour.
# Timings in the explorer's status line ("up to date 3 ms") are masked
# (and the runs of spaces on that line, which pad it to the right).
set -u
BIN=$(realpath "$1")
OUT=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

# run NAME ARGS...: BINARY ARGS > NAME.out, NAME.err, NAME.rc
run() {
	local name=$1
	shift
	(cd "$SCN" && "$BIN" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null)
	echo $? >"$OUT/$name.rc"
}

# A private copy of the scenarios: the paths in messages are relative.
SCN=$(mktemp -d)
trap 'rm -rf "$SCN"' EXIT
cp "$SRC"/scenarios/*.yaml "$SCN/"

run help --help
run version --version
run noargs-bad --bogus
run keys-markdown --keys-markdown
run lessons-check --lessons-check
run lesson-list lesson
run lesson-bad lesson nosuch
for c in solve analyze sweep check lesson; do
	run "help-$c" "$c" --help
done
run unknown-cmd explore
for f in "$SRC"/scenarios/*.yaml; do
	s=$(basename "$f" .yaml)
	y=$s.yaml
	run "$s.check" check "$y"
	run "$s.solve" solve "$y"
	run "$s.solve-json" solve --json "$y"
	run "$s.analyze-json" analyze --json "$y"
	for fam in alpha beta epsilon lambda; do
		run "$s.sweep-$fam-json" sweep --json --family "$fam" "$y"
	done
done
# A few text forms and overrides on the default scenario.
run default.analyze analyze default.yaml
run default.sweep-alpha sweep --family alpha default.yaml
run default.sweep-lambda-csv sweep --csv --family lambda default.yaml
for d in kl chi2 hellinger reverse_kl tv; do
	for p in vcg none vcg_shifted checkpoint early_stop; do
		run "default.solve-$d-$p" solve --json --divergence "$d" --payment "$p" default.yaml
	done
done
run default.solve-badpay solve --payment nosuch default.yaml
run default.solve-baddiv solve --divergence nosuch default.yaml
run missing.check check nosuch.yaml

# The explorer: a fixed key script at two sizes, a screen after each step.
command -v tmux >/dev/null || {
	echo "record-outputs: tmux missing, no screens" >&2
	exit 0
}
export MT_BINARY=$BIN MT_SOURCE_DIR=$SRC
(
	# lib.sh installs its own EXIT trap (its temporary folders).
	. "$SRC/tests/tui/lib.sh"
	cp "$SRC/scenarios/default.yaml" "$WORK/s.yaml"
	mask() { sed -E '/up to date [0-9.]+ (ms|s)/ { s/up to date [0-9.]+ (ms|s)/up to date T/; s/  +/ /g; }'; }
	shot() {
		screen | mask >"$OUT/tui-$size-$1.txt"
		screen_colored | mask >"$OUT/tui-$size-$1.color"
	}
	step() { # step NAME KEYS...: send keys, wait for the solver, record
		local name=$1
		shift
		keys "$@"
		sleep 0.3
		wait_idle
		sleep 0.2
		shot "$name"
	}
	for size in 80x24 120x40; do
		start "${size%x*}" "${size#*x}" -- s.yaml
		wait_idle
		sleep 0.3
		shot 00-start
		step 01-down j j
		step 02-nudge +
		step 03-right l l +
		step 04-step s +
		step 05-payment p
		step 06-lie b
		step 07-truth t
		step 08-lambda ']' ']'
		step 09-div d
		step 10-norm n
		step 11-tab Tab
		step 12-undo u u
		step 13-redo U
		step 14-type Enter
		keys C-u
		type_text "0.25"
		step 15-typed Enter
		step 16-add-group a
		step 17-add-resp A
		step 18-remove X
		step 19-plot v
		step 20-plot-c c
		step 21-plot-m m
		step 22-plot-tab Tab
		step 23-plot-off v
		keys '?'
		wait_for "explorer keys"
		sleep 0.2
		shot 24-help
		step 25-help-off x
		step 26-unknown Z
		step 27-ibr i
		keys L
		sleep 0.5
		shot 28-lessons
		keys Escape
		sleep 0.5
		shot 29-lessons-off
		keys q
		sleep 0.5
		shot 30-quit
		keys n
		wait_exit 0
		stop
	done
)
