#!/usr/bin/env bash
# The student's screen (`mechtune class join` on a terminal) against a
# headless host and a truthful bot: the student sees only their own group's
# truth, a report before any round is refused with the host's message, a
# typed and nudged report is submitted after a confirmation, and the screen's
# utility, truthful utility and gain equal the host's round_closed event for
# that seat; the seat's token rejoins it at 120x40 in ASCII with the history;
# a killed host shows "connection lost" with r to reconnect; q and SIGTERM
# leave the terminal restored.  Every wait is bounded (lib.sh, TIMEOUT).
. "$(dirname "$0")/lib.sh"

mkfifo "$AUX/cmd"
"$MT_BINARY" class host "$MT_SOURCE_DIR/scenarios/default.yaml" --headless --port 0 \
	--code TEST42 <"$AUX/cmd" >"$AUX/events" 2>"$AUX/host.err" &
host=$!
exec 3>"$AUX/cmd"
bot=""
finish() {
	exec 3>&- 2>/dev/null
	[ -n "$bot" ] && kill "$bot" 2>/dev/null
	kill "$host" 2>/dev/null
	cleanup
}
trap finish EXIT INT TERM
teacher() { echo "$1" >&3; }
report_line() { screen | grep -E "^your report " | head -n 1; }

port=""
for _ in $(seq 1 100); do
	port=$(grep -o '"port":[0-9]*' "$AUX/events" 2>/dev/null | cut -d: -f2)
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || fail "the host did not start: $(cat "$AUX/host.err")"
addr="127.0.0.1:$port"

# event_num ROUND SEAT FIELD: a number of the host's round_closed event, %.3f
event_num() {
	python3 - "$AUX/events" "$1" "$2" "$3" <<'PY'
import json, sys
path, rnd, seat, field = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
for line in open(path):
    e = json.loads(line)
    if e.get("event") == "round_closed" and e["round"] == rnd:
        for t in e["tables"]:
            for s in t["seats"]:
                if s["seat"] == seat:
                    v = s[field]
                    print("%.3f" % v[0] if isinstance(v, list) else "%.3f" % v)
PY
}
wait_event() {
	local end=$((SECONDS + TIMEOUT))
	while [ $SECONDS -le $end ]; do
		grep -q "\"event\":\"$1\"" "$AUX/events" && return 0
		sleep 0.05
	done
	fail "the host printed no $1 event"
}

# --- join: only the own group's truth ---
start 80 24 -- class join "$addr" --code TEST42 --name ann
wait_for "table 1 seat 1"
wait_for "waiting for the teacher"
assert_screen "Alices"
screen | grep -E "^your truth " | grep -qE '0\.100 +0\.300 +0\.600 +3\.000' || fail "the truth of Alices is not shown"
screen | grep -qE "0\.300 +0\.500 +0\.200" && fail "the Bobs' rewards (0.3 0.5 0.2) reached the student"
assert_screen "private: only you see it"
keys C-c
wait_for "Ctrl-C: press q to leave the class"
assert_screen "sum 1.000"
"$MT_BINARY" class bot "$addr" --code TEST42 --name bob --strategy truthful --quiet &
bot=$!
wait_event joined

# --- a report before any round: the host's refusal in the status line ---
keys Enter
wait_for "y submits"
keys y
wait_for "host: no round is open"

# --- a round: type a number, nudge, confirm, submit ---
teacher "start none"
wait_for "round 1 open under none"
type_text "0.5"
wait_for "0.5_"
keys Enter
wait_for "row renormalized"
keys +
wait_for "refuse = 0.510"
report_line | grep -qE '0\.510 +0\.163 +0\.327 +3\.000' || fail "the typed and nudged report is not shown"
assert_screen "sum 1.000"
assert_screen "your report differs from the truth"
keys Right Right Right
keys -
wait_for "size = 2.9"
report_line | grep -qE '2\.900' || fail "the size was not nudged by 0.1"
keys s
wait_for "(not the truth)? y submits"
keys n
wait_for "not submitted"
keys Enter
wait_for "y submits"
keys y
wait_for "the truth would have given"
wait_event round_closed
rew=$(event_num 1 1 rewards)
[ "$rew" = 0.510 ] || fail "the host recorded reward $rew, the screen showed 0.510"
u=$(event_num 1 1 utility)
tu=$(event_num 1 1 truthful_utility)
g=$(event_num 1 1 gain)
line_of "valuation" | grep -qF "utility $u" || fail "screen utility differs from the host's $u"
# the group's value w·v is shown, so utility = w·v − payment holds on the line
pay=$(event_num 1 1 payment)
wv=$(python3 -c "print('%.3f' % ($u + $pay))")
line_of "valuation" | grep -qF "w·v $wv" || fail "screen w·v differs from utility + payment $wv"
assert_screen "utility = w·v − payment"
assert_screen "the truth would have given $tu"
case "$g" in
-*) assert_screen "your report cost you ${g#-}" ;;
*) assert_screen "your report gained +$g" ;;
esac
assert_screen "trained model:"
assert_screen "round 1 (none) closed"
screen | grep -qE '^1 +none +yes ' || fail "the history does not show round 1"
token=$(grep -o '"token":"[0-9a-f]*"' "$AUX/events" | head -n 1 | cut -d'"' -f4)
keys q
wait_exit 0
[ -n "$token" ] || token=$(screen | grep -o -- '--token [0-9a-f]*' | head -n 1 | cut -d' ' -f2)
[ -n "$token" ] || fail "no seat token printed on leaving"
stop

# --- the token rejoins the seat: 120x40, ASCII; a round with a deadline ---
start 120 40 -- class join "$addr" --code TEST42 --token "$token" --ascii
wait_for "table 1 seat 1"
wait_for "waiting for the teacher"
assert_screen "sum 1.000 ok" # ASCII glyphs
! screen | grep -q '·' || fail "UTF-8 glyphs in --ascii"
teacher "start vcg 60"
wait_match "round 2 open under vcg, [01]:[0-9]{2} left"
type_text "0.9"
keys Enter
wait_for "your report differs"
keys t
wait_for "your report is the truth again"
keys Enter
wait_for "y submits"
assert_not_screen "(not the truth)"
keys y
wait_for "round 2 under vcg: the result"
screen | grep -qE '^2 +vcg +no ' || fail "the history does not show round 2"
assert_screen "(you told the truth)"
assert_screen "your report gained +0.000"
# resizes: too small says so, 80x24 draws everything again
tm resize-window -t 0 -x 50 -y 12
wait_for "terminal too small"
tm resize-window -t 0 -x 80 -y 24
wait_for "round 2 under vcg: the result"
wait_for "Enter/s submit"
screen | grep -qE '^2 +vcg +no ' || fail "the history is gone after a resize"

# --- the host goes away: said so, r offered ---
kill "$host"
wait_for "CONNECTION LOST"
wait_for "press r to reconnect"
keys r
wait_for "cannot connect"
pid=$(pid_of)
[ -n "$pid" ] || fail "no student process"
kill -TERM "$pid"
wait_exit 143
echo "ok: the student's screen"
