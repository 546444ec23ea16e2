#!/usr/bin/env bash
# Build mechtune and run the whole test suite through ctest: a release build
# with gcc, a clang build (both hardened: _FORTIFY_SOURCE=3 and
# -fstack-protector-strong), an ASan+UBSan build and a TSan build, each with
# -Werror; clang's static analyzer over the program's sources (any finding
# fails); and the clang-format check.  Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)

suite() {
	local name=$1; shift
	echo "=== $name ==="
	cmake -S . -B "build/$name" "$@" >/dev/null
	cmake --build "build/$name" -j"$jobs" -- --no-print-directory >/dev/null
	ctest --test-dir "build/$name" --output-on-failure -j"$jobs"
}

suite release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc
suite clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang
echo "=== analyze ==="
# the core, the explorer and the command line (the mechtune target), not the tests
cmake -S . -B build/analyze -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	-DMT_ANALYZE=ON >/dev/null
cmake --build build/analyze -j"$jobs" --target mechtune -- --no-print-directory >/dev/null
echo "clang static analyzer: no findings"
MT_TEST_SCALE=0.2 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	suite asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc -DMT_SANITIZE=address
MT_TEST_SCALE=0.2 TSAN_OPTIONS=halt_on_error=1 \
	suite tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc -DMT_SANITIZE=thread
echo "=== format ==="
scripts/format.sh --check
echo "all suites passed"
