#!/usr/bin/env bash
# Builds prismsync twice, with warnings as errors: a release build, and a
# debug build with AddressSanitizer and UndefinedBehaviorSanitizer. Runs every
# test through ctest on both (the Node.js suites, which do not involve the C
# code, run once), after eslint on the emulator. Exits non-zero on the first
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh

jobs=$(nproc 2>/dev/null || echo 2)

echo "== format check"
if command -v clang-format >/dev/null; then
	files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
	# shellcheck disable=SC2086
	clang-format --dry-run --Werror $files
fi

echo "== lint (eslint on the emulator and its tests)"
(cd tests/emulator && npm run --silent lint)

echo "== release build (-Werror)"
cmake -S . -B build -G Ninja -DPRISMSYNC_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
(cd build && ctest --output-on-failure -j "$jobs")

echo "== sanitizer build (address, undefined)"
cmake -S . -B build-asan -G Ninja -DPRISMSYNC_WERROR=ON -DPRISMSYNC_SANITIZE=ON \
	-DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --output-on-failure -j "$jobs" -LE node)

echo "== demo (scripts/demo.sh, as a new user runs it)"
scripts/demo.sh >build/demo.log 2>&1 || { cat build/demo.log; echo "scripts/demo.sh failed"; exit 1; }
echo "demo: ok (output in build/demo.log)"

echo "== benchmark smoke (bench/run.sh --smoke S: one run, a few prism CLI calls)"
bench/run.sh --smoke S >build/bench-smoke.log 2>&1 || { cat build/bench-smoke.log; echo "bench/run.sh --smoke S failed"; exit 1; }
echo "bench: ok (report in build/bench-smoke.md)"
