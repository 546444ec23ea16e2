#!/usr/bin/env bash
# Hostile data in the explorer (run under ASan and TSan by scripts/test.sh):
# many groups, extreme rewards, sizes and lambda.  The screen never shows a
# non-finite number, keys keep acting while the solver works, and the
# explorer quits cleanly with the terminal restored.
. "$(dirname "$0")/lib.sh"

no_nonfinite() {
	! screen | grep -qiE '(^|[^a-z])(nan|inf|infinity)([^a-z]|$)' ||
		fail "a non-finite number is on the screen ($1)"
}

# 1. Many groups: 1500 groups of 5 responses.
python3 - "$WORK/many.yaml" <<'PY'
import random, sys
random.seed(3)
m, n = 5, 1500
with open(sys.argv[1], "w") as f:
    f.write("mechtune: 1\nname: many\nresponses: [a, b, c, d, e]\npayment: vcg\ngroups:\n")
    for g in range(n):
        r = [random.random() for _ in range(m)]
        s = sum(r)
        r = [x / s for x in r]
        r[-1] = 1 - sum(r[:-1])
        f.write(f"  - name: g{g}\n    size: {random.randint(1, 10)}\n"
                f"    rewards: [{', '.join(repr(x) for x in r)}]\n")
PY
"$MT_BINARY" check "$WORK/many.yaml" >/dev/null || fail "the many-groups scenario does not load"
start 80 24 -- "$WORK/many.yaml"
wait_match '^g0 +[0-9]'
for _ in $(seq 1 30); do keys j; done
keys x
wait_for "removed"
keys u
wait_for "undo"
tm resize-window -t 0 -x 40 -y 10
wait_for "too small"
tm resize-window -t 0 -x 80 -y 24
wait_match '^g[0-9]+ +[0-9]'
no_nonfinite "many groups"
keys q # the undo went back to the file: nothing to save
wait_exit 0
stop

# 2. Extreme values: rewards from 1e-300 to 1, sizes from 1e-6 to max_size
# 1e6, lambda at both ends of what the keys reach (1e-4 and 1e4).
cat >"$WORK/extreme.yaml" <<'EOF'
mechtune: 1
name: extreme
responses: [a, b, c]
reference: [1e-12, 0.5, 0.499999999999]
lambda: 0.0001
max_size: 1000000
payment: vcg
groups:
  - name: tiny
    size: 0.000001
    rewards: [1e-300, 1e-300, 1]
  - name: huge
    size: 1000000
    rewards: [1, 0, 0]
  - name: even
    size: 1
    rewards: [0.3333333333333333, 0.3333333333333333, 0.3333333333333334]
EOF
"$MT_BINARY" check "$WORK/extreme.yaml" >/dev/null || fail "the extreme scenario does not load"
for div in kl chi2 hellinger reverse_kl tv; do
	sed "s/^payment: vcg/payment: vcg\ndivergence: $div/" "$WORK/extreme.yaml" >"$WORK/extreme_$div.yaml"
	start 100 30 -- "$WORK/extreme_$div.yaml"
	wait_match '^tiny +[0-9-]'
	no_nonfinite "$div at lambda 1e-4"
	# Every cell shows its own value: a size of 1e6 used to read 100000
	# (cut to the column), 1e-6 read 0.00 and a reference of 1e-12 0.000.
	line_of "huge" | grep -qE -- ' 1e\+06$' || fail "size 1e6 of huge is not shown as 1e+06"
	line_of "tiny" | grep -qE -- '^tiny +1e-300 +1e-300 +1\.000 +1e-06$' ||
		fail "tiny's rewards and size are not shown as they are"
	screen | grep -qE -- '^reference q +1e-12 ' || fail "the reference 1e-12 is not shown"
	keys p b
	wait_for "lie"
	no_nonfinite "$div, a lie without payment"
	# up to lambda 1e4 by doubling, then back down
	for _ in $(seq 1 30); do keys '}'; done
	wait_for "= 1e+04"
	no_nonfinite "$div at lambda 1e4"
	for _ in $(seq 1 30); do keys '{'; done
	wait_for "= 0.0001"
	no_nonfinite "$div back at lambda 1e-4"
	keys q
	wait_for "unsaved changes"
	keys n
	wait_exit 0
	stop
done
echo PASS
