#!/usr/bin/env bash
# Editing a reward re-solves at once: the policy and the payments on the
# screen change and agree with `mechtune solve` on the saved scenario; the
# row is renormalized visibly and a truthful group's report follows; a
# nudge moves by the step; bad input is explained and changes nothing.
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
check_solve "$MT_SOURCE_DIR/scenarios/default.yaml"
before=$(screen | grep -E '^answer ' | nums | sed -n 2p)

# Alices' true reward of "answer": cursor starts on Alices' first reward.
keys l l
type_text "0.8"
wait_for "Alices true reward of answer (now 0.600; Enter alone cancels): 0.8"
keys Enter
wait_for "Alices true reward of answer = 0.800"
wait_idle
# Renormalized row (0.1, 0.3 scaled to sum 0.2) and the report follows.
[ "$(screen | grep -E '^Alices ' | head -n 1 | nums | xargs)" = "0.050 0.150 0.800" ] ||
	fail "Alices' rewards were not renormalized to 0.050 0.150 0.800"
[ "$(screen | grep -E '^  report' | head -n 1 | nums | xargs)" = "0.050 0.150 0.800" ] ||
	fail "the truthful report did not follow the truth"
after=$(screen | grep -E '^answer ' | nums | sed -n 2p)
[ "$before" != "$after" ] || fail "the policy of answer did not change ($before)"

# Save, and compare everything shown with the batch solve of that file.
keys W C-u
type_text "$WORK/edited.yaml"
keys Enter
wait_for "saved $WORK/edited.yaml"
check_solve "$WORK/edited.yaml"

# Nudge: + adds the step (0.01) to the reported size?  No: to the cell.
keys h
keys +
wait_for "Alices true reward of hedge = 0.160"
wait_idle
keys s
wait_for "step 0.05"
keys -
wait_for "Alices true reward of hedge = 0.110"

# Bad input: explained in the status line, nothing changes.
keys Enter C-u
type_text "abc"
keys Enter
wait_for "'abc' is not a number"
assert_screen "0.110"

# Out of range: explained, nothing changes.
keys Enter C-u
type_text "1.5"
keys Enter
wait_for "must be between 0 and 1"
assert_screen "0.110"

# Fractions are accepted.
keys Enter C-u
type_text "1/4"
keys Enter
wait_for "Alices true reward of hedge = 0.250"
wait_idle

# A new group values every response the same: no lie gains, and the
# best-lie line says so instead of offering a lie (issue 10, defect 6);
# after undo the Bobs keep their possessive.
keys a
wait_for "added 'group 3'"
wait_for "group 3: no lie gains w/o payment, the truth is its best report"
assert_not_screen "(b plays it)"
keys u
wait_for "Bobs' best lie w/o payment"

# Removing the last response leaves the cursor on the responses, so X again
# removes the next one (it used to land on the size column and refuse).
keys A
wait_for "added response 'x4'"
keys X
wait_for "removed response 'x4'"
keys X
wait_for "removed response 'answer'"
wait_idle
keys u u
wait_for "undone"
wait_idle

keys q
wait_for "unsaved changes"
keys n
wait_exit 0
echo "PASS"
