#!/usr/bin/env bash
# Exactness on screen: a best response found by a search carries "~" after
# its mark in the outcome table and "~ search" on the best-lie line; exact
# ones (vcg; tv without payment) carry neither.
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
# kl with sum normalization: BR none is a search, BR vcg exact
screen | grep -qE '^Alices .*✗ ~ +[-+0-9.]+ ✓ *$' || fail "no search marker after BR none (and none after BR vcg)"
assert_screen "best lie w/o payment (~ search):"
keys q
wait_exit 0
stop

start 80 24 -- "$MT_SOURCE_DIR/scenarios/divergence_tv.yaml"
wait_idle
screen | grep -q "~" && fail "a '~' on the tv screen: $(screen | grep "~")"
assert_screen "best lie w/o payment (exact):"
keys q
wait_exit 0
stop
echo PASS
