#!/usr/bin/env bash
# --ascii shows no non-ASCII character; NO_COLOR and --no-color give a
# monochrome screen (no color escapes); mouse clicks select cells and
# --no-mouse ignores them; the explorer refuses to run without a terminal.
. "$(dirname "$0")/lib.sh"

export LC_ALL=C.UTF-8
start 80 24 -- --ascii "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
keys p b
wait_for "Alices lie"
wait_idle
if screen | grep -qP '[^\x00-\x7f]'; then
	fail "--ascii screen contains non-ASCII characters"
fi
assert_screen "report *"
keys v
wait_for "max u at"
wait_idle
if screen | grep -qP '[^\x00-\x7f]'; then
	fail "--ascii plot contains non-ASCII characters"
fi
keys '?'
wait_for "explorer keys"
if screen | grep -qP '[^\x00-\x7f]'; then
	fail "--ascii help contains non-ASCII characters"
fi
keys q q
wait_for "unsaved changes"
keys n
wait_exit 0
stop

colors() { screen_colored | grep -cE $'\e\\[[0-9;]*(3[0-7]|38;5;[0-9]+)m'; }
start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
[ "$(colors)" -gt 0 ] || fail "expected colors by default"
keys q
wait_exit 0
stop

start 80 24 NO_COLOR=1 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
[ "$(colors)" -eq 0 ] || fail "NO_COLOR still shows colors"
keys q
wait_exit 0
stop

start 80 24 -- --no-color "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
[ "$(colors)" -eq 0 ] || fail "--no-color still shows colors"
[ "$(tm display-message -p -t 0 '#{mouse_standard_flag}')" = 1 ] ||
	fail "the mouse is not captured by default"
# Mouse: click Bobs' reported hedge cell, then nudge it.
y=$(screen | grep -nE '^  report' | sed -n 2p | cut -d: -f1)
# An X10 mouse report (ESC [ M button+32 x+32 y+32, 1-based): press, release.
click() { tm send-keys -t 0 -H 1b 5b 4d 20 "$(printf %x $((32 + $1)))" "$(printf %x $((32 + $2)))" \
	1b 5b 4d 23 "$(printf %x $((32 + $1)))" "$(printf %x $((32 + $2)))"; }
click 25 "$y"
keys +
wait_for "Bobs reported reward of hedge = 0.510"
keys q
wait_for "unsaved changes"
keys n
wait_exit 0
stop

start 80 24 -- --no-mouse "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
# The pane never asked the terminal for mouse reports.
[ "$(tm display-message -p -t 0 '#{mouse_standard_flag}#{mouse_button_flag}#{mouse_any_flag}')" = 000 ] ||
	fail "--no-mouse still turned mouse reporting on"
keys q
wait_exit 0

# No terminal: a clear error, not a garbled screen.
out=$("$MT_BINARY" "$MT_SOURCE_DIR/scenarios/default.yaml" </dev/null 2>&1 >/dev/null)
case "$out" in *"needs a terminal"*) ;; *) fail "without a terminal: '$out'" ;; esac
echo PASS
