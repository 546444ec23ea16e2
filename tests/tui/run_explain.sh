#!/usr/bin/env bash
# The explain view (e, issue 10): every number of the selected group's row
# with its formula equals `mechtune solve --json` (valuation, w·v, payment =
# pivot − ASW₋ᵢ(p*) with both terms, utility, IR), for every group (Tab), at
# 80x24 and 120x40; t(x) equals `analyze --json`; e leaves; the other views'
# keys still reach the document (p changes the rule, the view follows).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

# check_groups FILE [solve args]: the explain lines of every group, Tab between
check_groups() {
	local file=$1
	shift
	"$MT_BINARY" solve --json "$@" "$file" >"$AUX/solve.json" || fail "solve --json failed"
	python3 "$here/explain_expect.py" "$AUX/solve.json" "$file" >"$AUX/want.txt" ||
		fail "explain_expect.py failed"
	local n=0 line
	while IFS= read -r line; do
		if [ -z "$line" ]; then
			n=$((n + 1))
			keys Tab
			sleep 0.2
			wait_idle
			continue
		fi
		assert_screen "$line"
	done <"$AUX/want.txt"
	[ "$n" -ge 2 ] || fail "expected at least two groups, got $n"
}

# br_lines FILE: the best-response lines of every group, from analyze --json
br_lines() {
	for p in none vcg; do "$MT_BINARY" analyze --json --no-ibr --no-coalitions --payment $p "$1"; done |
		python3 -c 'import json,sys
dec = json.JSONDecoder(); s = sys.stdin.read(); docs = []; i = 0
while i < len(s):
    if s[i].isspace(): i += 1; continue
    d, i = dec.raw_decode(s, i); docs.append(d)
g = lambda v: ("%+.0e" % v) if v != 0 and abs(v) < 5e-4 else "%+.3f" % v
for k in range(len(docs[0]["groups"])):
    for d, label in zip(docs, ("w/o payment", "vcg")):
        b = d["groups"][k]["best_response"]
        print("%s: the best report gains %s over the truth (%s)" % (label, g(b["gain"]), "exact" if b["method"] == "exact" else "~ search"))
    print()'
}

for size in "80 24" "120 40"; do
	start $size -- "$MT_SOURCE_DIR/scenarios/default.yaml"
	wait_idle
	keys e
	wait_for "Explain: Alices"
	wait_idle
	check_groups "$MT_SOURCE_DIR/scenarios/default.yaml"
	# the best-response lines: analyze's gains (Tab is back at the Alices)
	br_lines "$MT_SOURCE_DIR/scenarios/default.yaml" >"$AUX/br.txt"
	while IFS= read -r line; do
		if [ -z "$line" ]; then keys Tab; sleep 0.2; wait_idle; continue; fi
		assert_screen "$line"
	done <"$AUX/br.txt"
	# a lie: its gain over the truth (Esc-free: b works in the explain view)
	keys b
	wait_for "tell the lie that pays"
	wait_idle
	assert_screen "lie         Δu = u − u(truth) = "
	keys t
	wait_for "tell the truth"
	wait_idle
	assert_not_screen "u(truth)"
	# p: the rule changes under the explain view, the numbers follow
	keys p
	wait_for "pay:none"
	wait_idle
	assert_screen "pay = 0"
	check_groups "$MT_SOURCE_DIR/scenarios/default.yaml" --payment none
	keys e
	wait_gone "Explain:"
	assert_screen "Preferences"
	stop
done

# t(x) per response: the analysis' numbers.
zm="$MT_SOURCE_DIR/scenarios/zero_minimum.yaml"
"$MT_BINARY" analyze --json --no-ibr "$zm" >"$AUX/an.json"
start 80 24 -- "$zm"
wait_idle
keys e
wait_for "Explain: Carols"
wait_idle
assert_screen "Theorem B.2"
check_groups "$zm"
for g in 0 1; do
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); g=d["groups"][int(sys.argv[2])]
for r, t in zip(d["responses"], g["t"]):
    print("%-10s %+8.3f" % (r, 0.0 if abs(t) < 5e-4 else t))' "$AUX/an.json" $g >"$AUX/t.txt"
	[ $g = 1 ] && { keys Tab; wait_for "Explain: Daves"; wait_idle; }
	while IFS= read -r line; do
		screen | grep -qF -- "$line" || fail "t(x) '$line' not on the screen"
	done <"$AUX/t.txt"
done
stop

# presenter mode at 80x24: still all of it
start 80 24 -- --presenter "$MT_SOURCE_DIR/scenarios/default.yaml"
wait_idle
keys e
wait_for "Explain: Alices"
wait_idle
check_groups "$MT_SOURCE_DIR/scenarios/default.yaml"
stop
echo "explain: ok"
