#!/usr/bin/env bash
# Cross-check: the KL golden scenarios solved by an independent Python/numpy
# implementation (bench/solve_numpy.py, run by Debian's python3 with
# python3-numpy) agree with `mechtune solve --json`.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${MT_BINARY:?set MT_BINARY}
src=${MT_SOURCE_DIR:?set MT_SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for yaml in "$here"/golden/kl_three_groups.yaml "$src"/scenarios/default.yaml; do
	"$bin" solve --json "$yaml" >"$tmp/c.json" &&
		/usr/bin/python3 "$src/bench/solve_numpy.py" "$yaml" >"$tmp/py.json" &&
		python3 "$here/jsoncmp.py" "$tmp/py.json" "$tmp/c.json" 1e-10
	if [ $? -eq 0 ]; then pass=$((pass + 1)); else echo "FAIL $yaml"; fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
