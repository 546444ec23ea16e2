#!/usr/bin/env python3
"""expect.py SOLVE_JSON: print what the explorer must show for a solve, one
check per line: 'policy LABEL VALUE' and 'group NAME VALUATION W*V PAYMENT
UTILITY', numbers formatted as the explorer formats them (%.3f, -0 as 0, below
5e-4 as 1e-05).

expect.py --coalition ANALYZE_JSON [KEY] [ARROW]: the two coalition lines
the explorer shows for the "coalition" (or KEY, e.g. best_pair) object of
`mechtune analyze --json` (view_coalition.c)."""
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
    import math
    if v != 0.0 and abs(v) < 0.01:
        decimals = max(decimals, math.ceil(-math.log10(abs(v))) + 1)
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


def fmt_gain(v):
    """view_coalition.c's fmt_gain (the outcome table's)."""
    if v != 0.0 and abs(v) < 5e-4:
        s = "%+.0e" % v
    elif abs(v) < 100.0:
        s = "%+.3f" % v
    else:
        s = "%+.3g" % v
    return s


def method(c):
    return "exact" if c["method"] == "exact" else "~search"


def coalition(path, key, arrow):
    c = json.load(open(path))[key]
    none, rule = c["none"], c
    names = "+".join(c["members"])
    has_rule = rule["payment_rule"] != "none"
    same = not has_rule or method(rule) == method(none)
    line = "coalition %s: joint lie gains %s (none%s)" % (
        names, fmt_gain(none["gain"]), "" if same else ", " + method(none))
    if has_rule:
        line += " / %s (%s%s)" % (fmt_gain(rule["gain"]), rule["payment_rule"],
                                  "" if same else ", " + method(rule))
    if same:
        line += " " + method(none)
    print(line)
    shown = rule if has_rule else none
    line = "  under %s" % shown["payment_rule"]
    for name, t, u in zip(c["members"], shown["utilities_truthful"], shown["utilities"]):
        line += "  %s %s%s%s" % (name, fmt(t), arrow, fmt(u))
    print(line)


if sys.argv[1] == "--coalition":
    coalition(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "coalition",
              sys.argv[4] if len(sys.argv) > 4 else "→")
    sys.exit(0)

d = json.load(open(sys.argv[1]))
for label, p in zip(d["responses"], d["policy"]):
    print("policy", label, fmt_fit(p))
for g in d["groups"]:
    print("group", g["name"], fmt(g["valuation"]), fmt(g["group_valuation"]),
          fmt(g["payment"]), fmt(g["utility"]))
