#!/usr/bin/env python3
"""explain_expect.py SOLVE_JSON SCENARIO_YAML: the explain view's lines for
every group, one group per paragraph, computed from `mechtune solve --json`
and the scenario's own numbers (ASW_-i(p*) = objective - w~ <p*, rm~>), in
the explorer's number format (expect.py)."""
import json
import sys

import yaml



def fmt(v):
    """doc_fmt_num: noise below 1e-12 is 0, tiny values as 1e-05."""
    if abs(v) < 1e-12:
        v = 0.0
    if v != 0.0 and abs(v) < 5e-4:
        return "%.0e" % v
    if abs(v) < 100.0:
        return "%.3f" % v
    if abs(v) < 100000.0:
        return "%.1f" % v
    return "%.3g" % v


def num(v, d):
    return fmt(v) if d < 0 else "%.*f" % (d, v)


def rel(kind, v, r):
    """view_explain.c's ex_rel: the fewest decimals (3 to 6) at which the
    line adds up as written, else doc_fmt_num's numbers and an approximate
    sign."""
    ev = {"-": lambda x: x[0] - x[1], "x": lambda x: x[0] * x[1],
          "-x": lambda x: x[0] - x[1] * x[2]}[kind]
    shows = lambda d: num(ev([float(num(x, d)) for x in v]), d) == num(r, d)
    plain = all(abs(x) < 100 and (x == 0 or abs(x) >= 5e-4) for x in list(v) + [r])
    d = next((t for t in range(3, 7) if plain and shows(t)), -1)
    eq = "=" if d >= 0 or shows(-1) else "≈"
    a = [num(x, d) for x in v]
    if kind == "-x":
        return "%s − %s × %s %s %s" % (a[0], a[1], a[2], eq, num(r, d))
    return "%s %s %s %s %s" % (a[0], "−" if kind == "-" else "×", a[1], eq, num(r, d))


d = json.load(open(sys.argv[1]))
sc = yaml.safe_load(open(sys.argv[2]))
resp = d["responses"]
for g, spec in zip(d["groups"], sc["groups"]):
    rew = spec["rewards"]
    rewards = [rew[r] for r in resp] if isinstance(rew, dict) else rew
    rep = spec.get("report", {}) or {}
    reported = rep.get("rewards", rewards)
    if isinstance(reported, dict):
        reported = [reported[r] for r in resp]
    rsize = g["reported_size"]
    dot = sum(p * r for p, r in zip(d["policy"], reported))
    without = d["objective"] - rsize * dot
    print("v = ⟨p*, rm⟩ = %s " % fmt(g["valuation"]))
    print("w·v = %s " % rel("x", (g["size"], g["valuation"]), g["group_valuation"]))
    if d["payment_rule"] != "none":
        print("pay = pivot − ASW₋ᵢ(p*) = %s" % rel("-", (g["payment"] + without, without),
                                                 g["payment"]))
    # its numbers go on a line of their own when the line is too long
    print("ASW₋ᵢ(p*) = ASW(p*) − w̃·⟨p*, r̃m⟩")
    print("= %s" % rel("-x", (d["objective"], rsize, dot), without))
    print("u = w·v − pay = %s" % rel("-", (g["group_valuation"], g["payment"]), g["utility"]))
    print("u %s 0 %s" % (("≥", "✓") if g["utility"] >= -1e-9 * (1 + abs(g["utility"])) else ("<", "✗")))
    print()
