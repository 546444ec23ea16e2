#!/usr/bin/env bash
# Saving never replaces a file by surprise: save as onto an existing file
# asks first (n keeps it), saving over a read-only file asks too, saving
# through a symbolic link writes its target and keeps the link.
. "$(dirname "$0")/lib.sh"

cp "$MT_SOURCE_DIR/scenarios/default.yaml" "$WORK/mine.yaml"
printf 'precious: 1\n' >"$WORK/other.yaml"
start 80 24 -- "$WORK/mine.yaml"
wait_idle
keys ']'
wait_for "λ=0.55"

# Save as onto another existing file: asked, n leaves it alone.
keys W C-u
type_text "$WORK/other.yaml"
keys Enter
wait_for "other.yaml already exists: overwrite it? (y/n)"
keys n
wait_for "not saved: $WORK/other.yaml was left as it was"
[ "$(cat "$WORK/other.yaml")" = "precious: 1" ] || fail "other.yaml was overwritten"
assert_screen "[+]"
# Esc is a no as well.
keys W C-u
type_text "$WORK/other.yaml"
keys Enter
wait_for "overwrite it?"
keys Escape
wait_for "not saved"
[ "$(cat "$WORK/other.yaml")" = "precious: 1" ] || fail "other.yaml was overwritten"
# y overwrites.
keys W C-u
type_text "$WORK/other.yaml"
keys Enter
wait_for "overwrite it?"
keys y
wait_for "saved $WORK/other.yaml"
grep -q "lambda: 0.55" "$WORK/other.yaml" || fail "other.yaml was not saved"
assert_not_screen "[+]"

# Save as under the document's own name does not ask.
keys ']'
wait_for "λ=0.605"
keys W C-u
type_text "$WORK/other.yaml"
keys Enter
wait_for "saved $WORK/other.yaml"

# A read-only file: w asks; n keeps it, y replaces it (still read-only).
chmod 0444 "$WORK/other.yaml"
keys ']'
wait_for "λ=0.6655"
keys w
wait_for "other.yaml is read-only: replace it anyway? (y/n)"
keys n
wait_for "not saved"
grep -q "lambda: 0.605" "$WORK/other.yaml" || fail "the read-only file changed"
keys w
wait_for "is read-only"
keys y
wait_for "saved $WORK/other.yaml"
grep -q "lambda: 0.6655" "$WORK/other.yaml" || fail "the read-only file was not replaced"
[ "$(stat -c %a "$WORK/other.yaml")" = 444 ] || fail "the file's mode changed"

# Through a symbolic link: the target is written, the link stays.
ln -s mine.yaml "$WORK/link.yaml"
keys W C-u
type_text "$WORK/link.yaml"
keys Enter
wait_for "link.yaml already exists: overwrite it?"
keys y
wait_for "saved $WORK/link.yaml (written to the file the link points to)"
[ -L "$WORK/link.yaml" ] || fail "the link was replaced by a file"
grep -q "lambda: 0.6655" "$WORK/mine.yaml" || fail "the link's target was not written"

# Quit with unsaved changes, y saves (the document is now link.yaml, whose
# target is read-only: asked first).
chmod 0444 "$WORK/mine.yaml"
keys '['
wait_for "λ=0.605"
keys q
wait_for "y save+quit"
keys y
wait_for "link.yaml is read-only: replace it anyway?"
keys y
wait_exit 0
grep -q "lambda: 0.605" "$WORK/mine.yaml" || fail "save and quit did not save"
[ -L "$WORK/link.yaml" ] || fail "the link was replaced by a file"
echo PASS
