#!/usr/bin/env python3
"""expect.py SOLVE_JSON: print what the explorer must show for a solve, one
check per line: 'policy LABEL VALUE' and 'group NAME VALUATION W*V PAYMENT
UTILITY', numbers formatted as the explorer formats them (%.3f, -0 as 0, below
5e-4 as 1e-05)."""
import json
import sys


def fmt(v):
    if abs(v) < 1e-12:
        v = 0.0
    if v != 0.0 and abs(v) < 5e-4:
        return "%.0e" % v
    return "%.3f" % v


def fmt_fit(v, width=5, decimals=3):
    """The explorer's fmt_fit: probabilities in a 5-character column."""
    for d in range(decimals, -1, -1):
        s = "%.*f" % (d, v)
        if len(s) > width:
            continue
        if v == 0.0 or float(s) != 0.0:
            return s
        break
    for p in range(width, 1, -1):
        s = "%.*g" % (p, v)
        if len(s) <= width:
            return s
    return "%.0e" % v


d = json.load(open(sys.argv[1]))
for label, p in zip(d["responses"], d["policy"]):
    print("policy", label, fmt_fit(p))
for g in d["groups"]:
    print("group", g["name"], fmt(g["valuation"]), fmt(g["group_valuation"]),
          fmt(g["payment"]), fmt(g["utility"]))
