#!/usr/bin/env bash
# Undo and redo without limit; undoing every change clears the modified
# mark; a new change after undo drops the redo history.
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
orig=$(screen | grep -E '^Alices +[0-9]' | head -n 1 | nums | xargs)
assert_not_screen "[+]"

keys +
wait_for "Alices true reward of refuse = 0.110"
keys p
wait_for "pay:none"
keys ']'
wait_for "λ=0.55"
keys d
wait_for "divergence chi2"
wait_idle
assert_screen "[+]"

keys u
wait_for "undone (3 more)"
wait_for " kl λ=0.55"
keys u u
wait_for "undone (1 more)"
wait_for "pay:vcg"
keys u
wait_for "undone (0 more)"
wait_idle
[ "$(screen | grep -E '^Alices +[0-9]' | head -n 1 | nums | xargs)" = "$orig" ] ||
	fail "undo did not restore the rewards"
assert_not_screen "[+]"
keys u
wait_for "nothing to undo"

keys C-r
wait_for "redone (3 more)"
wait_for "0.110"
keys U U U
wait_for "redone (0 more)"
wait_for "chi2 λ=0.55"
wait_for "pay:none"
keys U
wait_for "nothing to redo"

# A new change drops what could be redone.
keys u
wait_for "undone (3 more)"
keys n
wait_for "max normalization"
keys U
wait_for "nothing to redo"

keys q
wait_for "unsaved changes"
keys n
wait_exit 0
echo PASS
