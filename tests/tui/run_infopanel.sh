#!/usr/bin/env bash
# Lesson text never goes missing: at 80x24 in presenter mode a step too long
# for its panel scrolls with < and >, says which lines show ("lines 1–2 of 5"),
# and I shows the whole panel (also the description and things to try).
. "$(dirname "$0")/lib.sh"

start 80 24 -- lesson vcg --presenter
wait_idle
keys Space
wait_for "press b"
keys b
wait_match "lines 1–[0-9]+ of [0-9]+ < > I"
range=$(screen | grep -oE "lines [0-9]+–[0-9]+ of [0-9]+" | head -n 1)
set -- $(echo "$range" | grep -oE "[0-9]+")
[ "$#" = 3 ] && [ "$2" -lt "$3" ] || fail "the step should not fit ($range)"
for _ in 1 2 3 4 5 6; do keys ">"; done
wait_for "Press p to compare with no"
wait_match "lines [0-9]+–([0-9]+) of \\1 < > I"
keys "<"
sleep 0.3
range=$(screen | grep -oE "lines [0-9]+–[0-9]+ of [0-9]+" | head -n 1)
set -- $(echo "$range" | grep -oE "[0-9]+")
[ "$#" = 3 ] && [ "$2" -lt "$3" ] || fail "< did not scroll back ($range)"
keys I
wait_for "step 3 of 7 (any key closes):"
wait_for "Press p to compare with no"
keys x
wait_gone "any key closes"
# the step still waits for p: nothing was removed by the x that closed I
assert_screen "Bobs"
keys p
wait_for "pay:none"
stop

# Outside a lesson, I shows the whole description and every thing to try.
start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
keys I
wait_for "Alices and Bobs (any key closes):"
assert_screen "Press L for a guided lesson."
assert_not_screen "…"
keys Escape
wait_for "Preferences"
keys q
wait_exit 0
echo PASS
