#!/usr/bin/env python3
"""The reference Python/numpy job that `mechtune solve --json` is compared
with: load the scenario YAML, train the KL policy, compute every VCG payment
(leave-one-out pivots), print JSON.  Needs python3-yaml and python3-numpy."""
import json
import sys

import numpy as np
import yaml


def lse(lam, q, s):
    z = s / lam
    top = z.max()
    return lam * (top + np.log(np.sum(q * np.exp(z - top))))


def main(path):
    with open(path) as f:
        sc = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    q = np.array(sc["reference"], dtype=float)
    lam = float(sc["lambda"])
    groups = sc["groups"]
    R = np.array([g["rewards"] for g in groups], dtype=float)
    W = np.array([g["size"] for g in groups], dtype=float)
    Rr = np.array([g.get("report", {}).get("rewards", g["rewards"]) for g in groups], dtype=float)
    Wr = np.array([g.get("report", {}).get("size", g["size"]) for g in groups], dtype=float)
    S = Wr @ Rr
    z = S / lam
    p = q * np.exp(z - z.max())
    p /= p.sum()
    kl = float(np.sum(p * np.log(p / q)))
    objective = float(p @ S) - lam * kl
    out = []
    for i in range(len(groups)):
        Si = S - Wr[i] * Rr[i]
        pay = lse(lam, q, Si) - (float(p @ Si) - lam * kl)
        v = float(p @ R[i])
        out.append({"name": groups[i]["name"], "valuation": v, "group_valuation": W[i] * v,
                    "payment": pay, "utility": W[i] * v - pay})
    json.dump({"policy": p.tolist(), "objective": objective,
               "welfare": sum(g["group_valuation"] for g in out),
               "revenue": sum(g["payment"] for g in out), "groups": out}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
