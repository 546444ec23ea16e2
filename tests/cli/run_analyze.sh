#!/usr/bin/env bash
# `mechtune analyze`: the JSON contract, DSIC under vcg, profitable lies
# without payment, and every reported best response reproduced by `solve`.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${MT_BINARY:?set MT_BINARY}
src=${MT_SOURCE_DIR:?set MT_SOURCE_DIR}
py=/usr/bin/python3
pass=0 fail=0
WORK_ERR=$(mktemp)
trap 'rm -f "$WORK_ERR"' EXIT
check() {
	if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi
}
for f in default polarization majority_minority zero_minimum divergence_chi2 divergence_tv three_groups_soup collusion; do
	for p in vcg none; do
		check $py "$here/feedback.py" "$bin" "$src/scenarios/$f.yaml" --payment "$p"
	done
done
json() { "$bin" analyze --json "$@" "$src/scenarios/default.yaml"; }
check $py -c 'import json,sys; d=json.load(sys.stdin); assert d["checks"]["dsic"] and max(g["best_response"]["gain"] for g in d["groups"]) <= 1e-9' < <(json --payment vcg)
check $py -c 'import json,sys; d=json.load(sys.stdin); assert not d["checks"]["dsic"] and min(g["best_response"]["gain"] for g in d["groups"]) > 0.1' < <(json --payment none)
check $py -c 'import json,sys; d=json.load(sys.stdin); n=d["noise"]; assert n["all_within_bound"] and all(g["gain"] <= g["bound"] for g in n["groups"])' < <("$bin" analyze --json --no-ibr "$src/scenarios/noisy_input.yaml")
check $py -c 'import json,sys; d=json.load(sys.stdin); p=[g["polarize"] for g in d["groups"]]; assert all(x["exists"] and abs(x["epsilon"]-0.01) < 1e-15 and x["gain"] > 0 for x in p)' < <(json --payment none --epsilon 0.01 --no-ibr)
# exactness: vcg answers are exact (Proposition 4.4), so are tv and chi2 without payment;
# hellinger without payment is a search
methods() { $py -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(sorted({g[k]["method"] for g in d["groups"] for k in ("best_response", "best_rewards_only", "best_size_only")})))'; }
check test "$(json --payment vcg --no-ibr | methods)" = exact
check test "$(json --payment none --divergence tv --no-ibr | methods)" = exact
check test "$(json --payment none --divergence chi2 --no-ibr | methods)" = exact
check test "$(json --payment none --divergence hellinger --no-ibr | methods)" = "exact search"
check grep -q "rewards \[.*\]  search$" <("$bin" analyze --payment none --divergence hellinger --no-ibr "$src/scenarios/default.yaml")
# t(x) of Theorem B.2 in the text output, the same numbers as the JSON's (issue 10, defect 8)
zm="$src/scenarios/zero_minimum.yaml"
check $py -c 'import json,sys,re
d=json.load(open(sys.argv[1])); txt=open(sys.argv[2]).read()
rows=re.findall(r"^  t\(x\) +\[([^]]*)\]", txt, re.M)
assert len(rows) == len(d["groups"]), rows
for g, row in zip(d["groups"], rows):
    want=" ".join("%+.3f" % (0.0 if abs(v) < 5e-4 else v) for v in g["t"])
    assert row == want, (row, want)' <("$bin" analyze --json --no-ibr "$zm") <("$bin" analyze --no-ibr "$zm")
# sweep's text table adds up: utility = w*v - payment with w the group's true size (defect 3)
check $py -c 'import sys
rows=[l.split() for l in sys.stdin if l.strip() and l.split()[0].replace(".","",1).isdigit()]
assert len(rows) == 5, rows
for r in rows:
    v, wv, pay, u = map(float, r[1:5])
    assert abs(3 * v - wv) < 1e-5 and abs(wv - pay - u) < 1e-5, r' < <("$bin" sweep --family alpha --steps 5 "$src/scenarios/default.yaml")
# coalitions: the joint lie of collusion.yaml pays both members under vcg; --coalition's
# JSON; best_pair is null with --no-coalitions; bad member lists are usage errors (2)
col="$src/scenarios/collusion.yaml"
check $py -c 'import json,sys; d=json.load(sys.stdin); c=d["coalition"]; assert c["members"] == ["Carols", "Alices"] and c["payment_rule"] == "vcg" and c["all_gain"] and c["gain"] > 1 and c["method"] == "search" and not c["exact"] and c["none"]["payment_rule"] == "none" and all(abs(s - 10) < 1e-6 for s in c["sizes"]) and "best_pair" not in d and max(g["best_response"]["gain"] for g in d["groups"]) <= 1e-9' < <("$bin" analyze --json --no-ibr --coalition Carols,Alices "$col")
check $py -c 'import json,sys; d=json.load(sys.stdin); assert d["best_pair"] is None' < <("$bin" analyze --json --no-ibr --no-coalitions "$col")
check grep -q "most profitable pair: Alices, Carols" <("$bin" analyze --no-ibr "$col")
check grep -q "every member gains" <("$bin" analyze --no-ibr --coalition Alices,Carols "$col")
for bad in Alices Alices,Nobody "Alices," Alices,Alices; do
	"$bin" analyze --coalition "$bad" "$col" >/dev/null 2>"$WORK_ERR"
	check test $? -eq 2
done
check grep -q "is named twice" "$WORK_ERR"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
