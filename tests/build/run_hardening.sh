#!/usr/bin/env bash
# The optimized builds are hardened: every program source is compiled with
# -fstack-protector-strong and -D_FORTIFY_SOURCE=3 (FORTIFY needs -O, so not in
# Debug), and the binary really calls the checking libc entry points
# (__stack_chk_fail, __*_chk).  Sanitizer builds are not hardened (they check
# more, and the fortified wrappers would bypass their interceptors).
set -u
: "${MT_BINARY:?set MT_BINARY to the mechtune binary}"
: "${MT_BUILD_DIR:?set MT_BUILD_DIR to the build directory}"
fail() {
	echo "FAIL: $*"
	exit 1
}
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$MT_BUILD_DIR/CMakeCache.txt"; }
sanitize=$(cache_value MT_SANITIZE)
type=$(cache_value CMAKE_BUILD_TYPE)
if [ -n "$sanitize" ]; then
	echo "SKIP: sanitizer build ($sanitize) is not hardened"
	exit 0
fi
optimized=0
case $type in Release | RelWithDebInfo | MinSizeRel) optimized=1 ;; esac
commands=$MT_BUILD_DIR/compile_commands.json
[ -r "$commands" ] || fail "no $commands"

# one line per program source: its compile command
mapfile -t lines < <(grep -E '"command": .*/src/(core|cli|tui)/[a-z_]+\.c"' "$commands")
[ ${#lines[@]} -ge 10 ] || fail "found only ${#lines[@]} program sources in $commands"
for l in "${lines[@]}"; do
	src=$(grep -oE 'src/[a-z]+/[a-z_]+\.c' <<<"$l" | tail -n 1)
	grep -q -- '-fstack-protector-strong' <<<"$l" || fail "$src is compiled without -fstack-protector-strong"
	if [ $optimized = 1 ]; then
		# the last definition wins; a distribution's own level 2 or 3 is fine
		level=$(grep -oE -- '-D_FORTIFY_SOURCE=[0-9]' <<<"$l" | tail -n 1)
		case $level in -D_FORTIFY_SOURCE=[23]) ;; *) fail "$src is compiled without -D_FORTIFY_SOURCE=3 ($type build)" ;; esac
	fi
done

imports=$(nm -D --undefined-only "$MT_BINARY") || fail "nm cannot read $MT_BINARY"
grep -q '__stack_chk_fail' <<<"$imports" || fail "$MT_BINARY has no stack protector (__stack_chk_fail)"
if [ $optimized = 1 ]; then
	grep -qE '__(snprintf|memcpy|vsnprintf)_chk' <<<"$imports" ||
		fail "$MT_BINARY calls no fortified libc function (__*_chk)"
fi
echo "PASS: ${#lines[@]} program sources hardened ($type build, fortify $([ $optimized = 1 ] && echo on || echo off))"
