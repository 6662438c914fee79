#!/usr/bin/env node
// Prepares what the prism CLI baseline (bench/prism-baseline.sh) works from,
// the way a team's repository holds it today: the integration definition
// files, and the instances whose configuration a commit changed (what
// `git diff` of an instance list shows). Not timed.
//
//   node bench/baseline-input.js OLD_MANIFEST NEW_MANIFEST OUTDIR
//
// Writes:
//   OUTDIR/integrations.tsv       name TAB definition file (of NEW)
//   OUTDIR/instances-changed.jsonl one instance a line: customer, name,
//                                  integration, version, description, labels,
//                                  enabled, deploy, configVariables (of NEW)
//   OUTDIR/expected.json          counts, for extrapolating sampled runs
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('../tests/emulator/yaml.js');

function load(file) {
  const m = YAML.parse(fs.readFileSync(file, 'utf8'));
  const dir = path.dirname(path.resolve(file));
  const integrations = (m.integrations || []).map((g) => {
    const f = path.resolve(dir, g.definition);
    return { name: YAML.parse(fs.readFileSync(f, 'utf8')).name, file: f };
  });
  return { m, integrations };
}

function main() {
  const [oldFile, newFile, out] = process.argv.slice(2);
  if (!out) throw new Error('usage: baseline-input.js OLD_MANIFEST NEW_MANIFEST OUTDIR');
  const before = load(oldFile);
  const after = load(newFile);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'integrations.tsv'),
    after.integrations.map((g) => `${g.name}\t${g.file}\n`).join(''));
  const owner = `prismsync:owner=${after.m.owner}`;
  const key = (n) => `${n.customer}\u0000${n.name}\u0000${n.integration}`;
  const old = new Map((before.m.instances || []).map((n) => [key(n), n]));
  const changed = [];
  for (const n of after.m.instances || []) {
    const o = old.get(key(n));
    if (o && JSON.stringify(o.configVariables || {}) === JSON.stringify(n.configVariables || {})) continue;
    changed.push({
      customer: n.customer,
      name: n.name,
      integration: n.integration,
      version: n.version,
      description: n.description || '',
      labels: [...(n.labels || []), owner],
      enabled: n.enabled !== false,
      deploy: n.deploy !== false,
      configVariables: n.configVariables || {},
    });
  }
  fs.writeFileSync(path.join(out, 'instances-changed.jsonl'), changed.map((n) => JSON.stringify(n) + '\n').join(''));
  let changedIntegrations = 0;
  before.integrations.forEach((g, i) => {
    const a = after.integrations[i];
    if (a && fs.readFileSync(a.file, 'utf8') !== fs.readFileSync(g.file, 'utf8')) changedIntegrations++;
  });
  const expected = {
    customers: (after.m.customers || []).length,
    integrations: after.integrations.length,
    instances: (after.m.instances || []).length,
    changed_integrations: changedIntegrations,
    changed_instances: changed.length,
    changed_instances_disabled: changed.filter((n) => !n.enabled).length,
    changed_instances_deployed: changed.filter((n) => n.deploy).length,
  };
  fs.writeFileSync(path.join(out, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
}

try {
  main();
} catch (e) {
  process.stderr.write(`baseline-input: ${e.message}\n`);
  process.exit(1);
}
