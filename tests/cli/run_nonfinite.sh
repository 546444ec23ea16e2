#!/usr/bin/env bash
# Non-finite numbers are never printed as results.  Over every divergence x
# payment rule x lambda of the documented range (1e-4 .. 1e4), `solve`
# (text and --json), `analyze --json` and `sweep --json` either succeed
# with no nan, inf or null number in their output, or exit non-zero with
# one clear line on stderr and nothing on stdout.  Lambdas the engine does
# not compute with are refused the same way.
set -uo pipefail
bin=${MT_BINARY:?set MT_BINARY}
src=${MT_SOURCE_DIR:?set MT_SOURCE_DIR}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The divergences as the binary's table lists them (solve --help), so that
# a new one is covered without editing this test.
divergences=$("$bin" solve --help | sed -n 's/.*override the divergence (\(.*\))$/\1/p' | tr -d ,)
[ -n "$divergences" ] || { echo "FAIL: no divergence list in 'solve --help'"; exit 1; }
payments="vcg none vcg_shifted checkpoint early_stop"

# check CMD...: run it; on success no non-number in stdout, on failure a
# single lowercase "mechtune CMD: ..." line on stderr and an empty stdout.
check() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	local st=$?
	# the only nulls that are not numbers: no menu, no noise, no ibr
	sed -E 's/"(candidate|noise|iterated)": null//g' "$tmp/out" >"$tmp/nums"
	local bad=
	if [ "$st" -eq 0 ]; then
		if grep -Eqiw -- '-?(nan|inf|infinity|null)' "$tmp/nums"; then
			bad="prints a non-number: $(grep -Eoiw -- '.{0,40}-?(nan|inf|infinity|null).{0,10}' "$tmp/nums" | head -1)"
		fi
	else
		if [ -s "$tmp/out" ]; then
			bad="failed (status $st) but printed to stdout"
		elif [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -Eq '^mechtune [a-z]+: [a-z]' "$tmp/err"; then
			bad="failed (status $st) without one clear line: $(head -c 300 "$tmp/err")"
		elif grep -Eqiw -- '-?(nan|inf|infinity)|\(success\)' "$tmp/err"; then
			bad="message prints a non-number: $(cat "$tmp/err")"
		fi
	fi
	if [ -n "$bad" ]; then
		echo "FAIL: $* $bad"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
	return "$st"
}

# must CMD...: check, and it must succeed
must() {
	if ! check "$@"; then
		echo "FAIL: $* must succeed: $(cat "$tmp/err")"
		fail=$((fail + 1))
	fi
}

# every shipped scenario under the rules that train, at the top of the
# range where the mirror ascent overflows first (the engine's unit
# test test_finite covers every combination without starting processes)
for f in "$src"/scenarios/*.yaml; do
	for d in $divergences; do
		for p in checkpoint early_stop; do
			check "$bin" solve "$f" --json --divergence "$d" --payment "$p" --lambda 1e4
		done
	done
done

# the default scenario: the whole range, text and JSON, and the analysis
def="$src/scenarios/default.yaml"
for d in $divergences; do
	for p in $payments; do
		for l in 1e-4 1e-2 1 5 100 1e4; do
			# exact payments and the log-domain kl training always work
			if [ "$p" = vcg ] || [ "$p" = none ] || [ "$p" = vcg_shifted ] || [ "$d" = kl ]; then
				must "$bin" solve "$def" --divergence "$d" --payment "$p" --lambda "$l"
			else
				check "$bin" solve "$def" --divergence "$d" --payment "$p" --lambda "$l"
			fi
		done
	done
	for p in vcg checkpoint early_stop; do
		for l in 5 1e4; do
			check "$bin" analyze "$def" --json --divergence "$d" --payment "$p" --lambda "$l"
		done
	done
	for p in vcg early_stop; do
		check "$bin" sweep "$def" --json --family lambda --steps 5 --divergence "$d" --payment "$p" --lambda 1e4
	done
done

# the reported case: reverse_kl, early_stop, lambda 5 fails with a way out
check "$bin" solve "$def" --json --divergence reverse_kl --payment early_stop --lambda 5
if [ $? -eq 0 ] || ! grep -q "lower training.step_size" "$tmp/err"; then
	echo "FAIL: reverse_kl early_stop lambda 5 should fail and name training.step_size: $(cat "$tmp/out" "$tmp/err")"
	fail=$((fail + 1))
fi

# lambdas the engine does not compute with: refused, never a number
for d in $divergences; do
	for l in 1.7e308 1e-300 4.9e-324; do
		check "$bin" solve "$def" --json --divergence "$d" --lambda "$l"
		if [ $? -eq 0 ]; then
			echo "FAIL: solve --divergence $d --lambda $l should be refused"
			fail=$((fail + 1))
		elif grep -q "larger lambda" "$tmp/err"; then
			echo "FAIL: lambda $l: $(cat "$tmp/err")"
			fail=$((fail + 1))
		fi
	done
done

echo "nonfinite: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
