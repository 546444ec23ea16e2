#!/usr/bin/env bash
# Classroom mode: hostile clients cannot crash, stall or change the host
# (tests/class/hostile.py).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" && exec timeout 60 /usr/bin/python3 hostile.py
