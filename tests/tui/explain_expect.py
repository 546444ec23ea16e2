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
    print("w·v = %s × %s = %s " % (fmt(g["size"]), fmt(g["valuation"]), fmt(g["group_valuation"])))
    if d["payment_rule"] != "none":
        print("pay = pivot − ASW₋ᵢ(p*) = %s − %s = %s" % (fmt(g["payment"] + without), fmt(without),
                                                       fmt(g["payment"])))
    print("ASW₋ᵢ(p*) = ASW(p*) − w̃·⟨p*, r̃m⟩ = %s − %s × %s = %s" % (
        fmt(d["objective"]), fmt(rsize), fmt(dot), fmt(without)))
    print("u = w·v − pay = %s − %s = %s" % (fmt(g["group_valuation"]), fmt(g["payment"]),
                                           fmt(g["utility"])))
    print("u %s 0 %s" % (("≥", "✓") if g["utility"] >= -1e-9 * (1 + abs(g["utility"])) else ("<", "✗")))
    print()
