#!/usr/bin/env bash
# The number entry works as in a spreadsheet: Enter starts an empty entry
# (the current value is a hint in the prompt), typing replaces the value,
# an empty entry cancels; hex, inf and nan are refused as the file format
# refuses them; typed numbers are saved as typed and lambda as shown.
. "$(dirname "$0")/lib.sh"

cp "$MT_SOURCE_DIR/scenarios/default.yaml" "$WORK/e.yaml"
start 80 24 -- "$WORK/e.yaml"
wait_idle
keys Enter
wait_for "Alices true reward of refuse (now 0.100; Enter alone cancels):"
# nothing pre-filled: what is typed replaces the value (no "0.10.5")
[ "$(line_of "Enter alone cancels" | sed 's/.*cancels): *//' | xargs)" = "" ] ||
	fail "the entry was pre-filled"
type_text "0.45"
keys Enter
wait_for "Alices true reward of refuse = 0.450"
wait_idle
# an empty entry cancels
keys Enter
wait_for "(now 0.450; Enter alone cancels)"
keys Enter
wait_for "cancelled: nothing was changed"
# what the file format refuses, the editor refuses
for bad in 0x1p-2 inf nan 1e999; do
	keys Enter
	wait_for "Enter alone cancels"
	type_text "$bad"
	keys Enter
	wait_for "'$bad' is not a number"
done
assert_screen "0.450"
# lambda computed by [ is stored as shown
keys '['
wait_for "λ=0.4545"
keys w
wait_for "saved"
grep -qx "lambda: 0.4545" "$WORK/e.yaml" || fail "lambda was not saved as shown: $(grep lambda "$WORK/e.yaml")"
grep -q "0.45\b" "$WORK/e.yaml" || fail "0.45 was not saved as typed"
grep -qE "0\.4500000|0\.44999" "$WORK/e.yaml" && fail "0.45 was saved with noise"
keys q
wait_exit 0
echo PASS
