#!/usr/bin/env bash
# Golden CLI tests: every tests/cli/golden/NAME.yaml is solved with
# `mechtune solve --json` (plus the flags in NAME.args, if any) and compared
# with NAME.json.  Regenerate with MT_REGEN=1 after checking the numbers.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${MT_BINARY:?set MT_BINARY}
fail=0 count=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for yaml in "$here"/golden/*.yaml; do
	name=${yaml%.yaml}
	args=()
	[ -f "$name.args" ] && read -r -a args <"$name.args"
	count=$((count + 1))
	if ! "$bin" solve --json "${args[@]}" "$yaml" >"$out"; then
		echo "FAIL $(basename "$name"): exit status $?"
		fail=$((fail + 1))
		continue
	fi
	if [ "${MT_REGEN:-0}" = 1 ]; then
		cp "$out" "$name.json"
	elif ! python3 "$here/jsoncmp.py" "$name.json" "$out"; then
		echo "FAIL $(basename "$name")"
		fail=$((fail + 1))
	fi
done
echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
