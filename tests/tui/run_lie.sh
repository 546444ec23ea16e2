#!/usr/bin/env bash
# Lie and truth: without payment the Alices' best response pays; under vcg
# the same lie costs them; t restores the truth and its numbers; the
# iterated best responses under vcg leave everybody truthful.
. "$(dirname "$0")/lib.sh"

start 80 24 -- "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
truthful_alices=$(screen | grep -E '^Alices +[0-9]' | tail -n 1 | nums | head -n 4 | xargs)

keys p
wait_for "pay:none"
wait_idle
keys b
wait_for "Alices lie"
wait_idle
# The report row is marked as a lie, by a symbol.
screen | grep -E '^  report ◆' >/dev/null || fail "the lie is not marked in the report row"
# "lie Δu" (5th number of the outcome row) is positive: the lie pays.
du=$(screen | grep -E '^Alices +[0-9]' | tail -n 1 | grep -oE -- '[-+][0-9]+\.[0-9]{3}' | head -n 1)
case "$du" in +0.000 | -*) fail "without payment the lie should pay, lie du is '$du'" ;; esac
# The truthful policy is shown next to the trained one.
assert_screen "p if all truthful"
assert_screen "(truth 3.175)"

keys P
wait_for "pay:vcg "
wait_idle
du=$(screen | grep -E '^Alices +[0-9]' | tail -n 1 | grep -oE -- '[-+][0-9]+\.[0-9]{3}' | head -n 1)
case "$du" in -*) ;; *) fail "under vcg the lie should not pay, lie du is '$du'" ;; esac

keys t
wait_for "Alices tell the truth"
wait_idle
assert_not_screen "report ◆"
assert_not_screen "p if all truthful"
[ "$(screen | grep -E '^Alices +[0-9]' | tail -n 1 | nums | head -n 4 | xargs)" = "$truthful_alices" ] ||
	fail "telling the truth did not restore the truthful outcome"

# Lie again, then everybody truthful with T.
keys b
wait_for "tell the lie that pays"
wait_idle
keys T
wait_for "all groups tell the truth"
wait_idle
assert_not_screen "◆"

# Iterated best responses under vcg: nobody moves away from the truth.
keys i
wait_for "iterated best responses under vcg"
wait_idle
assert_not_screen "◆"

keys q
wait_for "unsaved changes"
keys n
wait_exit 0
stop

# The IR mark describes its own row: both groups playing their best lies
# without payment and then charged under vcg have negative utilities, so
# their rows say IR ✗ (it used to say ✓, the IR of the truth).
start 100 30 -- "$MT_SOURCE_DIR/scenarios/polarization.yaml"
wait_idle
keys p
wait_for "pay:none"
wait_idle
keys b
wait_for "Alices lie"
wait_idle
keys Tab b
wait_for "Bobs lie"
wait_idle
keys P
wait_for "pay:vcg "
wait_idle
for g in Alices Bobs; do
	row=$(screen | grep -E "^$g +[0-9]" | tail -n 1)
	util=$(echo "$row" | nums | sed -n 4p)
	case "$util" in -*) ;; *) fail "$g should have a negative utility under vcg, row: $row" ;; esac
	echo "$row" | grep -qE -- "$util +✗" || fail "$g: IR mark beside utility $util is not ✗: $row"
done
# A truthful row with a non-negative utility keeps ✓.
keys T
wait_for "all groups tell the truth"
wait_idle
for g in Alices Bobs; do
	screen | grep -E "^$g +[0-9]" | tail -n 1 | grep -qE -- " [0-9]+\.[0-9]{3} +✓" ||
		fail "$g: truthful row should say IR ✓"
done
keys q
wait_for "unsaved changes"
keys n
wait_exit 0
echo PASS
