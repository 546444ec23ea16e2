#!/usr/bin/env bash
# At 80 columns the totals line and the best-lie line are never cut: with
# a lie played on polarization.yaml the totals keep their three checks
# (pay≥0 used to fall off the edge behind "(truth …)"), drop only their
# optional parts (revenue, the truthful objective), and the best-lie line
# ends with its numbers or a whole remark, not "(playe".  At 120 columns
# everything shows.
. "$(dirname "$0")/lib.sh"

check_lines() {
	local tot lie
	tot=$(line_of "welfare ")
	lie=$(line_of "best lie w/o payment")
	case "$tot" in *"pay≥0 "[✓✗]) ;; *) fail "the totals line lost its last check: '$tot'" ;; esac
	case "$tot" in *"ASW@reports "*) ;; *) fail "the totals line lost ASW@reports: '$tot'" ;; esac
	case "${lie##*(}" in *")"*) ;; *) fail "the best-lie line is cut: '$lie'" ;; esac
	case "$lie" in *"size 10"*) ;; *) fail "the best-lie line lost its size: '$lie'" ;; esac
}

# the Alices play their best lie without payment; then the two lines
lie_and_check() {
	wait_idle
	keys p
	wait_for "pay:none"
	wait_idle
	keys b
	wait_for "Alices lie"
	wait_idle
	check_lines
}

start 80 24 -- "$MT_SOURCE_DIR/scenarios/polarization.yaml"
lie_and_check
assert_screen "welfare 1.950 (truth 2.012)"
stop

start 120 40 -- "$MT_SOURCE_DIR/scenarios/polarization.yaml"
lie_and_check
assert_screen "revenue 0.000"
assert_screen "(played now: BR none"
stop
