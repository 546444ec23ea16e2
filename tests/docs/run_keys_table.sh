#!/usr/bin/env bash
# The key tables of docs/explorer.md ("## Keys") and README.md ("### Keys")
# are the key table itself (`mechtune --keys-markdown`), so no binding is
# missing or stale there; docs/explorer.md has one key table, not two.
set -u
: "${MT_BINARY:?set MT_BINARY}" "${MT_SOURCE_DIR:?set MT_SOURCE_DIR}"
fail=0
gen=$("$MT_BINARY" --keys-markdown) || { echo "FAIL: --keys-markdown"; exit 1; }
# The lines from the first section heading to the end of its last table.
section() { # FILE START-HEADING LEVEL
	awk -v start="$2" -v lvl="$3" '
		$0 == start { on = 1; next }
		on && $0 ~ "^" lvl " Move$" { grab = 1 }
		on && grab && /^#/ && $0 !~ "^" lvl " " { exit }
		on && grab && /^$/ { blank = 1; next }
		on && grab && blank && !/^(\||#)/ { exit }
		on && grab { if (blank) print ""; blank = 0; print }
	' "$1"
}
want=$(printf '%s\n' "$gen")
got=$(section "$MT_SOURCE_DIR/docs/explorer.md" "## Keys" "###")
[ "$got" = "$want" ] || { echo "FAIL: docs/explorer.md's key table differs from --keys-markdown:"; diff <(echo "$want") <(echo "$got"); fail=1; }
got=$(section "$MT_SOURCE_DIR/README.md" "### Keys" "####" | sed 's/^#### /### /')
[ "$got" = "$want" ] || { echo "FAIL: README.md's key table differs from --keys-markdown:"; diff <(echo "$want") <(echo "$got"); fail=1; }
n=$(grep -c '^| `q` | Quit' "$MT_SOURCE_DIR/docs/explorer.md")
[ "$n" = 1 ] || { echo "FAIL: docs/explorer.md lists q $n times (a stale duplicate table?)"; fail=1; }
[ $fail = 0 ] && echo "ok: the documented key tables are the key table"
exit $fail
