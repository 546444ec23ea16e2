#!/usr/bin/env bash
# The open picker lists files without parsing them: a FIFO named x.yaml in
# the current directory is not listed (it used to freeze the explorer), each
# file shows its size, and only the chosen file is loaded.
. "$(dirname "$0")/lib.sh"

mkfifo "$WORK/x.yaml"
printf 'mechtune: 1\nresponses: [a, b\n' >"$WORK/broken.yaml"
sed 's/^name: .*/name: Picked One/' "$MT_SOURCE_DIR/scenarios/default.yaml" >"$WORK/ok.yaml"
size=$(stat -c %s "$WORK/ok.yaml")

start 100 30
wait_idle
keys o
wait_for "Open a scenario" 5
wait_for "current directory: $WORK"
assert_not_screen "x.yaml"
assert_screen "broken.yaml"
want="$size B"
[ "$size" -lt 1000 ] || want="[0-9.]+ KB"
line_of "ok.yaml" | grep -qE "ok\.yaml +$want\$" || fail "ok.yaml is listed without its size ($size B)"
# The last entry is ok.yaml: open it.
for _ in $(seq 1 40); do keys j; done
keys Enter
wait_for "opened $WORK/ok.yaml"
wait_for "Picked One"
# broken.yaml is only parsed when chosen: then its error shows.
keys o
wait_for "Open a scenario"
for _ in $(seq 1 40); do keys j; done
keys k Enter
wait_for "cannot open: $WORK/broken.yaml:3:1" # the path as given, folders and all
keys q
wait_exit 0
echo PASS
