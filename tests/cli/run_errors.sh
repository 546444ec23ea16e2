#!/usr/bin/env bash
# The command line's contract for bad input: one clear line, exit status 2.
set -uo pipefail
bin=${MT_BINARY:?set MT_BINARY}
src=${MT_SOURCE_DIR:?set MT_SOURCE_DIR}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect STATUS PATTERN CMD...: exit status and a line of stderr/stdout matching PATTERN
expect() {
	local want=$1 pattern=$2; shift 2
	"$@" >"$tmp/out" 2>&1
	local got=$?
	if [ "$got" -ne "$want" ] || ! grep -Eq -- "$pattern" "$tmp/out"; then
		echo "FAIL: $* -> status $got (want $want), output:"; sed 's/^/  /' "$tmp/out"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

expect 0 '^usage: mechtune' "$bin" --help
expect 0 '^mechtune [0-9]+\.[0-9]+' "$bin" --version
expect 0 '^usage: mechtune solve' "$bin" solve --help
expect 0 '^usage: mechtune check' "$bin" check --help
expect 2 "unknown option '--frobnicate'" "$bin" solve --frobnicate "$src/scenarios/default.yaml"
expect 2 "unknown option '--bogus'" "$bin" --bogus
# grouped short options, values given to flags, and typos of commands are named as typed
expect 2 "solve: unknown option '-x'" "$bin" solve -xy "$src/scenarios/default.yaml"
expect 2 "option '--json' takes no value, got '--json=foo'" "$bin" solve --json=foo "$src/scenarios/default.yaml"
expect 2 "unknown option '--lambdax'" "$bin" solve --lambdax=3 "$src/scenarios/default.yaml"
expect 2 "^mechtune: unknown command 'frobnicate' \(commands: solve, analyze" "$bin" frobnicate
# a path of any length is named whole in an error (long paths used to be cut at 511 bytes)
long="$tmp/$(printf 'd%.0s' {1..200})/$(printf 'e%.0s' {1..200})/$(printf 'f%.0s' {1..200})"
mkdir -p "$long" && printf 'name: [\n' >"$long/broken.yaml"
expect 2 "^$long/broken.yaml:2:1: yaml syntax error" "$bin" check "$long/broken.yaml"
expect 2 "needs a value" "$bin" solve "$src/scenarios/default.yaml" --lambda
expect 2 "missing scenario FILE" "$bin" solve
expect 2 "unknown divergence 'nope' \(use one of: kl, chi2" "$bin" solve --divergence nope "$src/scenarios/default.yaml"
expect 2 "unknown payment rule 'cash'" "$bin" solve --payment cash "$src/scenarios/default.yaml"
expect 2 "--lambda needs a positive number, got '-1'" "$bin" solve --lambda -1 "$src/scenarios/default.yaml"
expect 2 "--lambda needs a positive number, got 'abc'" "$bin" solve --lambda abc "$src/scenarios/default.yaml"
expect 2 "--epsilon needs a positive number, got '-1'" "$bin" analyze --epsilon -1 "$src/scenarios/default.yaml"
expect 2 "--rounds needs an integer" "$bin" analyze --rounds 0.5 "$src/scenarios/default.yaml"
expect 0 '^usage: mechtune analyze' "$bin" analyze --help
expect 0 '^usage: mechtune sweep' "$bin" sweep --help
expect 2 "nonexistent.yaml" "$bin" check "$tmp/nonexistent.yaml"
expect 0 "ok \(3 responses, 2 groups\)" "$bin" check "$src/scenarios/default.yaml"
for f in "$src"/scenarios/*.yaml; do
	expect 0 ": ok" "$bin" check "$f"
done
printf 'mechtune: 1\nname: x\nresponses: [a, b]\nlambda: 0\ngroups:\n  - name: g\n    size: 1\n    rewards: [0.5, 0.5]\n' >"$tmp/bad.yaml"
expect 2 "^$tmp/bad.yaml:4:9: " "$bin" solve "$tmp/bad.yaml"
# the explorer refuses a file that does not load with the same status (before it needs a terminal)
expect 2 "$tmp/bad.yaml:4:9: " "$bin" "$tmp/bad.yaml"
expect 2 "nonexistent.yaml" "$bin" "$tmp/nonexistent.yaml"
expect 2 "unknown lesson" "$bin" lesson nosuch
# overrides are applied
expect 0 '"divergence": "chi2"' "$bin" solve --json --divergence chi2 "$src/scenarios/default.yaml"
expect 0 '"revenue": 0,' "$bin" solve --json --payment none "$src/scenarios/default.yaml"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
