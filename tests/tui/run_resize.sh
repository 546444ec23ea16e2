#!/usr/bin/env bash
# Resizing at any moment redraws correctly; below the minimum size a
# "terminal too small" screen shows, and keys still work; a bigger
# terminal shows everything.
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
assert_screen "Preferences"

tm resize-window -t 0 -x 50 -y 12
wait_for "terminal too small: 50x12"
assert_not_screen "Preferences"
# Keys still reach the model while too small (p cycles the payment).
keys p
tm resize-window -t 0 -x 120 -y 40
wait_for "Preferences"
wait_for "pay:none"
wait_idle
assert_not_screen "terminal too small"
assert_screen "Outcome"
# The hint line is full at 120 columns.
assert_screen "ve plot/explain"

# Resize while a prompt is open: the prompt survives.
keys Enter
wait_for "Alices true reward of refuse:"
tm resize-window -t 0 -x 80 -y 24
wait_for "Alices true reward of refuse:"
keys Escape
wait_for "cancelled"
wait_idle
check_solve_none() {
	sed 's/^payment: vcg/payment: none/' "$MT_SOURCE_DIR/scenarios/default.yaml" >"$WORK/none.yaml"
	check_solve "$WORK/none.yaml"
}
check_solve_none

# At 40 columns the advice still shows, split over two lines.
tm resize-window -t 0 -x 40 -y 10
wait_for "terminal too small: 40x10"
wait_for "enlarge it or press q"
tm resize-window -t 0 -x 80 -y 24
wait_for "Preferences"

# Too small in one dimension only.
tm resize-window -t 0 -x 80 -y 10
wait_for "terminal too small: 80x10"
tm resize-window -t 0 -x 80 -y 24
wait_for "Preferences"

# The plot view at 80x24 and bigger.
keys v
wait_for "max u at"
tm resize-window -t 0 -x 132 -y 43
wait_for "max u at"
wait_gone "terminal too small"
keys q
wait_for "unsaved changes"
keys n
wait_exit 0
echo PASS
