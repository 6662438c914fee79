#!/usr/bin/env bash
# Builds the release packages of prismsync with CPack: a .deb (its
# dependencies found by dpkg-shlibdeps) and a .tar.gz of the same files
# (bin/, share/man/man1/, the bash, zsh and fish completions).
#
#   scripts/package.sh [BUILD_DIR [OUT_DIR]]
#
# BUILD_DIR (default build-package) is configured for a release build
# without tests when it has not been configured yet, and built; an existing
# build directory is used as it is configured. The packages are written to
# OUT_DIR (default dist/), whose paths are printed, one a line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-package}
out=${2:-$root/dist}

for tool in cmake cpack dpkg-deb dpkg-shlibdeps; do
	if ! command -v "$tool" >/dev/null; then
		echo "package: $tool is needed (scripts/deps.sh installs it)" >&2
		exit 1
	fi
done

if [ ! -f "$build/CMakeCache.txt" ]; then
	generator=()
	command -v ninja >/dev/null && generator=(-G Ninja)
	cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
		-DPRISMSYNC_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target prismsync >/dev/null
mkdir -p "$out"
# CPack's staging area goes to a temporary directory, so that packaging
# leaves the build directory as it was.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cpack --config "$build/CPackConfig.cmake" -B "$stage" >"$stage/cpack.log" 2>&1 ||
	{ cat "$stage/cpack.log" >&2; exit 1; }
shopt -s nullglob
packages=("$stage"/*.deb "$stage"/*.tar.gz)
if [ ${#packages[@]} -ne 2 ]; then
	echo "package: expected a .deb and a .tar.gz, CPack wrote: ${packages[*]:-nothing}" >&2
	cat "$stage/cpack.log" >&2
	exit 1
fi
for p in "${packages[@]}"; do
	mv -f "$p" "$out/"
	echo "$out/$(basename "$p")"
done
