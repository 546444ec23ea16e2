#!/usr/bin/env bash
# End-to end: `mechtune solve --json` against bench/solve_numpy.py on the
# 64 x 4096 scenario, timed by hyperfine (apt-get install hyperfine
# python3-numpy python3-yaml).  Usage: bench/compare.sh BUILD_DIR
set -euo pipefail
build=${1:-build/release}
file=$(mktemp --suffix=.yaml)
trap 'rm -f "$file"' EXIT
"$build/bench_solve" --runs 1 --write "$file" >/dev/null
hyperfine -N --warmup 2 --runs 10 \
	"$build/mechtune solve --json $file" \
	"/usr/bin/python3 $(dirname "$0")/solve_numpy.py $file"
