#!/usr/bin/env bash
# Coalitions on screen: the coalition lines show the numbers of `mechtune
# analyze --coalition A,B --json` (the default partner is best_pair's), C
# picks the next partner (pairs are named in index order), J plays the joint lie as one edit that one u
# undoes; at 120x40 and in presenter mode too; a mix of exact and search is
# named per rule; above 8 groups nothing is computed until C picks a
# partner.
. "$(dirname "$0")/lib.sh"

EXPECT="$MT_SOURCE_DIR/tests/tui/expect.py"
COLLUSION="$MT_SOURCE_DIR/scenarios/collusion.yaml"

# want FILE A,B: the two lines the explorer must show for that coalition.
want() {
	"$MT_BINARY" analyze "$1" --coalition "$2" --json >"$WORK/co.json" ||
		fail "mechtune analyze --coalition $2 failed"
	python3 "$EXPECT" --coalition "$WORK/co.json"
}

# check_lines FILE A,B: both lines are on the screen, as they are.
check_lines() {
	local l1 l2
	{
		read -r l1
		IFS= read -r l2
	} < <(want "$1" "$2")
	wait_for "$l1"
	screen | grep -qF -- "$l2" || fail "expected the members' line '$l2'"
}

# The default partner is the best pair's.
"$MT_BINARY" analyze "$COLLUSION" --json >"$WORK/all.json" || fail "analyze failed"
best=$(python3 -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["best_pair"]["members"]))' "$WORK/all.json")
[ "$best" = "Alices,Carols" ] || fail "best_pair of collusion.yaml is '$best'"

start 80 24 -- "$COLLUSION"
wait_idle
check_lines "$COLLUSION" Alices,Carols
assert_screen "(best partner)"
keys C
check_lines "$COLLUSION" Alices,Bobs
assert_not_screen "(best partner)"
keys C
check_lines "$COLLUSION" Alices,Carols
# J: both reports at once; the outcome's util is the coalition's.
keys J
wait_for "joint lie under vcg: util"
wait_idle
[ "$(screen | grep -cE '^  report ◆ +1\.000◆ +0\.000◆ +0\.000◆ +10\.00◆')" = 2 ] ||
	fail "the Alices and the Carols do not both report [1, 0, 0] at size 10"
util=$(python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["coalition"]["utilities"][0])' "$WORK/co.json")
[ "$(screen | grep -E '^Alices +[0-9]' | tail -n 1 | nums | sed -n 4p)" = "$util" ] ||
	fail "the Alices' util is not the joint lie's $util"
# the coalition's numbers do not depend on the members' own reports
check_lines "$COLLUSION" Alices,Carols
keys u
wait_for "undone (0 more)"
wait_idle
assert_not_screen "report ◆"
# Tab: the Carols' best partner is the Alices (a pair is named in index order).
keys Tab
sleep 0.2
check_lines "$COLLUSION" Alices,Carols
assert_screen "(best partner)"
keys C
check_lines "$COLLUSION" Carols,Bobs
keys C
check_lines "$COLLUSION" Alices,Carols
assert_not_screen "(best partner)"
keys q
wait_exit 0
stop

# 120x40, and presenter mode at both sizes.
for size in "120 40" "80 24 --presenter" "120 40 --presenter"; do
	set -- $size
	start "$1" "$2" -- ${3:-} "$COLLUSION"
	wait_idle
	check_lines "$COLLUSION" Alices,Carols
	keys q
	wait_exit 0
	stop
done

# The lesson: by hand first, then with C and J; at 80x24 the status line
# carries the coalition.
start 80 24 -- lesson collusion
wait_for "step 1 of 7"
wait_idle
keys Space
wait_for "step 2 of 7"
keys Down 1 Enter Right Right Right 1 0 Enter
wait_for "step 3 of 7"
keys Down Down 1 0 Enter Left Left Left 1 Enter
wait_for "step 4 of 7"
keys Space
wait_for "step 5 of 7"
keys T
wait_for "step 6 of 7"
wait_idle
for k in 1 2 3; do
	screen | grep -qF "coalition Alices+Carols: joint lie gains" && break
	keys C
	sleep 0.3
done
read -r l1 < <(want "$COLLUSION" Alices,Carols)
wait_for "${l1#coalition }"
keys J
wait_for "step 7 of 7"
assert_screen "takes both back in one step"
keys u
wait_for "undone"
assert_not_screen "report ◆"
keys q
wait_for "unsaved changes"
keys n
wait_exit 0
stop

# A group added: the pick (made with 3 groups) is void; undo brings it back.
start 120 40 -- "$COLLUSION"
wait_idle
keys C
check_lines "$COLLUSION" Alices,Bobs
keys a
wait_for "added 'group 4'"
keys Tab
wait_idle
wait_match "^coalition Alices\+[A-Za-z ]+: joint lie gains"
assert_screen "(best partner)"
keys u
wait_for "undone"
wait_idle
check_lines "$COLLUSION" Alices,Bobs
assert_not_screen "(best partner)"
keys q
wait_exit 0
stop

# tv: exact without payment, a search under vcg, each named.
TV="$MT_SOURCE_DIR/scenarios/divergence_tv.yaml"
names=$(python3 -c 'import json,sys; print(",".join(g["name"] for g in json.load(open(sys.argv[1]))["groups"]))' <("$MT_BINARY" solve --json "$TV"))
start 100 30 -- "$TV"
wait_idle
check_lines "$TV" "$names"
assert_screen "(none, exact) / "
keys q
wait_exit 0
stop

# Without payment only one gain is shown, and the members' line is under none.
sed 's/^payment: vcg$/payment: none/' "$COLLUSION" >"$WORK/collusion_none.yaml"
start 80 24 -- "$WORK/collusion_none.yaml"
wait_idle
check_lines "$WORK/collusion_none.yaml" Alices,Carols
line_of "coalition Alices+Carols" | grep -q " / " && fail "a second gain under none: $(line_of "coalition Alices")"
keys q
wait_exit 0
stop

# Above 8 groups: on demand only.
python3 - "$WORK/nine.yaml" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("mechtune: 1\nname: nine\nresponses: [a, b, c]\nreference: [0.3, 0.4, 0.3]\n"
            "normalization: sum\ndivergence: kl\nlambda: 1\npayment: vcg\nmax_size: 10\ngroups:\n")
    for k in range(9):
        r = [0.5, 0.3, 0.2] if k % 2 else [0.2, 0.3, 0.5]
        f.write("  - name: G%d\n    size: %d\n    rewards: %s\n" % (k, 1 + k % 3, r))
EOF
start 120 45 -- "$WORK/nine.yaml"
wait_idle
assert_screen "computed only on demand"
keys C
check_lines "$WORK/nine.yaml" G0,G1
keys C
check_lines "$WORK/nine.yaml" G0,G2
# An edit made on another group keeps the pick computed: back on G0 it shows.
keys Tab
wait_for "computed only on demand"
keys ']'
wait_for "λ = 1.1"
wait_idle
assert_screen "computed only on demand"
keys w
wait_for "saved"
keys BTab
check_lines "$WORK/nine.yaml" G0,G2
keys q
wait_exit 0
stop
echo PASS
