#!/usr/bin/env bash
# Never lose a user's work: SIGTERM, SIGHUP, SIGQUIT (Ctrl-\) and SIGUSR1
# restore the terminal, write unsaved edits to a recovery file that loads
# (one stderr line names it) and exit with 128 + the signal; the next start
# offers it back (r restore, d discard, k keep for later), and another
# session's recovery file is never overwritten.
. "$(dirname "$0")/lib.sh"

cp "$MT_SOURCE_DIR/scenarios/default.yaml" "$WORK/mine.yaml"
rec="$WORK/.mine.yaml.mtrecover"
rec2="$WORK/.mine.yaml.2.mtrecover"

# check_recovery FILE LAMBDA: FILE loads and holds the edit.
check_recovery() {
	[ -f "$1" ] || fail "no recovery file $1"
	"$MT_BINARY" check "$1" >/dev/null || fail "$1 does not load"
	grep -qE "^lambda: $2" "$1" || fail "$1 does not hold lambda $2: $(grep lambda: "$1")"
	[ "$(stat -c %a "$1")" = 600 ] || fail "$1 is not private (mode $(stat -c %a "$1"))"
}

# Unmodified: nothing is written, the terminal comes back.
start 200 30 -- "$WORK/mine.yaml"
wait_idle
kill -USR1 "$(pid_of)"
wait_exit 138
assert_screen "mechtune: caught SIGUSR1; no unsaved changes"
[ ! -e "$rec" ] || fail "a recovery file without unsaved changes"
stop

# SIGTERM after an edit.
start 200 30 -- "$WORK/mine.yaml"
wait_idle
keys ']'
wait_for "λ=0.55"
kill -TERM "$(pid_of)"
wait_exit 143
assert_screen "caught SIGTERM; unsaved changes written to $rec"
[ "$(screen | grep -c "^mechtune: ")" = 1 ] || fail "expected one line on stderr"
check_recovery "$rec" "0.55$"
grep -q "^lambda: 0.5$" "$WORK/mine.yaml" || fail "the file itself was changed"
stop

# The next start offers it; r restores (modified, undoable); SIGHUP then
# rewrites the same file (this session restored it).
start 200 30 -- "$WORK/mine.yaml"
wait_for "r restore, d discard, k keep for later"
assert_screen ".mine.yaml.mtrecover"
keys r
wait_for "λ=0.55"
wait_for "restored the unsaved changes of .mine.yaml.mtrecover"
assert_screen "[+]"
keys u # the restore is an edit: undo shows the file, redo the edit again
wait_for "λ=0.5 "
wait_gone "[+]"
keys U
wait_for "λ=0.55"
assert_screen "[+]"
keys ']'
wait_for "λ=0.605"
kill -HUP "$(pid_of)"
wait_exit 129
assert_screen "caught SIGHUP; unsaved changes written to $rec"
check_recovery "$rec" "0.605"
[ ! -e "$rec2" ] || fail "a second recovery file for the same session"
stop

# k keeps it; a new edit killed by Ctrl-\ (SIGQUIT) goes to a second file.
start 200 30 -- "$WORK/mine.yaml"
wait_for "r restore, d discard, k keep for later"
keys k
wait_for "kept .mine.yaml.mtrecover"
assert_screen "λ=0.5"
keys '['
wait_for "λ=0.45"
keys 'C-\'
wait_exit 131
assert_screen "caught SIGQUIT; unsaved changes written to $rec2"
check_recovery "$rec" "0.605"
check_recovery "$rec2" "0.4545"
stop

# d discards the first; the second is offered next time; quitting without
# saving after restoring it removes it.  A scenario file changed since is
# pointed out.
touch -d "@$(($(date +%s) + 120))" "$WORK/mine.yaml"
start 200 30 -- "$WORK/mine.yaml"
wait_for "r restore, d discard, k keep for later"
assert_screen "(the file is newer)"
keys d
wait_for "discarded .mine.yaml.mtrecover"
[ ! -e "$rec" ] || fail "d did not remove $rec"
keys q
wait_exit 0
stop
start 200 30 -- "$WORK/mine.yaml"
wait_for ".mine.yaml.2.mtrecover: r restore"
keys r
wait_for "λ=0.45"
keys q
wait_for "unsaved changes"
keys n
wait_exit 0
[ ! -e "$rec2" ] || fail "a clean quit kept the restored recovery file"
stop

# Saving after a restore removes the recovery file too.
start 200 30 -- "$WORK/mine.yaml"
wait_idle
keys ']'
wait_for "λ=0.55"
kill -TERM "$(pid_of)"
wait_exit 143
stop
start 200 30 -- "$WORK/mine.yaml"
wait_for "r restore"
keys r
wait_for "λ=0.55"
keys w
wait_for "saved"
wait_gone "[+]"
keys q
wait_exit 0
[ ! -e "$rec" ] || fail "saving kept the recovery file"
grep -q "^lambda: 0.55$" "$WORK/mine.yaml" || fail "the restored edit was not saved"
stop

# The embedded default has no folder: its recovery file is in the state
# folder ($XDG_STATE_HOME/mechtune, set by lib.sh).
start 200 30 --
wait_idle
keys ']'
wait_for "λ=0.55"
kill -TERM "$(pid_of)"
wait_exit 143
check_recovery "$AUX/state/mechtune/embedded-default.mtrecover" "0.55$"
stop
start 200 30 --
wait_for "embedded-default.mtrecover: r restore"
keys r
wait_for "λ=0.55"
keys q
wait_for "unsaved changes"
keys n
wait_exit 0
[ ! -e "$AUX/state/mechtune/embedded-default.mtrecover" ] || fail "the state file was kept"
stop

# read-only demo mode keeps nothing.
start 200 30 -- --read-only "$WORK/mine.yaml"
wait_idle
keys ']'
wait_for "λ=0.6"
kill -TERM "$(pid_of)"
wait_exit 143
assert_screen "read-only mode: the edits are not kept"
[ -z "$(ls -A "$WORK"/.*.mtrecover 2>/dev/null)" ] || fail "read-only mode wrote a recovery file"
echo PASS
