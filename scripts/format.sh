#!/usr/bin/env bash
# Format the C sources with the root .clang-format; --check only reports.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null || find src include tests bench -name '*.[ch]')
[ ${#files[@]} -eq 0 ] && exit 0
if [ "${1:-}" = "--check" ]; then
	clang-format --dry-run --Werror "${files[@]}"
else
	clang-format -i "${files[@]}"
fi
