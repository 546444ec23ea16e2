#!/usr/bin/env bash
# Classroom mode's command line: usage errors are one line and status 2;
# the host refuses what it cannot serve with status 1.
set -uo pipefail
bin=${MT_BINARY:?set MT_BINARY}
src=${MT_SOURCE_DIR:?set MT_SOURCE_DIR}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# expect STATUS PATTERN CMD...: exit status and a line of the output matching PATTERN
expect() {
	local want=$1 pattern=$2
	shift 2
	timeout 10 "$@" >"$tmp/out" 2>&1 </dev/null
	local got=$?
	if [ "$got" -eq "$want" ] && grep -q -- "$pattern" "$tmp/out"; then
		pass=$((pass + 1))
	else
		echo "FAIL: $* -> $got (want $want, /$pattern/): $(head -c 300 "$tmp/out")"
		fail=$((fail + 1))
	fi
}
d=$src/scenarios/default.yaml
expect 2 "unknown subcommand 'serve'" "$bin" class serve
expect 2 "usage: mechtune class host" "$bin" class
expect 0 "usage: mechtune class host FILE [--headless]" "$bin" class host --help
expect 1 "the explorer needs a terminal" "$bin" class host "$d"
expect 2 "go with --headless" "$bin" class host "$d" --payment none
expect 2 "port must be 0 to 65535" "$bin" class host "$d" --headless --port 70000
expect 2 "max-students must be 1 to 10000" "$bin" class host "$d" --headless --max-students 0
expect 2 "max-students must be 1 to 10000" "$bin" class host "$d" --headless --max-students 10001
expect 1 "code: a join code has only letters and digits" "$bin" class host "$d" --headless --code 'a b'
expect 1 "cannot use address" "$bin" class host "$d" --headless --bind no.such.host.invalid
expect 1 "cannot open the results file" "$bin" class host "$d" --headless --results "$tmp/no/such/dir.csv"
expect 0 '"event":"ended"' "$bin" class host "$d" --headless --port 0
expect 2 "missing --code" "$bin" class bot 127.0.0.1:1 --strategy truthful
expect 2 "missing --strategy" "$bin" class bot 127.0.0.1:1 --code X
expect 2 "strategy must be truthful, best, random or polarize" "$bin" class bot 127.0.0.1:1 --code X --strategy liar
expect 2 "count must be 1 to 10000" "$bin" class bot 127.0.0.1:1 --code X --strategy best --count 0
expect 2 "missing HOST:PORT" "$bin" class join --code X
expect 1 "is not HOST:PORT" "$bin" class join localhost --code X
expect 1 "cannot connect" "$bin" class bot 127.0.0.1:1 --code X --strategy truthful
expect 0 "class " "$bin" --help
# SIGTERM ends the class like quit: students get bye, the events end with "ended"
mkfifo "$tmp/in"
"$bin" class host "$d" --headless --port 0 <"$tmp/in" >"$tmp/ev" 2>/dev/null &
hostpid=$!
exec 8>"$tmp/in"
for _ in $(seq 50); do grep -q listening "$tmp/ev" && break; sleep 0.1; done
kill -TERM "$hostpid"
wait "$hostpid"
rc=$?
exec 8>&-
if [ "$rc" -eq 0 ] && tail -1 "$tmp/ev" | grep -q '"event":"ended"'; then
	pass=$((pass + 1))
else
	echo "FAIL: SIGTERM: status $rc, last event $(tail -1 "$tmp/ev")"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
