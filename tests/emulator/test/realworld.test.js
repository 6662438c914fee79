'use strict';
// The corpus checks (corpus-checks.js) over the real-world definitions
// ($PRISMSYNC_REALWORLD/definitions, exported from real Prismatic orgs).
// ctest emulator.realworld: exit 77, saying why on stderr, when no corpus is
// configured; a configured path without definitions fails.

const H = require('./helpers');
const { defineCorpusTests } = require('./corpus-checks');

const files = H.realworldFiles();
if (files === null) {
  process.stderr.write('SKIP: no real-world corpus (PRISMSYNC_REALWORLD is empty: ../shared/realworld was not beside the checkout when cmake ran)\n');
  process.exit(77);
}
if (files.length === 0) {
  process.stderr.write(`FAIL: no definitions in ${H.REALWORLD}: is PRISMSYNC_REALWORLD mistyped?\n`);
  process.exit(1);
}
defineCorpusTests('real-world corpus', files);
