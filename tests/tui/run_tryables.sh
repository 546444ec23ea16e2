#!/usr/bin/env bash
# Every shipped "things to try" is doable as written (issue 10, defect 9):
# command-line steps say so; sweeps name the plot's keys; and the texts
# that ask for a particular lie, range or panel are done here with the
# keys they name and show what they promise.
. "$(dirname "$0")/lib.sh"
sc="$MT_SOURCE_DIR/scenarios"

# Lint: a command-line step says "command line"; nobody is asked to
# "sweep" without the keys that do it; t(x) is reached with e.
python3 - "$sc" <<'PY' || fail "a things-to-try text is not doable as written"
import glob, sys, yaml
bad = []
for f in sorted(glob.glob(sys.argv[1] + "/*.yaml")):
    for t in yaml.safe_load(open(f)).get("try", []) or []:
        if ("mechtune " in t or " --" in t) and "command line" not in t:
            bad.append((f, t, "command-line step without saying so"))
        if t.lower().startswith("sweep"):
            bad.append((f, t, "a sweep without the plot's keys"))
        if "t(x)" in t and "press e" not in t.lower():
            bad.append((f, t, "t(x) without the explain key"))
for b in bad:
    print("FAIL: %s: %s (%s)" % b)
sys.exit(1 if bad else 0)
PY

misreport() {
	keys M
	wait_for "misreport (eps"
	type_text "$1"
	keys Enter
}

# polarization.yaml: M eps 0.1 is the lie of the description, and it pays.
start 80 24 -- "$sc/polarization.yaml"
wait_idle
keys p
wait_for "pay:none"
wait_idle
misreport "eps 0.1"
wait_for "polarizing misreport at epsilon = 0.1"
wait_idle
row=$(screen | grep -E '^  report' | head -n 1 | sed 's/◆/ /g')
case "$row" in *0.000*0.200*0.300*0.500*) ;; *) fail "eps 0.1 report row: '$row'" ;; esac
screen | grep -E '^Alices +[0-9]' | tail -n 1 | grep -qE ' \+0\.[0-9]{3} ' || fail "the eps 0.1 lie does not pay under none"
stop

# divergence_tv.yaml: the rewards-only lie understates definition.
start 80 24 -- "$sc/divergence_tv.yaml"
wait_idle
keys p
wait_for "pay:none"
wait_idle
misreport "rewards"
wait_for "best rewards-only lie"
wait_idle
row=$(screen | grep -E '^  report' | head -n 1 | sed 's/◆/ /g')
def=$(echo "$row" | awk '{print $4}')
python3 -c "import sys; sys.exit(0 if float('$def') < 0.3 else 1)" || fail "definition not understated: '$row'"
stop

# size_inflation.yaml: alpha from 0.5 to 5.
start 80 24 -- "$sc/size_inflation.yaml"
wait_idle
keys v
wait_for "max u at"
keys z
wait_for "alpha range"
type_text "0.5 5"
keys Enter
wait_for "alpha plot from 0.5 to 5"
wait_idle
screen | grep -qE '^ +0\.5.* 5 +0 ' || fail "the alpha axis does not run from 0.5 to 5"
stop

# table1_synthetic.yaml: epsilon from 0 to 0.1.
start 100 30 -- "$sc/table1_synthetic.yaml"
wait_idle
keys v
wait_for "max u at" 60
keys f f
wait_for "ε = 0:"
keys z
wait_for "epsilon range"
type_text "0 0.1"
keys Enter
wait_for "epsilon plot from 0 to 0.1"
wait_idle
screen | grep -qE '▲0 +0\.1 ' || fail "the epsilon axis does not end at 0.1"
stop

# zero_minimum.yaml: e shows t(x), positive for praise only.
start 80 24 -- "$sc/zero_minimum.yaml"
wait_idle
keys e
wait_for "Explain: Carols"
wait_idle
screen | grep -qE 'praise +\+0\.[0-9]{3}' || fail "t(x) of praise is not positive"
screen | grep -qE 'advice +-0\.[0-9]{3}' || fail "t(x) of advice is not negative"
stop
echo "tryables: ok"
