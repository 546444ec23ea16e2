"""Helpers of the classroom-mode tests: a headless host driven through its
stdin/stdout, raw protocol clients, bots.  Every wait is bounded in time."""
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time

BIN = os.environ["MT_BINARY"]
SRC = os.environ["MT_SOURCE_DIR"]
DEFAULT = os.path.join(SRC, "scenarios", "default.yaml")
failures = []
checks = [0]


def check(cond, what):
    checks[0] += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


def finish():
    print(f"{checks[0]} checks, {len(failures)} failed", flush=True)
    sys.exit(1 if failures else 0)


class Host:
    def __init__(self, *args, scenario=DEFAULT, code="TEST42"):
        self.p = subprocess.Popen([BIN, "class", "host", scenario, "--headless", "--port", "0",
                                   "--code", code, *args],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        self.events = []
        self.q = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()
        ev = self.wait("listening", timeout=5)
        assert ev, "host did not start: " + self.p.stderr.read()
        self.port = ev["port"]
        self.code = code
        self.addr = f"127.0.0.1:{self.port}"

    def _drain(self):
        """Read the host's stdout all the time, so the host never waits on it."""
        for line in self.p.stdout:
            self.q.put(json.loads(line))
        self.q.put(None)

    def _read(self, timeout):
        try:
            e = self.q.get(timeout=max(timeout, 0))
        except queue.Empty:
            return False
        if e is None:
            self.q.put(None)
            return False
        self.events.append(e)
        while True:
            try:
                e = self.q.get_nowait()
            except queue.Empty:
                return True
            if e is None:
                self.q.put(None)
                return True
            self.events.append(e)

    def wait(self, name, pred=lambda e: True, timeout=5.0, start=0):
        """The first event `name` satisfying pred (from index start), or None."""
        end = time.monotonic() + timeout
        seen = start
        while True:
            for e in self.events[seen:]:
                if e.get("event") == name and pred(e):
                    return e
            seen = len(self.events)
            left = end - time.monotonic()
            if left <= 0 or not self._read(min(left, 0.5)) and self.p.poll() is not None:
                return None

    def count(self, name, n, timeout=5.0):
        end = time.monotonic() + timeout
        while sum(e.get("event") == name for e in self.events) < n:
            left = end - time.monotonic()
            if left <= 0:
                return False
            self._read(min(left, 0.5))
        return True

    def cmd(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def alive(self):
        return self.p.poll() is None

    def quit(self):
        try:
            self.cmd("quit")
        except BrokenPipeError:
            pass
        try:
            self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        while self._read(0.2):
            pass
        return self.p.returncode


class Client:
    """A raw protocol client (what a hostile or a careful student sends)."""

    def __init__(self, host):
        self.s = socket.create_connection(("127.0.0.1", host.port), timeout=5)
        self.buf = b""
        self.raw = b""  # every byte received, for the privacy checks

    def send(self, obj):
        self.sendraw((json.dumps(obj) + "\n").encode())

    def sendraw(self, data):
        self.s.sendall(data)

    def hello(self, host, name=None, token=None, code=None, version=1):
        msg = {"type": "hello", "version": version, "code": code or host.code}
        if name is not None:
            msg["name"] = name
        if token is not None:
            msg["token"] = token
        self.send(msg)
        return self.recv()

    def recv(self, timeout=5.0):
        """The next message, or None at EOF/timeout."""
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                return None
            if not d:
                return None
            self.buf += d
            self.raw += d
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def until(self, type_, round_=None, timeout=5.0):
        """The next message of type_ (of round round_ when given)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = self.recv(end - time.monotonic())
            if m is None:
                return None
            if m.get("type") == type_ and (round_ is None or m.get("round") == round_):
                return m
        return None

    def close(self):
        self.s.close()


def bots(host, *args):
    return subprocess.Popen([BIN, "class", "bot", host.addr, "--code", host.code, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop(proc):
    if proc.poll() is None:
        proc.kill()
    out, err = proc.communicate(timeout=5)
    return out, err
