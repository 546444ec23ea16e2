#!/usr/bin/env bash
# The teacher's class panel (`mechtune class host FILE` without --headless),
# driven by `mechtune class bot` processes on loopback: the bots show up at
# their table, a round under vcg counts the submissions and closes, the
# panel's numbers are the results CSV's (rounded to 4 decimals), a round
# under none marks the lie and the per-rule line averages the lies' gains,
# kick frees a seat, quit asks while a round is open.  Then many bots at
# 80x24 scroll, and 120x40 shows all.  Every wait is bounded (lib.sh).
. "$(dirname "$0")/lib.sh"

BOTS=()
end_bots() {
	local p
	for p in "${BOTS[@]}"; do kill "$p" 2>/dev/null; done
	BOTS=()
}
trap 'end_bots; cleanup' EXIT INT TERM
bot() { # bot NAME STRATEGY [more options]
	local name=$1 strat=$2
	shift 2
	"$MT_BINARY" class bot "$ADDR" --code ABC234 --name "$name" --strategy "$strat" "$@" \
		>"$AUX/bot-$name.log" 2>&1 </dev/null &
	BOTS+=($!)
}
# wait_pid PID: it ended within the timeout
wait_pid() {
	local end=$((SECONDS + TIMEOUT))
	while kill -0 "$1" 2>/dev/null; do
		[ $SECONDS -le $end ] || fail "process $1 did not end"
		sleep 0.05
	done
}
# csv_rows ROUND: "name utility truthful gain lied" per seat, 4 decimals
csv_rows() {
	python3 - "$AUX/results.csv" "$1" <<'EOF'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["round"] == sys.argv[2] and r["name"]:
        f = lambda k: "%.4f" % float(r[k]) if abs(float(r[k])) >= 5e-5 else "0.0000"
        g = "%+.4f" % float(r["gain"]) if abs(float(r["gain"])) >= 5e-5 else "+0.0000"
        print(r["name"], f("utility"), f("truthful_utility"), g, r["lied"], sep="\t")
EOF
}
check_round() { # the seat rows of round $1 carry the CSV's numbers
	local n=0 name u tu g lied line
	while IFS=$'\t' read -r name u tu g lied; do
		n=$((n + 1))
		line=$(line_of "  $name ") || true
		[ -n "$line" ] || fail "no row for $name"
		echo "$line" | grep -qE -- " $u +$tu +[+]?${g/+/\\+}\$" ||
			fail "round $1, $name: expected u $u, u@truth $tu, gain $g in '$line'"
		if [ "$lied" = 1 ]; then
			echo "$line" | grep -qF "LIE" || fail "round $1: $name's lie is not marked"
		else
			echo "$line" | grep -qF "LIE" && fail "round $1: $name told the truth"
		fi
	done < <(csv_rows "$1")
	[ $n -ge 2 ] || fail "round $1: the CSV has $n rows"
}

rm -f "$MT_SOURCE_DIR"/scenarios/.*.mtrecover
start 80 24 -- class host "$MT_SOURCE_DIR/scenarios/default.yaml" --port 0 --code ABC234 \
	--results "$AUX/results.csv"
wait_for "Round 0: waiting for students"
ADDR=$(screen | grep -oE 'class join 127\.0\.0\.1:[0-9]+ --code ABC234' | head -n 1 |
	awk '{print $3}')
[ -n "$ADDR" ] || fail "no join line with the address and the code"
assert_screen "plays the scenario as loaded at start"

bot liar best
wait_for "1 student (1 here)" # seats go in join order: the liar plays the Alices
bot honest truthful --delay 1500
wait_for "2 students (2 here) at 1 table of 2"
assert_screen "Alices    liar"
assert_screen "Bobs      honest"

# vcg: the liar submits at once, the honest bot after 1.5 s, then it closes
keys V
wait_for "Round 1: open under vcg, submitted 1/2"
wait_for "Round 1 (vcg): closed"
wait_for "Table 1  round 1 (vcg)"
check_round 1
assert_screen "Average gain of lying:  none -  vcg -" # best under vcg is the truth

# none: the best bot lies and gains
keys N
wait_for "Round 2 (none): closed"
wait_for "Table 1  round 2 (none)"
check_round 2
avg=$(python3 -c "
import csv
g=[float(r['gain']) for r in csv.DictReader(open('$AUX/results.csv')) if r['lied']=='1' and r['payment_rule']=='none']
print('%+.4f (%d lie%s)' % (sum(g)/len(g), len(g), '' if len(g)==1 else 's'))")
assert_screen "none $avg"
lost=$(python3 -c "
import csv
r=[r for r in csv.DictReader(open('$AUX/results.csv')) if r['round']=='2'][0]
print('welfare %.4f, truthful %.4f, lost to lying %.4f' % (float(r['welfare']), float(r['welfare_truthful']), float(r['welfare_truthful'])-float(r['welfare'])))")
assert_screen "$lost"
# the leaderboard: the liar first, with its total gain
board=$(screen | sed -n '/Leaderboard/,$p' | grep -E '^ +1 ')
echo "$board" | grep -qF liar || fail "the liar does not lead: '$board'"

# kick: the seat is free, the bot is told and ends
keys K
wait_for "kick the student named:"
type_text honest
keys Enter
wait_for "1 student (1 here)"
wait_pid "${BOTS[1]}"

# a slow student keeps the round open: q asks, c cancels, q y ends
bot slow truthful --delay 60000
wait_for "2 students (2 here)"
keys S # the rule (prefilled: vcg) and a deadline
wait_for "start a round under"
type_text " 90"
keys Enter
wait_match "Round 3: open under vcg, submitted 1/2, (90|89|88|87) s left"
keys q
wait_for "a round is open"
keys c
wait_gone "a round is open"
assert_screen "Round 3: open under vcg"
keys C-c # Ctrl-C asks too
wait_for "a round is open"
keys c
wait_gone "a round is open"
assert_screen "Round 3: open under vcg"
# other keys are refused in the panel, y leaves it and F2 comes back
keys a
wait_for "not in the class panel"
keys y
wait_for "Preferences"
wait_gone "Round 3: open"
keys F2
wait_for "Round 3: open under vcg"
keys q
wait_for "a round is open"
keys y
wait_exit 0
for p in "${BOTS[@]}"; do wait_pid "$p"; done
BOTS=()
[ "$(csv_rows 3 | wc -l)" = 0 ] || fail "the round left open has rows in the CSV"
stop

# A port that is taken: the explorer does not start, status 1, one line says why.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$AUX/port" &
BOTS+=($!)
end=$((SECONDS + TIMEOUT))
until [ -s "$AUX/port" ]; do [ $SECONDS -le $end ] || fail "no port"; sleep 0.05; done
start 80 24 -- class host "$MT_SOURCE_DIR/scenarios/default.yaml" --port "$(cat "$AUX/port")"
wait_exit 1
assert_screen "mechtune class host: cannot listen on 127.0.0.1 port $(cat "$AUX/port")"
end_bots
stop

# Six tables at 80x24: the panel scrolls; at 120x40 more fits.
for size in "80 24" "120 40"; do
	start $size -- class host "$MT_SOURCE_DIR/scenarios/default.yaml" --port 0 --code ABC234
	wait_for "Round 0: waiting"
	ADDR=$(screen | grep -oE 'class join 127\.0\.0\.1:[0-9]+' | head -n 1 | awk '{print $3}')
	bot b truthful --count 12
	wait_for "12 students (12 here) at 6 tables of 2"
	keys N
	wait_for "Round 1 (none): closed"
	if [ "$size" = "80 24" ]; then
		assert_not_screen "Table 6"
		assert_screen "v more"
		keys NPage
		wait_gone "Table 1  round 1"
		wait_for "^v more"
		screen >"$AUX/pages"
		for i in 1 2 3 4 5; do
			keys NPage
			sleep 0.3
			screen >>"$AUX/pages"
		done
		grep -qF "Table 6  round 1" "$AUX/pages" || fail "PgDn never showed table 6"
		wait_for "12 b 12"
		wait_for "^ more"
		for i in 1 2 3 4 5 6; do keys PPage; done
		wait_for "Table 1  round 1"
		wait_for "v more"
		keys Down
		wait_gone "Table 1  round 1"
		keys Up
		wait_for "Table 1  round 1"
	else
		wait_for "Table 3  round 1"
	fi
	keys q
	wait_exit 0
	for p in "${BOTS[@]}"; do wait_pid "$p"; done
	BOTS=()
	stop
done
echo "ok: the class panel"
