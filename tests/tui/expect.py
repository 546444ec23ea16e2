#!/usr/bin/env python3
"""expect.py SOLVE_JSON: print what the explorer must show for a solve, one
check per line: 'policy LABEL VALUE' and 'group NAME VALUATION W*V PAYMENT
UTILITY', numbers formatted as the explorer formats them (%.3f, -0 as 0)."""
import json
import sys


def fmt(v):
    if abs(v) < 5e-4:
        v = 0.0
    return "%.3f" % v


d = json.load(open(sys.argv[1]))
for label, p in zip(d["responses"], d["policy"]):
    print("policy", label, fmt(p))
for g in d["groups"]:
    print("group", g["name"], fmt(g["valuation"]), fmt(g["group_valuation"]),
          fmt(g["payment"]), fmt(g["utility"]))
