'use strict';
// The corpus checks (corpus-checks.js) over the project's own definitions,
// testdata/definitions at the top of the repository: they run everywhere.

const path = require('path');
const H = require('./helpers');
const { defineCorpusTests } = require('./corpus-checks');

defineCorpusTests('testdata/definitions', H.definitionFiles(path.join(H.REPO, 'testdata', 'definitions')));
