#!/usr/bin/env bash
# x removes the group under the cursor and says u undoes it; on the
# reference row it removes nothing (not the group underlined there).
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
keys k
keys x
wait_for "move to a group's row to remove that group"
assert_screen "Alices"
assert_screen "Bobs"
assert_not_screen "[+]"
keys j
keys x
wait_for "removed group 'Alices' (u undoes)"
wait_idle
screen | grep -qE '^Alices ' && fail "Alices were not removed"
keys u
wait_for "undone"
wait_idle
screen | grep -qE '^Alices ' || fail "u did not bring the Alices back"
keys q
wait_exit 0
echo PASS
