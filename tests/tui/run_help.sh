#!/usr/bin/env bash
# ? opens the help screen generated from the key table: every section and
# the main keys are listed at 80x24 and any key closes it (where it does
# not fit, j/k, arrows, Space, PgUp/PgDn, Home/End scroll and it says so); the hint line is
# always visible; unknown keys are explained.
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
assert_screen "? help"
assert_screen "q quit"
keys '?'
wait_for "explorer keys"
# All of it, from the top and (if it scrolls) from the end.
help_text=$(screen)
keys End
sleep 0.3
help_text="$help_text
$(screen)"
for s in Move Edit Rules Strategy "History, files" View Lessons; do
	echo "$help_text" | grep -qF " $s" || fail "the help lacks the section $s"
done
for k in "lie: no-payment best reply" "truth: the group / all" "undo" "redo" "save / save as" "lessons / leave the lesson" \
	"iterated best responses" "next / previous payment rule" "plot / explain view" "quit (asks if unsaved)"; do
	echo "$help_text" | grep -qF "$k" || fail "the help lacks '$k'"
done
keys Home
sleep 0.2
assert_screen "explorer keys"
keys x
wait_gone "explorer keys"
assert_screen "Preferences"
# x was eaten by the help screen: no group was removed.
assert_screen "Bobs"
# The text and the keys agree: when the help all fits it says any key
# closes it, and j does; when it does not, it shows a range and j scrolls.
keys '?'
wait_for "Move"
if screen | grep -qF "any key closes the help"; then
	keys j
	wait_gone "any key closes the help"
	assert_screen "Preferences"
else
	wait_match " 1–[0-9]+ of [0-9]+:"
	keys j
	wait_match " 2–[0-9]+ of [0-9]+:"
	keys x
	wait_for "Preferences"
fi

# At 60x16 it scrolls, and says so with the range shown.
tm resize-window -t 0 -x 60 -y 16
wait_for "Preferences"
keys '?'
wait_match " 1–[0-9]+ of [0-9]+:"
assert_screen "any other key closes"
keys j
wait_match " 2–[0-9]+ of [0-9]+:"
keys End
wait_for "lesson: next step"
keys Home
wait_match " 1–[0-9]+ of [0-9]+:"
keys Space
sleep 0.3; screen | grep -qE " 1–[0-9]+ of" && fail "Space did not scroll"
screen | grep -qE " [0-9]+–[0-9]+ of [0-9]+:" || fail "Space: no range shown"
keys x
wait_gone "any other key closes"
assert_screen "Bobs"
tm resize-window -t 0 -x 80 -y 24
wait_for "Preferences"

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
