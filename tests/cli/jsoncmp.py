#!/usr/bin/env python3
"""jsoncmp.py EXPECTED ACTUAL [REL_TOL]: compare two JSON documents, numbers
with a relative tolerance (default 1e-12, absolute floor 1e-12), keys listed
in EXPECTED must exist in ACTUAL with equal values.  Exit 1 with a path to
the first difference."""
import json
import sys


def cmp(a, b, path, tol):
    if isinstance(a, dict):
        if not isinstance(b, dict):
            return f"{path}: expected an object"
        for k in a:
            if k not in b:
                return f"{path}.{k}: missing"
            r = cmp(a[k], b[k], f"{path}.{k}", tol)
            if r:
                return r
        return None
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return f"{path}: expected a list of {len(a)}"
        for i, (x, y) in enumerate(zip(a, b)):
            r = cmp(x, y, f"{path}[{i}]", tol)
            if r:
                return r
        return None
    if isinstance(a, (int, float)) and not isinstance(a, bool):
        if not isinstance(b, (int, float)) or isinstance(b, bool):
            return f"{path}: expected a number, got {b!r}"
        if abs(a - b) > tol * max(1.0, abs(a)):
            return f"{path}: expected {a!r}, got {b!r}"
        return None
    return None if a == b else f"{path}: expected {a!r}, got {b!r}"


def main():
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-12
    with open(sys.argv[1]) as f:
        exp = json.load(f)
    with open(sys.argv[2]) as f:
        act = json.load(f)
    r = cmp(exp, act, "$", tol)
    if r:
        print(r)
        sys.exit(1)


main()
