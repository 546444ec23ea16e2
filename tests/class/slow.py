"""A client that joins and never reads, on a scenario whose messages are
large (20000 responses): once its queue passes 4 MiB it is dropped, while
the host keeps answering a good student at once."""
import os
import socket
import tempfile
import time

import yaml

from harness import Client, Host, check, finish

m = 20000
sc = {"mechtune": 1, "name": "Wide", "responses": [f"r{i}" for i in range(m)],
      "reference": [1.0 / m] * m, "normalization": "max", "divergence": "kl", "lambda": 1,
      "payment": "vcg", "max_size": 10,
      "groups": [{"name": "A", "size": 1, "rewards": [1.0] + [0.5] * (m - 1)},
                 {"name": "B", "size": 2, "rewards": [0.25] * (m - 1) + [1.0]}]}
path = os.path.join(tempfile.mkdtemp(), "wide.yaml")
with open(path, "w") as f:
    yaml.safe_dump(sc, f)
h = Host("--max-students", "3", scenario=path)
slow = socket.socket()
slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
slow.connect(("127.0.0.1", h.port))
slow.sendall(b'{"type":"hello","version":1,"code":"TEST42","name":"slow"}\n')
check(h.wait("joined", lambda e: e["name"] == "slow") is not None, "slow joined")
g = Client(h)
g.send({"type": "hello", "version": 1, "code": h.code, "name": "good"})
w = g.recv(10)
check(w and w["type"] == "welcome", "good joined")
dropped = None
for r in range(1, 30):
    h.cmd("start none")
    h.cmd("close")
    check(g.until("result", r, timeout=10) is not None, f"good has result {r} at once")
    dropped = h.wait("left", lambda e: e["name"] == "slow", timeout=0.01)
    if dropped:
        break
check(dropped is not None and "output buffer full" in dropped["reason"],
      f"the reader that never reads is dropped: {dropped}")
check(h.quit() == 0, "host quits cleanly")

finish()
