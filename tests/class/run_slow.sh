#!/usr/bin/env bash
# Classroom mode: a client that never reads is dropped when its queue passes
# 4 MiB; the host goes on answering the others (tests/class/slow.py).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" && exec timeout 60 /usr/bin/python3 slow.py
