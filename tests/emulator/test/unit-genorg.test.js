'use strict';
// The seed generator, and the SDL against what the prism CLI sends.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { buildSchema, parse, validate } = require('graphql');
const { generate, parseArgs } = require('../genorg');
const H = require('./helpers');

test('genorg sizes and explicit counts', () => {
  const s = generate(parseArgs(['--size', 'S']));
  assert.equal(s.format, 'prismsync-emulator-state');
  assert.deepEqual([s.integrations.length, s.instances.length, s.customers.length], [10, 100, 50]);
  const m = parseArgs(['--size', 'M']);
  assert.deepEqual([m.integrations, m.instances, m.customers], [100, 2000, 500]);
  const l = parseArgs(['--size', 'L']);
  assert.deepEqual([l.integrations, l.instances, l.customers], [1000, 10000, 2000]);
  const c = generate(parseArgs(['--integrations', '4', '--instances', '7', '--customers', '3', '--versions', '3']));
  assert.deepEqual([c.integrations.length, c.instances.length, c.customers.length], [4, 7, 3]);
  assert.ok(c.integrations.every((i) => i.versions.length === 3 && i.versionNumber === 4));
  // identity is unique: one instance per (customer, integration name)
  const keys = new Set(c.instances.map((i) => `${i.customerId}/${i.name}`));
  assert.equal(keys.size, 7);
  assert.throws(() => generate(parseArgs(['--integrations', '1', '--customers', '1', '--instances', '2'])), /at most 1/);
});

test('genorg is deterministic for a seed and loads into the emulator unchanged', async (t) => {
  const a = JSON.stringify(generate(parseArgs(['--size', 'S', '--seed', '5'])));
  const b = JSON.stringify(generate(parseArgs(['--size', 'S', '--seed', '5'])));
  assert.ok(a === b, 'same seed, same output');
  assert.notEqual(a, JSON.stringify(generate(parseArgs(['--size', 'S', '--seed', '6']))));

  const dir = H.tmpDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'org.json');
  const r = spawnSync(process.execPath, [path.join(H.EMULATOR_DIR, 'genorg.js'), '--size', 'S', '--seed', '5', '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(fs.readFileSync(out, 'utf8') === a, 'the CLI writes the same document');
  const e = await H.startEmulator(['--seed', out]);
  t.after(() => e.stop());
  const state = await H.getState(e.url);
  assert.ok(JSON.stringify(state) === a, 'GET /__emulator/state returns the seed unchanged');
  const token = await H.getToken(e.url);
  const d = await H.gql(e.url, token, `{ instances(isSystem: false, first: 100) { totalCount nodes { needsDeploy deployedVersion
    integration { versionNumber versionIsAvailable } } } integrations { totalCount nodes { hasUnpublishedChanges } } }`);
  assert.equal(d.instances.totalCount, 100);
  assert.ok(d.instances.nodes.every((n) => n.integration.versionIsAvailable));
  assert.ok(d.instances.nodes.some((n) => n.needsDeploy) && d.instances.nodes.some((n) => !n.needsDeploy));
  assert.ok(d.integrations.nodes.every((n) => n.hasUnpublishedChanges === false), 'drafts equal their latest version');
});

// Every GraphQL document prism 10.4.0 sends for the commands the emulator
// models validates against schema/prismatic.graphql.
const PRISM_BUNDLE = path.join(H.REPO, 'tests', 'prism', 'node_modules', '@prismatic-io', 'prism', 'lib', 'index.js');
const COVERED = [
  'whoami', 'listIntegrations', 'importIntegration', 'export', 'publishIntegration', 'listIntegrationVersions',
  'listCustomers', 'createCustomer', 'updateCustomer', 'deleteCustomer', 'listInstances', 'createInstance',
  'updateInstance', 'deployInstance', 'disableInstance', 'enableInstance', 'deleteInstance', 'deleteIntegration',
  'DeleteIntegration', 'validateIntegrationSchema', 'updateIntegration', 'createIntegration', 'GetIntegrationFlow',
  'TestIntegrationFlow', 'GetIntegrationFlows', 'pollExecution', 'markAvailability', 'listInstanceConfigVariables', 'GetIntegrationSystemInstance',
];

test('the SDL accepts every document prism 10.4.0 sends for the modelled commands',
  { skip: fs.existsSync(PRISM_BUNDLE) ? false : 'prism CLI not installed (npm ci in tests/prism)' }, () => {
    const schema = buildSchema(fs.readFileSync(path.join(H.REPO, 'schema', 'prismatic.graphql'), 'utf8'));
    const src = fs.readFileSync(PRISM_BUNDLE, 'utf8');
    const found = new Map();
    const re = /(?:Sr|=)`(\s*(?:query|mutation)\b[\s\S]*?)`/g;
    let m;
    while ((m = re.exec(src))) {
      let doc;
      try { doc = parse(m[1]); } catch { continue; }
      for (const def of doc.definitions) {
        const name = def.name ? def.name.value : null;
        if (!COVERED.includes(name)) continue;
        // `integration` is also the name of an out-of-scope query; match by the operations instead
        if (!found.has(name)) found.set(name, []);
        found.get(name).push(m[1]);
      }
    }
    for (const name of COVERED) assert.ok(found.has(name), `prism no longer sends "${name}"`);
    for (const [name, docs] of found) {
      for (const d of docs) {
        const errors = validate(schema, parse(d));
        assert.deepEqual(errors.map((e) => e.message), [], `${name}:\n${d}`);
      }
    }
    // the definition fetch behind `integrations:import --replace`
    assert.deepEqual(validate(schema, parse('query integration($integrationId: ID!) { integration(id: $integrationId) { definition } }')), []);
  });
