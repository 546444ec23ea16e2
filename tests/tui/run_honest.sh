#!/usr/bin/env bash
# What the screen says holds (issue 10, defects 4, 6, 7) and the paper's
# exact misreports as an action (M): the objective is labelled as evaluated
# at the reports when a group lies, with the truthful one beside it when it
# fits; the best-lie line says when the truth is already best and when the
# lie is being played (BR none then is its gain), "(b plays it)" otherwise;
# a finite menu names the chosen candidate; M applies eps / alpha / beta /
# rewards-only misreports, undoable, an empty entry cancels.
. "$(dirname "$0")/lib.sh"

file="$MT_SOURCE_DIR/scenarios/default.yaml"
start 120 30 -- "$file"
wait_idle
line_of "Alices' best lie w/o payment" | grep -qF "(b plays it)" || fail "best-lie line without (b plays it)"
assert_not_screen "ASW@reports"
keys b
wait_for "tell the lie that pays"
wait_idle
line=$(line_of "welfare ")
case "$line" in *"ASW@reports 10.653 (truth 3.010)"*) ;; *) fail "objective not labelled at the reports: '$line'" ;; esac
line=$(line_of "best lie w/o payment")
case "$line" in *"(played now: BR none +0.615 is its gain)"*) ;; *) fail "playing the lie: '$line'" ;; esac
case "$line" in *"(b plays it)"*) fail "still '(b plays it)' while it is played" ;; esac
# b again: nothing changes, not even the undo history
keys b
wait_for "report that already: nothing changed"
keys t
wait_for "Alices tell the truth"
wait_idle
assert_not_screen "ASW@reports"
line_of "best lie w/o payment" | grep -qF "(b plays it)" || fail "(b plays it) gone after t"
stop

# At 80 columns the label stays, the truthful objective gives way.
start 80 24 -- "$file"
wait_idle
keys b
wait_for "tell the lie that pays"
wait_idle
line=$(line_of "welfare ")
case "$line" in *"ASW@reports 10.653"*"DSIC"*) ;; *) fail "80 columns: '$line'" ;; esac
stop

# A group whose rewards are all equal has no lie that gains: the line says so.
sed 's/rewards: \[0.3, 0.5, 0.2\]/rewards: [0.25, 0.5, 0.25]/' "$file" >"$AUX/flat.yaml"
python3 - "$file" "$AUX/flat.yaml" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
d["groups"][0]["rewards"] = [1 / 3, 1 / 3, 1 / 3]
yaml.safe_dump(d, open(sys.argv[2], "w"), allow_unicode=True)
PY
start 100 24 -- "$AUX/flat.yaml"
wait_idle
line=$(line_of "no lie gains")
case "$line" in "Alices: no lie gains w/o payment, the truth is their best report"*) ;; *) fail "truth optimal: '$line'" ;; esac
assert_not_screen "(b plays it)"
stop

# A finite candidate menu names the candidate it trains to.
soup="$MT_SOURCE_DIR/scenarios/three_groups_soup.yaml"
cand=$("$MT_BINARY" solve --json "$soup" | python3 -c 'import json,sys; print(json.load(sys.stdin)["candidate"])')
[ -n "$cand" ] && [ "$cand" != None ] || fail "three_groups_soup has no candidate"
for size in "80 24" "120 40"; do
	start $size -- "$soup"
	wait_idle
	line_of "Policy" | grep -qE "p( trained)? = $cand" || fail "candidate $cand not named at $size: '$(line_of Policy)'"
	keys e
	wait_for "p* = candidate $cand"
	stop
done

# M: the paper's exact misreports on the selected group.
start 80 24 -- "$file"
wait_idle
misreport() {
	keys M
	wait_for "misreport (eps"
	type_text "$1"
	keys Enter
}
report_row() { screen | grep -E '^  report' | head -n 1 | sed 's/◆/ /g'; }
misreport "eps 0.05"
wait_for "Alices report the polarizing misreport at epsilon = 0.05 (u undoes it)"
wait_idle
report_row | grep -qE '0\.050 +0\.300 +0\.650 +3\.00' ||
	fail "eps 0.05: '$(report_row)'"
assert_screen "[+]"
keys u
wait_gone "[+]"
misreport "alpha 2"
wait_for "size-only misreport at alpha = 2"
report_row | grep -qE '0\.100 +0\.300 +0\.600 +6\.00' ||
	fail "alpha 2: '$(report_row)'"
misreport "beta 0"
wait_for "mixing misreport at beta = 0"
report_row | grep -qE '0\.300 +0\.500 +0\.200 +3\.00' ||
	fail "beta 0: '$(report_row)'"
wait_idle
misreport "rewards"
wait_for "best rewards-only lie w/o payment"
report_row | grep -qE ' 3\.00' || fail "rewards only changed the size"
misreport "gamma 2"
wait_for "'gamma 2': start with eps, alpha or beta"
misreport ""
wait_for "misreport cancelled"
keys u u u
wait_gone "[+]"
stop
echo "honest: ok"
