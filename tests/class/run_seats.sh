#!/usr/bin/env bash
# Classroom mode: join code, version, full class, reconnect with token, kick,
# a bot killed mid-round, the deadline, privacy (tests/class/seats.py).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" && exec timeout 60 /usr/bin/python3 seats.py
