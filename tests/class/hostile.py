"""Hostile clients: garbage, a 1 MB line, NaN/overflowing/negative and
malformed reports, unknown types, a flood, a client that never reads, 500
connections opened and dropped.  The host stays up, changes nothing for a
bad message, and keeps serving the others."""
import socket
import time

from harness import Client, Host, check, finish

h = Host("--max-students", "8")
g1, g2 = Client(h), Client(h)
check(g1.hello(h, name="good1")["type"] == "welcome", "good1 joined")
check(g2.hello(h, name="good2")["type"] == "welcome", "good2 joined")


def error_of(c, raw):
    c.sendraw(raw)
    m = c.recv(3)
    return m["message"] if m and m.get("type") == "error" else repr(m)


# before hello: garbage and a non-hello message are refused and dropped
c = Client(h)
check("not JSON" in error_of(c, b"\x00\xff garbage {{{\n"), "garbage refused")
check(c.recv(2) is None, "garbage before hello: dropped")
c = Client(h)
check("first message must be hello" in error_of(c, b'{"type":"report"}\n'), "report first")
# a 1 MB line
c = Client(h)
try:
    c.sendraw(b"a" * (1 << 20))
except (BrokenPipeError, ConnectionResetError):
    pass
m = c.recv(3)
check(m is not None and "longer than 65536" in m.get("message", ""), f"1 MB line: {m}")
check(c.recv(2) is None, "1 MB line: dropped")

# a seated student: every bad report gets an error naming the problem and
# changes nothing; the connection stays
s = Client(h)
check(s.hello(h, name="mallory")["type"] == "welcome", "mallory joined")
h.cmd("start none")
for c in (g1, g2, s):
    c.until("round", 1)
bad = [
    (b'{"type":"report","round":1,"size":NaN,"rewards":[0.2,0.3,0.5]}\n', "not JSON"),
    (b'{"type":"report","round":1,"size":1e999,"rewards":[0.2,0.3,0.5]}\n', "not JSON"),
    (b'{"type":"report","round":1,"size":3,"rewards":[-0.1,0.6,0.5]}\n', "reward 1"),
    (b'{"type":"report","round":1,"size":-3,"rewards":[0.2,0.3,0.5]}\n', "size must be"),
    (b'{"type":"report","round":1,"size":0,"rewards":[0.2,0.3,0.5]}\n', "size must be"),
    (b'{"type":"report","round":1,"size":11,"rewards":[0.2,0.3,0.5]}\n', "at most 10"),
    (b'{"type":"report","round":1,"size":3,"rewards":[0.5,0.5,0.5]}\n', "sum to 1"),
    (b'{"type":"report","round":1,"size":3,"rewards":[0.5,0.5]}\n', "array of 3"),
    (b'{"type":"report","round":1,"size":"3","rewards":[0.2,0.3,0.5]}\n', "size"),
    (b'{"type":"report","round":1,"size":3,"rewards":[0.2,"x",0.5]}\n', "reward 2"),
    (b'{"type":"report","round":7,"size":3,"rewards":[0.2,0.3,0.5]}\n', "open round is 1"),
    (b'{"type":"report","round":1,"round":1,"size":3,"rewards":[0.2,0.3,0.5]}\n', "not JSON"),
    (b'{"type":"steal","seat":1}\n', "unknown message type"),
    (b'{"type":7}\n', "type"),
    (b'[1,2,3]\n', "JSON object"),
    (b'{"type":"hello","version":1,"code":"TEST42"}\n', "already joined"),
    (b"[" * 5000 + b"\n", "not JSON"),
]
for raw, want in bad:
    got = error_of(s, raw)
    check(want in got, f"{raw[:60]!r}: {got}")
    time.sleep(0.06)  # stay under the message rate
check(h.wait("submitted", lambda e: e["name"] == "mallory", timeout=0.2) is None,
      "no bad report was accepted")
# a flood past the rate limit drops the connection
f = Client(h)
f.hello(h, name="flood")
f.sendraw(b'{"type":"ping"}\n' * 100)
msgs = []
while (m := f.recv(2)) is not None:
    msgs.append(m)
check(any("messages in a second" in m.get("message", "") for m in msgs), "flood: rate error")
check(h.wait("left", lambda e: e["name"] == "flood") is not None, "flood: dropped")

# a client that joins and never reads, with a tiny receive buffer
slow = socket.socket()
slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
slow.connect(("127.0.0.1", h.port))
slow.sendall(b'{"type":"hello","version":1,"code":"TEST42","name":"slow"}\n')
check(h.wait("joined", lambda e: e["name"] == "slow") is not None, "slow joined")

# 500 connections opened (some refused: too many pending), half with a
# partial line, then dropped
socks = []
for i in range(500):
    try:
        k = socket.create_connection(("127.0.0.1", h.port), timeout=2)
        if i % 2:
            k.sendall(b'{"type":"hel')
        socks.append(k)
    except OSError:
        pass
for k in socks:
    k.close()
check(len(socks) >= 400, f"opened {len(socks)} connections")
check(h.alive(), "host alive after the 500 connections")

# the good students still play: the round closes with their reports once
# mallory and slow (away or not) have reported
s.send({"type": "report", "round": 1, "size": 3, "rewards": [0.2, 0.3, 0.5]})
slow.sendall(b'{"type":"report","round":1,"size":3,"rewards":[0.1,0.3,0.6]}\n')
g1.send({"type": "report", "round": 1, "size": 10, "rewards": [0, 0, 1]})
g2.send({"type": "report", "round": 1, "size": 5, "rewards": [0.3, 0.5, 0.2]})
ev = h.wait("round_closed", lambda e: e["round"] == 1, timeout=5)
check(ev is not None, "round closed with the good students' reports")
r1 = g1.until("result", 1)
check(r1 is not None and r1["lied"] and r1["size"] == 10, "good1 has its result")
c = Client(h)
check(c.hello(h, name="after")["type"] == "welcome", "a new student can still join")
check(h.alive(), "host alive")
check(h.quit() == 0, "host quits cleanly")
finish()
