#!/usr/bin/env bash
# While a stage runs the header says what runs, how far it is and for how
# long: "best responses 12/128 2.3 s" on a 64 x 4096 scenario (two analyses
# of 64 groups under vcg); the count grows and never passes its total.
. "$(dirname "$0")/lib.sh"

: "${MT_BUILD_DIR:?set MT_BUILD_DIR to the build directory}"
big="$WORK/big.yaml"
"$MT_BUILD_DIR/bench_solve" --runs 1 --write "$big" >/dev/null || fail "cannot write $big"
n=64 # bench_solve writes 64 groups x 4096 responses
start 100 30 -- "$big"
wait_match "best responses [0-9]+/$((2 * n)) [0-9]+\.[0-9] s" 60
first=$(screen | grep -oE "best responses [0-9]+/" | head -n 1 | grep -oE "[0-9]+")
sleep 1.5
line=$(screen | grep -oE "(best responses [0-9]+/[0-9]+ [0-9.]+ s|up to date|noisy|coalitions)" | head -n 1)
case "$line" in
"best responses "*)
	now=$(echo "$line" | grep -oE "[0-9]+/" | grep -oE "[0-9]+")
	[ "$now" -ge "$first" ] || fail "the count went back: $first then $now"
	[ "$now" -le $((2 * n)) ] || fail "the count passed its total: $line"
	;;
"") fail "the header lost the progress: $(screen | head -n 1)" ;;
esac
keys q
wait_exit 0
echo PASS
