#!/usr/bin/env bash
# The plot view's cursor and ranges (issue 10): z sets a panel's range (the
# x axis follows), ← → move a cursor along the curve and the status line
# reads out u, w·v and pay there — the numbers of `mechtune sweep --json`
# over the same range; Enter makes the group report that misreport
# (undoable); f moves to the next panel; on λ, Enter sets λ; bad ranges are
# refused with the reason.
. "$(dirname "$0")/lib.sh"

file="$MT_SOURCE_DIR/scenarios/default.yaml"
fmt() { python3 -c 'import sys; v=float(sys.argv[1]); print("%.3f" % (0.0 if abs(v) < 1e-12 else v))' "$1"; }
row() { # row FAMILY FROM TO K FIELD
	"$MT_BINARY" sweep --json --family "$1" --from "$2" --to "$3" --steps 41 "$file" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["rows"][int(sys.argv[1])]; print(r[sys.argv[2]] if sys.argv[2] != "wv" else r["utility"] + r["payment"])' "$4" "$5"
}
start 80 24 -- "$file"
wait_idle
keys v
wait_for "max u at"
wait_idle
keys z
wait_for "alpha range (from to"
type_text "0.5 3"
keys Enter
wait_for "alpha plot from 0.5 to 3"
wait_idle
assert_screen "0.5 "
assert_screen "↵ apply"
# the cursor starts at the truth (alpha 1 = point 8 of 41); one step right
keys Right
wait_for "α = 1.062"
u=$(fmt "$(row alpha 0.5 3 9 utility)") p=$(fmt "$(row alpha 0.5 3 9 payment)") wv=$(fmt "$(row alpha 0.5 3 9 wv)")
assert_screen "α = 1.062: u $u  w·v $wv  pay $p  (Enter: report it)"
keys Enter
wait_for "Alices report the size-only misreport at alpha = 1.0625 (u undoes it)"
wait_idle
keys v
wait_for "Preferences"
screen | grep -E '^  report' | head -n 1 | grep -qE ' 3\.19' || fail "reported size is not 1.0625 x 3"
keys u
wait_gone "[+]"
# A bad range is refused and changes nothing.
keys v
wait_for "max u at"
keys z
wait_for "alpha range"
type_text "0 5"
keys Enter
wait_for "alpha and lambda must stay positive (the range is unchanged)"
# epsilon's panel: f f, a range to 0.1 (the axis ends there)
keys f f
wait_for "ε = 0:"
keys z
wait_for "epsilon range"
type_text "0 0.1"
keys Enter
wait_for "epsilon plot from 0 to 0.1"
wait_idle
keys Right Right
wait_for "ε = 0.005:"
keys Enter
wait_for "polarizing misreport at epsilon = 0.005"
wait_idle
keys u
wait_gone "[+]"
# lambda: Enter sets it
keys f
wait_for "λ = 0.5:"
keys Right
wait_for "Enter: set lambda to it"
keys Enter
wait_gone "λ=0.5 "
assert_screen "[+]"
stop
echo "plot cursor: ok"
