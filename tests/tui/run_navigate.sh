#!/usr/bin/env bash
# Navigation in a big scenario (2 groups x 512 responses, 40 groups): End,
# Home, g, G, PgUp/PgDn and / reach any cell in a few keys (r511 is one End
# away, not 511 presses); panels that do not show all their rows say which
# they show ("506–512/512", "rows 1–10 of 81"); the mouse wheel moves the
# cursor; a click on the hint line presses that key.
. "$(dirname "$0")/lib.sh"

python3 - "$WORK/wide.yaml" "$WORK/tall.yaml" <<'PY'
import sys
def write(path, m, n):
    with open(path, "w") as f:
        f.write("mechtune: 1\nname: Big\nresponses: [%s]\n" % ", ".join("r%d" % k for k in range(m)))
        f.write("reference: [%s]\n" % ", ".join(["%r" % (1.0 / m)] * m))
        f.write("lambda: 1\ndivergence: kl\npayment: none\ngroups:\n")
        for g in range(n):
            r = [0.0] * m
            r[(g * 7) % m] = 1.0
            f.write("  - name: g%d\n    size: 1\n    rewards: [%s]\n" % (g, ", ".join(repr(x) for x in r)))
write(sys.argv[1], 512, 2)
write(sys.argv[2], 3, 40)
PY
"$MT_BINARY" check "$WORK/wide.yaml" >/dev/null || fail "wide.yaml does not load"
"$MT_BINARY" check "$WORK/tall.yaml" >/dev/null || fail "tall.yaml does not load"

start 80 24 -- "$WORK/wide.yaml"
wait_for "reference q"
wait_match "^1–[0-9]+/512 "
keys End
wait_match "^[0-9]+–512/512 "
wait_match "^[0-9]+–512/512 .* r511 "
# the policy panel follows the cursor and says which responses it shows
wait_match "^[0-9]+–512 of 512"
keys Home
wait_match "^1–[0-9]+/512 "
# / finds a response by name; / and Enter go to the next match
keys /
wait_for "search a group or response"
type_text "r300"
keys Enter
wait_for "response 'r300'"
wait_match "^[0-9]+–[0-9]+/512 .*r300 "
keys / Enter
wait_for "response 'r300'"
keys /
keys C-u
type_text "r30"
keys Enter
wait_for "response 'r301'"
keys N
wait_for "response 'r300'"
keys N
wait_for "response 'r30'"
keys /
keys C-u
type_text "g1"
keys Enter
wait_for "group 'g1'"
keys q
wait_exit 0
stop

start 80 24 -- "$WORK/tall.yaml"
wait_for "reference q"
wait_match "rows 1–[0-9]+ of 81"
keys G
wait_match "rows [0-9]+–81 of 81"
wait_match "^g39 "
# the outcome table shows its range instead of its title
wait_match "^[0-9]+–40/40 "
keys g
wait_match "rows 1–[0-9]+ of 81"
keys PageDown
wait_match "rows [2-9][0-9]*–[0-9]+ of 81"
keys PageUp
wait_match "rows 1–[0-9]+ of 81"
# the wheel: three rows per notch (an X10 report of button 5, the wheel down)
for _ in 1 2 3; do tm send-keys -t 0 -H 1b 5b 4d 61 30 30; done
wait_match "rows [2-9]–[0-9]+ of 81"
# the hint line is clickable: a click on "? help" presses ?
click() { tm send-keys -t 0 -H 1b 5b 4d 20 "$(printf %x $((32 + $1)))" "$(printf %x $((32 + $2)))" \
	1b 5b 4d 23 "$(printf %x $((32 + $1)))" "$(printf %x $((32 + $2)))"; }
click 1 24
wait_for "explorer keys"
keys x
wait_gone "explorer keys"
keys q
wait_exit 0
echo PASS
