#!/usr/bin/env bash
# Install what is missing, build mechtune and open the explorer (on the
# embedded default scenario, or on the arguments given).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$(nproc)" >/dev/null
exec build/release/mechtune "$@"
