#!/usr/bin/env bash
# Classroom mode: `mechtune class join` in plain line mode (tests/class/join.py).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" && exec timeout 60 /usr/bin/python3 join.py
