#!/usr/bin/env bash
# ? opens the help screen generated from the key table: every section and
# the main keys are listed at 80x24 and any key closes it; the hint line is
# always visible; unknown keys are explained.
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
assert_screen "? help"
assert_screen "q quit"
keys '?'
wait_for "explorer keys"
for s in Move Edit Rules Strategy "History, files" View Lessons; do
	assert_screen " $s"
done
for k in "lie: no-payment best reply" "truth: the group / all" "undo" "redo" "save / save as" "lessons / leave the lesson" \
	"iterated best responses" "next / previous payment rule" "plot / explain view" "quit (asks if unsaved)"; do
	assert_screen "$k"
done
keys x
wait_gone "explorer keys"
assert_screen "Preferences"
# x was eaten by the help screen: no group was removed.
assert_screen "Bobs"

# The same table drives the dispatcher: an unbound key is explained.
keys Z
wait_for "unknown key: press ? for the list of keys"

# Help in the plot view and in a bigger terminal.  Under vcg the α and β
# sweeps peak exactly at the truth (1 is a grid point, not 1.01).
keys v
wait_for "max u at"
wait_idle
screen | grep -qE 'max u at 1 +β' || fail "α sweep: utility should peak at exactly 1 under vcg"
screen | grep -qE 'max u at 1$' || fail "β sweep: utility should peak at exactly 1 under vcg"
# c: utility alone, on its own scale; c again: all three curves.
legend() { line_of "(Tab: next group)"; }
case "$(legend)" in *payment*) ;; *) fail "the legend should list payment" ;; esac
keys c
wait_for "plots: utility alone"
case "$(legend)" in *payment*) fail "utility alone: the legend still lists payment" ;; esac
screen | grep -qE 'max u at 1 +β' || fail "utility alone: the α peak moved"
keys c
wait_for "plots: utility, w·v and payment"
case "$(legend)" in *payment*) ;; *) fail "all curves: the legend should list payment" ;; esac
keys '?'
wait_for "explorer keys"
keys Escape
wait_for "max u at"
keys q
wait_exit 0
echo PASS
