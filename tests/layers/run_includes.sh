#!/usr/bin/env bash
# The layers' include rules (docs/style.md "The explorer's layers", README
# "Architecture"), lowest first: core <- doc <- screen <- views <- loop, with
# src/main.c and src/explore.c the only files that know both faces.
#  - <curses.h> is included by one file, src/tui/screen.h;
#  - the core (include/, src/core/) includes nothing of src/;
#  - nothing in src/cli/ mentions the explorer's code (tui);
#  - the document layer (doc.*, history.*) includes only the core and
#    itself: no curses, no screen, no app;
#  - the screen layer includes neither the document nor the app;
#  - tui.h, the explorer as the program sees it, includes no curses;
#  - classroom mode (src/class/, include/mechtune/class.h) sits on the core
#    beside the faces: it includes no face, the core does not include it,
#    and only it includes <jansson.h>.
: "${MT_SOURCE_DIR:?set MT_SOURCE_DIR to the source tree}"
cd "$MT_SOURCE_DIR" || exit 1
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}

curses=$(grep -rlE '#include *[<"](n?curses|ncursesw/curses)\.h[>"]' src include | sort)
[ "$curses" = src/tui/screen.h ] || bad "<curses.h> must be included by src/tui/screen.h only, found: $curses"

core=$(grep -nE '#include *"' include/mechtune/*.h src/core/*.[ch] |
	grep -vE '#include *"(mechtune/[a-z_]+\.h|[a-z_]+\.h)"' || true)
[ -z "$core" ] || bad "the core includes something outside it: $core"
core_up=$(grep -nE '#include *"[^"]*(tui|cli)/|#include *"(app|doc|screen|history|tui|cli)\.h"' \
	include/mechtune/*.h src/core/*.[ch] || true)
[ -z "$core_up" ] || bad "the core includes a face: $core_up"

cli=$(grep -rniE 'tui' src/cli || true)
[ -z "$cli" ] || bad "src/cli mentions the explorer: $cli"

for f in src/tui/doc.c src/tui/doc.h src/tui/history.c src/tui/history.h; do
	up=$(grep -nE '#include *"(app|screen|tui|keys|loop|view_[a-z]+)\.h"|#include *<n?curses' "$f" || true)
	[ -z "$up" ] || bad "$f (document layer) includes a higher layer: $up"
done
for f in src/tui/screen.c src/tui/screen.h; do
	up=$(grep -nE '#include *"(app|doc|history|tui)\.h"' "$f" || true)
	[ -z "$up" ] || bad "$f (screen layer) includes a higher layer: $up"
done
up=$(grep -nE '#include' src/tui/tui.h | grep -vE '<std(bool|io)\.h>' || true)
[ -z "$up" ] || bad "src/tui/tui.h includes more than the standard headers: $up"

class_up=$(grep -nE '#include *"[^"]*(tui|cli)/|#include *"(app|doc|screen|history|tui|cli)\.h"' \
	src/class/*.[ch] include/mechtune/class.h || true)
[ -z "$class_up" ] || bad "classroom mode includes a face: $class_up"
core_class=$(grep -nE '#include *"mechtune/class\.h"' src/core/*.[ch] include/mechtune/*.h || true)
[ -z "$core_class" ] || bad "the core includes classroom mode: $core_class"
jansson=$(grep -rlE '#include *<jansson\.h>' src include | grep -v '^src/class/' || true)
[ -z "$jansson" ] || bad "<jansson.h> is for src/class/ only: $jansson"

[ $fail = 0 ] && echo "ok: the layers' includes go one way"
exit $fail
