#!/usr/bin/env bash
# Classroom mode: a round under none and under vcg with bots; the CSV equals
# `mechtune solve` on the same reports (tests/class/round.py).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" && exec timeout 60 /usr/bin/python3 round.py
