#!/usr/bin/env bash
# Install what mechtune needs to build and test, with apt-get, only when
# something is missing.  Runs as root or through sudo.
set -euo pipefail

# Everything scripts/*.sh and the tests call: the compilers and libraries,
# jansson (classroom mode), clang-format (scripts/format.sh --check), clang-tidy (the static analysis
# of scripts/test.sh), tmux and procps (pgrep) for the terminal tests, python3
# with numpy and yaml for the reference checks.
packages=(build-essential cmake pkg-config libgsl-dev libyaml-dev libncurses-dev
	  libcmocka-dev libglpk-dev libjansson-dev tmux procps clang clang-format clang-tidy python3
	  python3-numpy python3-yaml)
[ "${1:-}" = "--screenshots" ] && packages+=(imagemagick fonts-dejavu-core)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "mechtune: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "mechtune: run as root or install sudo to install ${missing[*]}" >&2; exit 1; }
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
