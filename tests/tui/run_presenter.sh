#!/usr/bin/env bash
# --presenter: fewer, wider columns (w·v, not the member's v, so that util =
# w·v − pay adds up on the screen; no IR column; wider cells),
# everything still on screen at 80x24, tall bars at 120x36, a lesson fits.
# --read-only: the header says [read-only], edits work, saving is refused
# with a clear status, quitting and Ctrl-C never ask.
. "$(dirname "$0")/lib.sh"

file="$MT_SOURCE_DIR/scenarios/default.yaml"
start 80 24 -- --presenter "$file"
wait_idle
out=$(line_of "Outcome")
case "$out" in *"    v "* | *" IR "*) fail "presenter outcome still has secondary columns: '$out'" ;; esac
for h in "w·v" "pay" "util" "lie Δu" "BR none" "BR vcg"; do
	case "$out" in *"$h"*) ;; *) fail "presenter outcome lacks '$h': '$out'" ;; esac
done
# util = w·v − pay, in every group's row (issue 10, defect 3)
for g in Alices Bobs; do
	screen | grep -E "^$g +[0-9]" | tail -n 1 | awk '{ d = $2 - $3 - $4; if (d < -0.0015 || d > 0.0015) exit 1 }' ||
		fail "presenter row of $g does not add up: '$(screen | grep -E "^$g +[0-9]" | tail -n 1)'"
done
# Wider grid cells than the normal 8 columns.
line_of "reference q" | grep -qE '^reference q {7,}0\.200 {5,}0\.300' || fail "presenter cells are not wider"
for t in Preferences Policy "Alices " "Bobs " "welfare 3.175" "DSIC ✓" "q quit"; do
	assert_screen "$t"
done
keys q
wait_exit 0
stop

start 120 36 -- --presenter "$file"
wait_idle
# Tall bars: the line after each response's bar line is bars only.
screen | grep -A1 -E '^hedge ' | tail -n 1 | grep -qE '^ {10,}█+' || fail "presenter bars are not tall at 120x36"
assert_screen "Raise lambda"
keys q
wait_exit 0
stop

start 80 24 -- lesson vcg --presenter
wait_for "step 1 of 7"
wait_idle
assert_screen "Press Space to go on."
keys q
wait_exit 0
stop

start 80 24 -- --read-only "$file"
wait_idle
assert_screen "[read-only]"
assert_screen "read-only demo"
keys Down +
wait_for "Alices reported reward of refuse = 0.110"
assert_screen "[+]"
assert_screen "[read-only]"
keys w
wait_for "read-only mode: saving is disabled"
keys Escape u
wait_for "undone"
keys W
wait_for "read-only mode: saving is disabled"
[ -z "$(ls "$WORK")" ] || fail "read-only mode wrote $(ls "$WORK")"
keys +
wait_for "[+]"
keys q
wait_exit 0
stop

# Ctrl-C with unsaved edits does not ask either.
start 80 24 -- --read-only "$file"
wait_idle
keys p
wait_for "pay:none"
keys C-c
wait_exit 0
echo PASS
