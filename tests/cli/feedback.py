#!/usr/bin/env python3
"""feedback.py MECHTUNE SCENARIO [--payment P]: run `mechtune analyze --json`,
then feed every group's reported best response back into `mechtune solve
--json` (as that group's report in a copy of the scenario) and check that
solve gives exactly the utility analyze reported.  Also checks the JSON
contract of analyze.  Exit 1 on the first mismatch."""
import json
import subprocess
import sys
import tempfile

import yaml


def run(*args):
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def without_payment(args):
    """args without a "--payment P" pair."""
    out, skip = [], False
    for x in args:
        if skip:
            skip = False
        elif x == "--payment":
            skip = True
        else:
            out.append(x)
    return out


def main():
    binary, path = sys.argv[1], sys.argv[2]
    extra = sys.argv[3:]
    a = run(binary, "analyze", "--json", "--no-ibr", *extra, path)
    for key in ("dsic", "ir", "nonnegative_payments"):
        assert isinstance(a["checks"][key], bool), key
    with open(path) as f:
        sc = yaml.safe_load(f)
    for i, g in enumerate(a["groups"]):
        br = g["best_response"]
        for key in ("gain", "utility", "size", "rewards", "method"):
            assert key in br, key
        for kind in ("best_response", "best_rewards_only", "best_size_only"):
            assert g[kind]["method"] in ("exact", "search"), g[kind]["method"]
        assert abs(br["utility"] - g["truthful_utility"] - br["gain"]) <= 1e-9 * (1 + abs(br["utility"]))
        copy = dict(sc)
        copy["groups"] = [dict(x) for x in sc["groups"]]
        copy["groups"][i]["report"] = {"size": br["size"], "rewards": br["rewards"]}
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as tmp:
            yaml.safe_dump(copy, tmp)
            tmp.flush()
            s = run(binary, "solve", "--json", *extra, tmp.name)
        u = s["groups"][i]["utility"]
        if abs(u - br["utility"]) > 1e-9 * (1 + abs(u)):
            print(f"{path} group {g['name']}: analyze says {br['utility']!r}, solve gives {u!r}")
            sys.exit(1)
    # the most profitable pair (scenarios of 2..8 groups): every member's
    # reported joint report fed back at once, under the rule and under none
    pair = a["best_pair"]
    assert (pair is None) == (not 2 <= len(a["groups"]) <= 8), "best_pair"
    names = [g["name"] for g in sc["groups"]]
    for c, pay in ((pair, extra), (pair and pair["none"], ["--payment", "none"])):
        if c is None:
            continue
        for key in ("members", "gain", "all_gain", "exact", "method", "utilities_truthful",
                    "utilities", "sizes", "rewards"):
            assert key in c, key
        assert c["exact"] == (c["method"] == "exact") and c["gain"] >= 0
        assert abs(sum(c["utilities"]) - sum(c["utilities_truthful"]) - c["gain"]) <= 1e-9 * (
            1 + abs(sum(c["utilities"])))
        copy = dict(sc)
        copy["groups"] = [dict(x) for x in sc["groups"]]
        for j, name in enumerate(c["members"]):
            copy["groups"][names.index(name)]["report"] = {"size": c["sizes"][j],
                                                            "rewards": c["rewards"][j]}
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as tmp:
            yaml.safe_dump(copy, tmp)
            tmp.flush()
            s = run(binary, "solve", "--json", *without_payment(extra), *pay, tmp.name)
        for j, name in enumerate(c["members"]):
            u = s["groups"][names.index(name)]["utility"]
            if abs(u - c["utilities"][j]) > 1e-9 * (1 + abs(u)):
                print(f"{path} pair member {name}: analyze says {c['utilities'][j]!r}, solve gives {u!r}")
                sys.exit(1)
    print(f"{path} {' '.join(extra)}: {len(a['groups'])} best responses and the best pair reproduced by solve")


main()
