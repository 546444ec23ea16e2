"""`mechtune class join` in line mode: the student sees their own truth, a
bad line is refused with the reason, a lie's gain is reported."""
import subprocess

from harness import BIN, Host, bots, check, finish, stop

h = Host("--max-students", "2")
j = subprocess.Popen([BIN, "class", "join", h.addr, "--code", h.code, "--name", "Ann"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     text=True)
check(h.wait("joined", lambda e: e["name"] == "Ann") is not None, "join joined")
b = bots(h, "--strategy", "truthful")
check(h.count("joined", 2), "bot joined")
h.cmd("start none")
j.stdin.write("oops\n0.5 0.5 0.5 0.5\n10 0 0 1\n")
j.stdin.flush()
check(h.wait("round_closed", timeout=5) is not None, "round closed")
check(h.quit() == 0, "host quits cleanly")
out, err = j.communicate(timeout=5)
stop(b)
check("playing Alices (size 3)" in out, "own group shown")
check("refuse 0.1 hedge 0.3 answer 0.6" in out, "own truth shown")
check("one number per response" in out, "a line that is no report is refused")
check("rewards must sum to 1" in out, "an unnormalized report is refused with the reason")
check("your report gained +0.6152" in out, f"the gain of the lie: {out[-300:]}")
check('"event"' not in out, "no JSON for a person")
check(j.returncode == 0, f"join ends cleanly when the class ends: {err}")
finish()
