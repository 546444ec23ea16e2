#!/usr/bin/env bash
# `mechtune analyze`: the JSON contract, DSIC under vcg, profitable lies
# without payment, and every reported best response reproduced by `solve`.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${MT_BINARY:?set MT_BINARY}
src=${MT_SOURCE_DIR:?set MT_SOURCE_DIR}
py=/usr/bin/python3
pass=0 fail=0
check() {
	if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi
}
for f in default polarization majority_minority zero_minimum divergence_chi2 divergence_tv three_groups_soup; do
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
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
