#!/usr/bin/env bash
# Save and reload: save as a new file, the modified mark goes away, quit
# without a question, reopen the file (command line and o), the edit is
# there; a file that does not load is explained and changes nothing.
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
# Bobs' reported size (report row of Bobs, size column): a lie of size.
keys j j j l l l
keys Enter C-u
type_text "7.5"
keys Enter
wait_for "Bobs reported size = 7.500"
wait_idle
assert_screen "[+]"
keys r C-u
type_text "Bobbies"
keys Enter
wait_for "renamed to 'Bobbies'"
keys W C-u
type_text "$WORK/saved.yaml"
keys Enter
wait_for "saved $WORK/saved.yaml"
assert_not_screen "[+]"
assert_screen "saved.yaml"
keys q
wait_exit 0
grep -A3 "report:" "$WORK/saved.yaml" | grep -q "size: 7.5" || fail "the reported size was not saved"

# Reload from the command line.
stop
start 80 24 -- "$WORK/saved.yaml"
wait_idle
assert_screen "Bobbies"
assert_screen "7.50◆"
check_solve "$WORK/saved.yaml"

# A broken file: the error is shown, the scenario stays.
printf 'mechtune: 1\nresponses: [a, b\n' >"$WORK/broken.yaml"
keys o
wait_for "Open a scenario"
assert_screen "default.yaml"
keys k k k k k k k k k k k k k k k k k k k k
keys Enter
wait_for "open:"
type_text "$WORK/broken.yaml"
keys Enter
wait_for "cannot open: $WORK/broken.yaml:3:1: yaml syntax error" # the path as typed
assert_screen "Bobbies"

# Open the default scenario through the picker by typing its path.
keys o
wait_for "Open a scenario"
keys k k k k k k k k k k k k k k k k k k k k Enter
wait_for "open:"
type_text "$MT_SOURCE_DIR/scenarios/default.yaml"
keys Enter
wait_for "opened $MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
assert_not_screen "Bobbies"
keys q
wait_exit 0
echo PASS
