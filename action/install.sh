#!/usr/bin/env bash
# Installs one pinned prismsync release for the GitHub Action (action.yml).
#
# The release assets of version V are, under
# https://github.com/OWNER/REPO/releases/download/vV/:
#   prismsync_V_ARCH.deb                 (ARCH as dpkg names it: amd64, arm64)
#   prismsync-V-linux-MACHINE.tar.gz     (MACHINE as uname -m: x86_64, aarch64)
# scripts/package.sh builds both. The .deb is installed with apt-get, which
# also installs the libraries it needs; without apt-get, the .tar.gz is
# unpacked and its bin/ put on the PATH.
#
# Environment: PRISMSYNC_VERSION (required), PRISMSYNC_RELEASES (the
# .../releases/download base), PRISMSYNC_PACKAGE_URL (overrides the asset),
# PRISMSYNC_INSTALL_DIR (for the .tar.gz; default $RUNNER_TEMP/prismsync).
# --print-url prints the URL it would download and exits.
set -euo pipefail

die() { echo "::error::prismsync install: $*" >&2; exit 1; }

version=${PRISMSYNC_VERSION:-}
[[ $version =~ ^v?[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
	die "input 'version' must be a release such as 0.1.0, not '${version}'"
version=${version#v}

url=${PRISMSYNC_PACKAGE_URL:-}
if [ -z "$url" ]; then
	base=${PRISMSYNC_RELEASES:-}
	case $base in
	*//releases/download | "") die "cannot tell which repository holds the releases; set the input 'package-url'" ;;
	esac
	if command -v apt-get >/dev/null && command -v dpkg >/dev/null; then
		url="$base/v$version/prismsync_${version}_$(dpkg --print-architecture).deb"
	else
		url="$base/v$version/prismsync-$version-linux-$(uname -m).tar.gz"
	fi
fi
if [ "${1:-}" = --print-url ]; then
	echo "$url"
	exit 0
fi
# A second use of the Action in one job finds it installed.
if [ "$(prismsync --version 2>/dev/null | head -n 1)" = "prismsync $version" ]; then
	echo "prismsync $version is installed"
	exit 0
fi

tmp=$(mktemp -d "${RUNNER_TEMP:-/tmp}/prismsync-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "Downloading $url"
case $url in
*.deb)
	curl -fsSL --retry 3 -o "$tmp/prismsync.deb" "$url" || die "cannot download $url"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get install -y -qq "$tmp/prismsync.deb" >/dev/null || die "apt-get could not install $url"
	bin=$(command -v prismsync)
	;;
*.tar.gz | *.tgz)
	curl -fsSL --retry 3 -o "$tmp/prismsync.tar.gz" "$url" || die "cannot download $url"
	dest=${PRISMSYNC_INSTALL_DIR:-${RUNNER_TEMP:-/tmp}/prismsync}
	mkdir -p "$dest"
	tar -xzf "$tmp/prismsync.tar.gz" -C "$dest" --strip-components=1 || die "$url is not a prismsync .tar.gz"
	bin=$dest/bin/prismsync
	[ -x "$bin" ] || die "$url holds no bin/prismsync"
	[ -n "${GITHUB_PATH:-}" ] && echo "$dest/bin" >>"$GITHUB_PATH"
	;;
*) die "package-url must end in .deb or .tar.gz: $url" ;;
esac

got=$("$bin" --version | head -n 1) || die "the installed prismsync does not run"
[ "$got" = "prismsync $version" ] || die "asked for prismsync $version, the package holds '$got'"
"$bin" --version
