#!/usr/bin/env bash
# Lessons: `mechtune lesson why-payments` walks through every step (each
# step's action advances it, the last one waits for Space and finishes);
# the lesson picker (L) starts one and L/Esc leave it; every {action}
# placeholder of every lesson names a key; `mechtune lesson` lists the
# lessons and an unknown name exits 2.
. "$(dirname "$0")/lib.sh"

# Placeholders: every step of every lesson, keys filled in.
"$MT_BINARY" --lessons-check >"$WORK/steps.txt" || fail "unresolved placeholders: $(grep unknown "$WORK/steps.txt")"
grep -q '{' "$WORK/steps.txt" && fail "a placeholder was left in: $(grep '{' "$WORK/steps.txt")"
grep -qF "why-payments 1: " "$WORK/steps.txt" || fail "--lessons-check printed no steps"
grep -qF "Press p to switch" "$WORK/steps.txt" || fail "{payment} did not become p"

# The command line.
"$MT_BINARY" lesson >"$WORK/list.txt" || fail "mechtune lesson failed"
for l in why-payments vcg noise collusion; do grep -qE "^  $l " "$WORK/list.txt" || fail "lesson $l not listed"; done
"$MT_BINARY" lesson --help | grep -qF "usage: mechtune lesson" || fail "mechtune lesson --help"
err=$("$MT_BINARY" lesson nosuch 2>&1 >/dev/null)
rc=$?
[ "$rc" = 2 ] || fail "unknown lesson: exit $rc, expected 2"
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "unknown lesson: expected one line, got '$err'"
case "$err" in *"unknown lesson 'nosuch'"*) ;; *) fail "unknown lesson: '$err'" ;; esac

# why-payments, end to end at 80x24.
start 80 24 -- lesson why-payments
wait_for "Lesson: Why payments are needed"
wait_for "step 1 of 5"
wait_idle
assert_screen "Press p to switch"
keys p
wait_for "step 2 of 5"
assert_screen "column 'BR none'"
assert_screen " BR none"
wait_idle
keys b
wait_for "step 3 of 5"
assert_screen "'lie Δu'"
assert_screen "lie Δu"
assert_screen "Press t"
wait_idle
keys t
wait_for "step 4 of 5"
wait_idle
# To the size of the Alices' report row, then raise it.
keys Down Right Right Right
keys +
wait_for "step 5 of 5"
assert_screen "Space next"
assert_screen "Press Space to finish"
keys Space
wait_for "lesson 'why-payments' finished"
assert_not_screen "Lesson:"
keys q
wait_for "unsaved changes"
keys n
wait_exit 0
stop

# The picker, and leaving a lesson with Esc and with L.
start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
keys L
wait_for "Lessons: arrows choose"
assert_screen "why-payments"
assert_screen "noise"
keys Down
wait_for "Proposition 4.4"
keys Enter
wait_for "How the vcg payment restores truthfulness"
wait_for "step 1 of 7"
assert_screen "lesson vcg"
keys Space
wait_for "step 2 of 7"
keys Escape
wait_for "left the lesson 'vcg'"
assert_not_screen "Lesson:"
# The scenario's own panel is back.
wait_for "Raise lambda"
keys L
wait_for "Lessons: arrows choose"
keys Down Down Enter
wait_for "Lesson: Robustness to noisy input"
wait_for "Noisy input"
keys L
wait_for "left the lesson 'noise'"
assert_not_screen "Lesson:"
keys q
wait_exit 0
echo PASS
