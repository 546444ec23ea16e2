#!/usr/bin/env bash
# Resizing at any moment redraws correctly; below the minimum size a
# "terminal too small" screen shows and executes no keys but resize,
# Ctrl-L and q (asking, visibly, when changes are unsaved); a bigger
# terminal shows everything.
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
assert_screen "Preferences"

tm resize-window -t 0 -x 50 -y 12
wait_for "terminal too small: 50x12"
assert_not_screen "Preferences"
# Keys do nothing unseen while too small: p (payment), x (remove group)
# and a digit (an entry) are ignored; Ctrl-L redraws.
keys p x 5 C-l
sleep 0.3
assert_screen "terminal too small: 50x12"
tm resize-window -t 0 -x 120 -y 40
wait_for "Preferences"
wait_idle
assert_screen "pay:vcg"
assert_screen "Bobs"
assert_not_screen "[+]"
assert_not_screen "Enter alone cancels"
keys p
wait_for "pay:none"
wait_idle
assert_not_screen "terminal too small"
assert_screen "Outcome"
# The hint line is full at 120 columns.
assert_screen "ve plot/explain"

# Resize while a prompt is open: the prompt survives.
keys Enter
wait_for "Alices true reward of refuse (now"
tm resize-window -t 0 -x 80 -y 24
wait_for "Alices true reward of refuse (now"
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
# q on the too-small screen asks (the question shows there); n stays.
keys q
wait_for "quit without saving? y"
keys n
wait_gone "quit without saving"
assert_screen "terminal too small: 40x10"
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
