"""A round under none and under vcg with bots: the CSV's numbers equal
`mechtune solve` on the same reports, lies pay under none and not under vcg,
the events and the results agree."""
import csv
import json
import os
import subprocess
import tempfile

import yaml

from harness import BIN, DEFAULT, Host, bots, check, finish, stop

tmp = tempfile.mkdtemp()
res = os.path.join(tmp, "results, \"class\".csv")
HEADER = ("round,table,seat,group,name,payment_rule,submitted,lied,reported_size,"
          "reported_rewards,valuation,payment,utility,truthful_utility,gain,welfare,"
          "welfare_truthful\n")
with open(res, "w") as f:  # an existing file is appended to, never truncated
    f.write(HEADER + "0,kept\n")
h = Host("--results", res, "--max-students", "4")
b1 = bots(h, "--count", "2", "--strategy", "polarize", "--name", "Pol, \"x\"")
check(h.count("joined", 2), "two polarizing bots joined")
b2 = bots(h, "--count", "2", "--strategy", "truthful", "--name", "Tru")
check(h.count("joined", 4), "four bots joined")
for rnd, rule in ((1, "none"), (2, "vcg")):
    h.cmd(f"start {rule}")
    ev = h.wait("round_closed", lambda e: e["round"] == rnd, timeout=10)
    check(ev is not None, f"round {rnd} ({rule}) closed")
    if ev:
        check(len(ev["tables"]) == 2, "two tables")
        t1 = ev["tables"][0]
        gains = [s["gain"] for s in t1["seats"]]
        if rule == "none":
            check(all(s["lied"] for s in t1["seats"]), "polarizers lied")
            check(max(gains) > 0.05, f"a lie pays under none: {gains}")
            check(t1["welfare_lost"] == t1["welfare_truthful"] - t1["welfare"], "welfare lost")
            check(ev["average_gain_of_lying"]["none"] > 0, "average gain of lying")
        else:
            check(max(gains) <= 1e-9, f"no lie pays under vcg: {gains}")
        t2 = ev["tables"][1]
        check(all(not s["lied"] and s["gain"] == 0 for s in t2["seats"]), "truthful table")
        check(len(ev["leaderboard"]) == 4, "leaderboard has every student")
check(h.quit() == 0, "host quits cleanly")
b1.wait(timeout=5)
b2.wait(timeout=5)
check(b1.returncode == 0 and b2.returncode == 0, "bots end cleanly when the class ends")
out1, _ = stop(b1)
out2, _ = stop(b2)
results = [json.loads(l) for l in (out1 + out2).splitlines() if '"result"' in l]
check(len(results) == 8, f"every bot got both results ({len(results)})")

with open(res, newline="") as f:
    text = f.read()
check(text.startswith(HEADER + "0,kept\n"), "the results file was appended to")
rows = [r for r in csv.DictReader(text.splitlines(True)) if r["round"] != "0"]
check(len(rows) == 8, f"8 rows (2 rounds x 4 seats), got {len(rows)}")
check(sum(r["name"] == 'Pol, "x" 1' for r in rows) == 2, "names with commas/quotes round-trip")
base = yaml.safe_load(open(DEFAULT))


def solve(rule, reports, truthful=None):
    sc = json.loads(json.dumps(base))
    for g, (size, rw) in zip(sc["groups"], reports):
        if truthful != g["name"]:
            g["report"] = {"size": size, "rewards": rw}
    path = os.path.join(tmp, "s.yaml")
    with open(path, "w") as f:
        yaml.safe_dump(sc, f)
    out = subprocess.run([BIN, "solve", "--json", "--payment", rule, path], capture_output=True,
                         text=True, timeout=30)
    return json.loads(out.stdout)


by_table = {}
for r in rows:
    by_table.setdefault((r["round"], r["table"]), []).append(r)
for (rnd, table), rs in by_table.items():
    rs.sort(key=lambda r: int(r["seat"]))
    rule = rs[0]["payment_rule"]
    reports = [(float(r["reported_size"]), [float(x) for x in r["reported_rewards"].split()])
               for r in rs]
    d = solve(rule, reports)
    close = lambda a, b: abs(a - b) <= 1e-12 * (1 + abs(b))
    check(close(float(rs[0]["welfare"]), d["welfare"]), f"welfare {rnd}/{table}")
    for r, g in zip(rs, d["groups"]):
        check(r["group"] == g["name"], "group order")
        for k in ("valuation", "payment", "utility"):
            check(close(float(r[k]), g[k]), f"{k} of {r['name']} round {rnd} = solve's")
        t = solve(rule, reports, truthful=g["name"])
        tu = [x for x in t["groups"] if x["name"] == g["name"]][0]["utility"]
        check(close(float(r["truthful_utility"]), tu), f"truthful utility of {r['name']}")
        check(close(float(r["gain"]), float(r["utility"]) - tu), "gain")
    tw = solve(rule, [(g["size"], g["rewards"]) for g in base["groups"]])
    check(close(float(rs[0]["welfare_truthful"]), tw["welfare"]), "truthful welfare")

# `best` bots (a belief, not the others' data): under vcg the best response
# is the truth whatever the belief, under none it is a lie that pays
h = Host("--max-students", "2")
bb = bots(h, "--count", "2", "--strategy", "best", "--name", "Best")
check(h.count("joined", 2), "best bots joined")
for rnd, rule in ((1, "none"), (2, "vcg")):
    h.cmd(f"start {rule}")
    ev = h.wait("round_closed", lambda e: e["round"] == rnd, timeout=20)
    check(ev is not None, f"best bots: round {rule} closed")
    if ev:
        gains = [x["gain"] for x in ev["tables"][0]["seats"]]
        if rule == "none":
            check(min(gains) > 0.01, f"best bots gain under none: {gains}")
        else:
            check(max(abs(g) for g in gains) <= 1e-6, f"best bots: no gain under vcg {gains}")
check(h.quit() == 0, "host quits cleanly")
stop(bb)
finish()
