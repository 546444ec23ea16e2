#!/usr/bin/env bash
# Quitting asks first when changes are unsaved (cancel keeps everything);
# Ctrl-C goes through the same question and twice quits; the terminal is
# restored on quit, on Ctrl-C and on SIGTERM.
. "$(dirname "$0")/lib.sh"

# Unmodified: q quits at once.
start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
keys q
wait_exit 0
stop

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
keys +
wait_for "= 0.110"
keys q
wait_for "unsaved changes: save them first? y save+quit, n discard+quit, c cancel"
keys c
wait_gone "unsaved changes"
assert_screen "0.110"
# Ctrl-C asks whether to quit without saving: n stays, y quits (y is yes
# to the question in both prompts); Ctrl-C again quits.
keys C-c
wait_for "unsaved changes: quit without saving? y quit, n stay"
keys n
wait_for "not quitting: the changes are still unsaved"
assert_screen "0.110"
keys C-c
wait_for "unsaved changes: quit without saving?"
keys y
wait_exit 0
stop

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
keys +
wait_for "= 0.110"
keys C-c
wait_for "unsaved changes: quit without saving?"
keys C-c
wait_exit 0
stop

# y saves first (the file is the one opened).
cp "$MT_SOURCE_DIR/scenarios/default.yaml" "$WORK/mine.yaml"
start 80 24 -- "$WORK/mine.yaml"
wait_idle
keys ']'
wait_for "λ=0.55"
keys q
wait_for "unsaved changes"
keys y
wait_exit 0
grep -q "^lambda: 0.55" "$WORK/mine.yaml" || fail "y did not save before quitting"
stop

# The embedded default has no file: y asks for a name.
start 80 24 --
wait_idle
assert_screen "(embedded default)"
keys ']'
wait_for "λ=0.55"
keys q
wait_for "unsaved changes"
keys y
wait_for "save as:"
keys C-u
type_text "$WORK/new.yaml"
keys Enter
wait_exit 0
[ -f "$WORK/new.yaml" ] || fail "save as before quitting did not write the file"
stop

# SIGTERM: terminal restored, status 128 + 15 (run_recover.sh: with edits).
start 80 24 -- "$WORK/mine.yaml"
wait_idle
kill -TERM "$(pid_of)"
wait_exit 143
assert_screen "mechtune: caught SIGTERM; no unsaved changes"
echo PASS
