#!/usr/bin/env node
// Exits 0 when two YAML files hold the same data (key order aside), 1 when
// they differ: the "normalise, then compare" step of the prism CLI baseline.
//
//   node bench/yaml-same.js A.yml B.yml
'use strict';
const fs = require('fs');
const YAML = require('../tests/emulator/yaml.js');

const canon = (v) => (Array.isArray(v) ? v.map(canon)
  : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v);
const read = (f) => JSON.stringify(canon(YAML.parse(fs.readFileSync(f, 'utf8'))));
try {
  process.exit(read(process.argv[2]) === read(process.argv[3]) ? 0 : 1);
} catch (e) {
  process.stderr.write(`yaml-same: ${e.message}\n`);
  process.exit(2);
}
