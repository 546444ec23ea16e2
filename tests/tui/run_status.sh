#!/usr/bin/env bash
# A file error names the path as typed, not its base name; a message longer
# than the status area wraps into at most three rows ending "! shows all",
# and ! shows it whole; any key closes that.
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
keys ']'
wait_for "λ=0.55"
long=$WORK/no-such-folder/$(printf 'a%.0s' $(seq 1 150))/b.yaml
keys W C-u
type_text "$long"
keys Enter
wait_for "not saved:"
wait_for "! shows all"
# the status area stays within three rows above the hint line
[ "$(screen | grep -n 'not saved:' | cut -d: -f1)" -ge 21 ] || fail "the message took more than three rows"
assert_screen "Outcome"
keys "!"
wait_for "The last message (any key closes it):"
# the whole path as typed, then the reason, readable (joined across rows)
all=$(screen | sed -n '4,22p' | tr -d '\n' | tr -d ' ')
case "$all" in *"$(echo "$long" | tr -d ' ')"*) ;; *) fail "! does not show the full path" ;; esac
keys x
wait_gone "The last message"
assert_screen "Bobs"
# a short path in a missing folder: the folder is named too
keys W C-u
type_text "nofolder/a.yaml"
keys Enter
wait_for "not saved: nofolder/a.yaml"
keys q
wait_for "unsaved changes"
keys n
wait_exit 0
echo PASS
