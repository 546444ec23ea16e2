"""Seats: wrong code, wrong version, full class, reconnect with the token, a
bot killed mid-round, the deadline, kick, and privacy (a student never sees
another seat's token, true data or report)."""
import time

from harness import Client, Host, bots, check, finish, stop

h = Host("--max-students", "2")
c = Client(h)
m = c.hello(h, code="WRONG1")
check(m and m["type"] == "error" and "wrong join code" in m["message"], f"wrong code: {m}")
check(c.recv(2) is None, "wrong code: connection closed")
c = Client(h)
m = c.hello(h, version=2)
check(m and "protocol version 2" in m["message"], f"version: {m}")

a, b = Client(h), Client(h)
wa = a.hello(h, name="Ann\x1b[2J")
wb = b.hello(h, name="Ann")
check(wa["type"] == "welcome" and wa["name"] == "Ann[2J", f"name cleaned: {wa.get('name')}")
check(wb["type"] == "welcome" and wb["group"] == "Bobs" and wb["table"] == 1, "seated in order")
c = Client(h)
m = c.hello(h, name="late")
check(m and "class is full" in m["message"], f"full class: {m}")

# privacy: what a sees never holds b's token, b's true rewards or b's report
allowed = {"type", "version", "token", "name", "table", "seat", "group", "scenario", "responses",
           "reference", "normalization", "divergence", "lambda", "max_size", "groups", "size",
           "rewards", "round", "active", "submitted"}
check(set(wa) <= allowed, f"welcome keys {set(wa) - allowed}")
check(wa["rewards"] == [0.1, 0.3, 0.6] and wa["size"] == 3, "a sees its own truth")
h.cmd("start none")
check(a.until("round")["rule"] == "none", "round message")
b.until("round")
a.send({"type": "report", "round": 1, "size": 10, "rewards": [0, 0, 1]})
check(a.until("accepted") is not None, "a accepted")
b.send({"type": "report", "round": 1, "size": 4.25, "rewards": [0.123456789, 0.5, 0.376543211]})
ra, rb = a.until("result"), b.until("result")
check(ra is not None and rb is not None, "both results")
check(set(ra) == {"type", "round", "rule", "policy", "lied", "size", "rewards", "valuation",
                  "payment", "utility", "truthful_utility", "gain"}, f"result keys {set(ra)}")
check(ra["lied"] and ra["gain"] > 0 and ra["size"] == 10, "a's lie")
for secret in (wb["token"], "0.123456789", "4.25", "0.376543211"):
    check(secret.encode() not in a.raw, f"a never sees {secret!r}")
check(wa["token"].encode() not in b.raw, "b never sees a's token")

# reconnect with the token, in an open round; the old connection is replaced
h.cmd("start vcg")
a.until("round")
a.close()
check(h.wait("left", lambda e: e["name"] == "Ann[2J") is not None, "left")
a2 = Client(h)
w2 = a2.hello(h, token=wa["token"])
check(w2["type"] == "welcome" and w2["seat"] == 1 and w2["name"] == "Ann[2J", "rejoined seat")
check(a2.until("round")["round"] == 2, "the open round is sent again")
check(h.wait("rejoined") is not None, "rejoined event")
# the same token from a second connection takes the seat over
a3 = Client(h)
w3 = a3.hello(h, token=wa["token"])
check(w3["type"] == "welcome" and w3["seat"] == 1, "takeover: welcome")
m = a2.until("error")
check(m is not None and "taken over" in m["message"], "takeover: the old connection is told")
check(a2.recv(2) is None, "takeover: the old connection is closed")
a2.close()
a2 = a3
check(a2.until("round", 2) is not None, "takeover: round sent again")
c = Client(h)
m = c.hello(h, token="0" * 32)
check(m and "unknown token" in m["message"], "unknown token")
a2.send({"type": "report", "round": 2, "size": 3, "rewards": [0.1, 0.3, 0.6]})
b.send({"type": "report", "round": 2, "size": 5, "rewards": [0.3, 0.5, 0.2]})
check(h.wait("round_closed", lambda e: e["round"] == 2) is not None, "round 2 closed")
r2 = a2.until("result")
check(r2 and not r2["lied"] and r2["gain"] == 0, "truthful report after reconnect")

# kick frees the seat; a bot killed mid-round; the round then closes with
# the others' reports and the killed seat tells the truth
h.cmd("kick Ann[2J")
check(a2.until("bye") is not None, "kicked student gets bye")
check(h.wait("left", lambda e: e["reason"] == "kicked") is not None, "left (kicked)")
h.cmd("kick nobody")
check(h.wait("error", lambda e: "nobody" in e["message"]) is not None, "kick nobody: error")
bot = bots(h, "--strategy", "polarize", "--delay", "20000", "--name", "slowbot")
check(h.wait("joined", lambda e: e["name"] == "slowbot") is not None, "bot took the free seat")
h.cmd("start none")
b.until("round", 3)
b.send({"type": "report", "round": 3, "size": 5, "rewards": [0.3, 0.5, 0.2]})
check(h.wait("submitted", lambda e: e["round"] == 3) is not None, "b submitted")
time.sleep(0.2)
check(h.wait("round_closed", lambda e: e["round"] == 3, timeout=0.3) is None,
      "round waits for the bot")
bot.kill()
ev = h.wait("round_closed", lambda e: e["round"] == 3)
check(ev is not None, "round closes when the killed bot's seat is away")
if ev:
    s = [x for x in ev["tables"][0]["seats"] if x["name"] == "slowbot"][0]
    check(not s["submitted"] and not s["lied"], "the killed bot's seat reported the truth")
stop(bot)
check(b.until("result", 3) is not None, "b has its result")

# the deadline: nobody submits, the round closes by itself
t0 = time.monotonic()
h.cmd("start vcg 1")
ev = h.wait("round_closed", lambda e: e["round"] == 4, timeout=4)
dt = time.monotonic() - t0
check(ev is not None and 0.9 < dt < 3, f"deadline closed the round after {dt:.2f} s")
r = b.until("result", 4)
check(r is not None and not r["lied"], "unsubmitted seat reported the truth")
h.cmd("close")
check(h.wait("error", lambda e: "no round" in e["message"]) is not None, "close with no round")
h.cmd("start nosuchrule")
check(h.wait("error", lambda e: "unknown payment rule" in e["message"]) is not None, "bad rule")
check(h.quit() == 0, "host quits cleanly")
import os
if os.environ.get("DEBUG"):
    [print(e) for e in h.events]
finish()
