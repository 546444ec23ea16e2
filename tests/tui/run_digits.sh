#!/usr/bin/env bash
# Rounding never hides meaning (issue 10, defect 5): on 512 responses the
# grid's small rewards show two significant digits (0.0017 and 0.0022, not
# 0.002 everywhere), and a positive probability never reads 0.000.
. "$(dirname "$0")/lib.sh"

python3 - "$AUX/wide.yaml" <<'PY'
import sys, yaml
m = 512
w = [1.0 + 0.3 * (k % 2) for k in range(m)]
s = sum(w)
yaml.safe_dump({"mechtune": 1, "name": "wide", "responses": ["r%d" % k for k in range(m)],
                "reference": [1 / m] * m, "normalization": "sum", "divergence": "kl",
                "lambda": 1, "payment": "vcg",
                "groups": [{"name": "A", "size": 1, "rewards": [x / s for x in w]},
                           {"name": "B", "size": 1, "rewards": [1 / m] * m}]},
               open(sys.argv[1], "w"))
PY
start 80 24 -- "$AUX/wide.yaml"
wait_idle
row=$(screen | grep -E '^A +0' | head -n 1)
case "$row" in *"0.0017  0.0022  0.0017"*) ;; *) fail "small rewards not told apart: '$row'" ;; esac
screen | grep -qE '^r[0-9]+ +0\.000 ' && fail "a positive probability reads 0.000"
stop
echo "digits: ok"
