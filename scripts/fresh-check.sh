#!/usr/bin/env bash
# Prove that the README's two commands work on a fresh machine: build a
# minimal Debian 12 (debootstrap --variant=minbase bookworm, from the mirror
# apt is configured with; cached), copy the committed tree (git archive) in,
# and run, as root in a chroot, exactly what the README says:
#
#   scripts/run.sh    with no terminal, under a timeout; passes when the
#                     binary it built answers --version
#   scripts/test.sh   passes when it exits 0
#
# Usage (as root, from anywhere in a checkout):
#   scripts/fresh-check.sh [--refresh] [--keep] [REV]
#     REV        what to copy in (default HEAD; uncommitted changes are not)
#     --refresh  build the cached Debian image again
#     --keep     keep the chroot directory afterwards (never its mounts)
# Environment: MT_FRESH_CACHE (default ~/.cache/mechtune-fresh),
#   MT_FRESH_RUN_TIMEOUT (s, default 1800), MT_FRESH_TEST_TIMEOUT (s, default 3600).
# Exit status: 0 both commands pass, 1 one fails, 2 the check itself could not run.
# The logs are kept in the cache directory (run.log, test.log).
set -uo pipefail
# The whole script is one block, read before it runs: a checkout that changes
# this file while a check runs cannot change what the running check does.
{

refresh=0 keep=0 rev=HEAD
for a in "$@"; do
	case $a in
	--refresh) refresh=1 ;;
	--keep) keep=1 ;;
	-h | --help)
		sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "fresh-check: unknown option '$a'" >&2
		exit 2
		;;
	*) rev=$a ;;
	esac
done

exec 3>&2 # the terminal's stderr, also for messages from traps run while a log is open
say() { echo "fresh-check: $*" >&3; }
# interruptible COMMAND...: run COMMAND and wait for it in a way a signal interrupts
# (bash runs traps only between foreground commands), so that an interrupted
# check cleans up at once.
child=""
interruptible() {
	"$@" 3>&- &
	child=$!
	wait "$child"
	local rc=$?
	child=""
	return $rc
}
die() {
	say "$*"
	exit 2
}

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and mount); try: sudo $0 $*"
# Run in a private mount namespace where the kernel allows it: every mount
# made below then vanishes with the script, however it ends (even SIGKILL).
if [ -z "${MT_FRESH_NS:-}" ] && command -v unshare >/dev/null &&
	unshare --mount --propagation private true 2>/dev/null; then
	MT_FRESH_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
src=$(cd "$(dirname "$0")/.." && pwd)
git -C "$src" rev-parse --verify -q "$rev^{commit}" >/dev/null || die "'$rev' is not a commit in $src"
commit=$(git -C "$src" rev-parse --short "$rev^{commit}")
if [ "$rev" = HEAD ] && [ -n "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
	say "note: uncommitted changes are not part of the check (it copies $commit)"
fi

cache=${MT_FRESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mechtune-fresh}
image=$cache/bookworm-minbase.tar
mkdir -p "$cache" || die "cannot create $cache"

# The mirror: the first Debian archive apt is configured with (deb822 or
# one-line format), else deb.debian.org.
mirror_of() {
	local f=/etc/apt/sources.list.d/debian.sources m=""
	if [ -r "$f" ]; then
		m=$(awk '/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ && u != "" { print u; exit }' "$f")
	fi
	if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
		m=$(awk '$1 == "deb" && $3 == "bookworm" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

# --- the cached image -------------------------------------------------------
if [ $refresh = 1 ] || [ ! -s "$image" ]; then
	if ! command -v debootstrap >/dev/null; then
		say "installing debootstrap"
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; } \
			>"$cache/apt.log" 2>&1 || die "cannot install debootstrap (see $cache/apt.log)"
	fi
	mirror=$(mirror_of)
	say "building a minimal Debian 12 from $mirror (once; cached in $image)"
	stage=$(mktemp -d "$cache/stage.XXXXXX") || die "cannot create a staging directory"
	# debootstrap mounts proc and sys inside the target itself and may leave
	# them behind when it fails: unmount whatever is below the stage.
	stage_clean() {
		local m
		[ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null
		for m in $(awk -v r="$stage/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
			umount "$m" 2>/dev/null || umount -l "$m"
		done
		rm -rf --one-file-system "$stage"
	}
	trap 'stage_clean' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
	if ! interruptible debootstrap --variant=minbase bookworm "$stage/root" "$mirror" >"$cache/debootstrap.log" 2>&1; then
		tail -n 5 "$cache/debootstrap.log" >&2
		die "debootstrap failed (see $cache/debootstrap.log)"
	fi
	tar -C "$stage/root" -cf "$image.new" . && mv "$image.new" "$image" || die "cannot write $image"
	stage_clean
	trap - EXIT INT TERM HUP
fi

# --- the chroot -------------------------------------------------------------
root=$(mktemp -d "$cache/root.XXXXXX") || die "cannot create a chroot directory"
mounted=()
cleanup() {
	local rc=$? i m
	trap - EXIT INT TERM HUP
	[ $rc -ge 128 ] && say "interrupted; cleaning up"
	[ -n "$child" ] && kill -TERM "$child" 2>/dev/null
	# kill whatever still runs inside the chroot (a tmux server, a build)
	local p try left
	for try in 1 2 3 4 5 6 7 8 9 10; do
		left=0
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] &&
				kill -KILL "${p#/proc/}" 2>/dev/null && left=1
		done
		[ $left = 0 ] && break
		sleep 0.5
	done
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		m=${mounted[i]}
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "could not unmount $m"
	done
	# anything else mounted below the chroot (by a script inside it)
	for m in $(awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "could not unmount $m"
	done
	if awk -v r="$root/" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
		say "mounts remain below $root; not removing it"
	elif [ $keep = 1 ]; then
		say "kept the chroot: $root"
	else
		rm -rf --one-file-system "$root"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

tar -C "$root" -xf "$image" || die "cannot unpack $image"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mkdir -p "$root/src"
git -C "$src" archive "$rev" | tar -C "$root/src" -x || die "git archive $rev failed"

bind() { # bind TYPE-OR-"bind" SOURCE TARGET
	mkdir -p "$root$3"
	if [ "$1" = bind ]; then
		mount --bind "$2" "$root$3"
	else
		mount -t "$1" "$2" "$root$3"
	fi || die "cannot mount $root$3"
	mounted+=("$root$3")
	# nothing mounted below it may reach the host's tree
	mount --make-private "$root$3" || die "cannot make $root$3 private"
}
bind proc proc /proc
bind sysfs sysfs /sys
bind bind /dev /dev
bind bind /dev/pts /dev/pts
[ -d /dev/shm ] && bind tmpfs tmpfs /dev/shm

# in_chroot TIMEOUT COMMAND: run COMMAND in /src as root, in a clean
# environment, without a terminal.
in_chroot() {
	interruptible timeout --kill-after=30 "$1" chroot "$root" /usr/bin/env -i HOME=/root \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c "cd /src && $2" </dev/null
}

say "checking $commit in a fresh chroot ($root); logs in $cache"
t0=$SECONDS
say "1/2 scripts/run.sh (no terminal, at most ${MT_FRESH_RUN_TIMEOUT:-1800} s)"
in_chroot "${MT_FRESH_RUN_TIMEOUT:-1800}" scripts/run.sh >"$cache/run.log" 2>&1
run_rc=$?
version=$(in_chroot 30 'build/release/mechtune --version' 2>&1)
version_rc=$?
if [ $version_rc -eq 0 ]; then
	say "    run.sh exited $run_rc (no terminal); build/release/mechtune --version: $version"
else
	tail -n 20 "$cache/run.log" >&2
	say "    run.sh exited $run_rc and build/release/mechtune --version failed: $version"
fi
say "    ($((SECONDS - t0)) s)"

t1=$SECONDS
say "2/2 scripts/test.sh (at most ${MT_FRESH_TEST_TIMEOUT:-3600} s)"
in_chroot "${MT_FRESH_TEST_TIMEOUT:-3600}" scripts/test.sh >"$cache/test.log" 2>&1
test_rc=$?
if [ $test_rc -eq 0 ]; then
	say "    test.sh exited 0: $(tail -n 1 "$cache/test.log")"
else
	tail -n 30 "$cache/test.log" >&2
	say "    test.sh exited $test_rc"
fi
say "    ($((SECONDS - t1)) s)"

if [ $version_rc -eq 0 ] && [ $test_rc -eq 0 ]; then
	say "PASS: both README commands work on a fresh Debian 12 ($commit)"
	exit 0
fi
say "FAIL: $([ $version_rc -eq 0 ] || echo "run.sh did not build a working binary; ")$([ $test_rc -eq 0 ] || echo "test.sh exited $test_rc")"
exit 1
}
