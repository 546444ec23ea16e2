#!/usr/bin/env bash
# Keys that change nothing leave the file unmodified and add no undo step:
# t on a truthful group, B under vcg (its gain is +0), a cell typed to the
# value it has.
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
keys t
wait_for "Alices tell the truth already: nothing changed"
assert_not_screen "[+]"
keys B
wait_for "gain nothing by lying under the rule"
assert_not_screen "[+]"
keys 0 . 1 Enter
wait_for "is 0.100 already: nothing changed"
assert_not_screen "[+]"
keys u
wait_for "nothing to undo"
keys q
wait_exit 0
echo PASS
