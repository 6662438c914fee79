'use strict';
// The real-world definition corpus (../shared/realworld/definitions, exported
// from real Prismatic orgs): the emulator imports every file and exporting it
// returns an equivalent document. Skipped, saying so, where the corpus is absent.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const YAML = require('../yaml');
const H = require('./helpers');

const files = H.realworldFiles();
const skip = files ? false : `real-world corpus not found at ${H.REALWORLD}`;

const IMPORT = `mutation($d: String!, $id: ID) { importIntegration(input: {definition: $d, integrationId: $id}) {
  integration { id name flows { nodes { name } } requiredConfigVariables { nodes { key } } } errors { field messages } } }`;
const EXPORT = `query($id: ID!, $l: Boolean) { integration(id: $id) { definition(version: 7, useLatestComponentVersions: $l) } }`;

test('every real-world definition imports and round-trips through export', { skip }, async (t) => {
  const s = await H.startInProcess({ publishDelayMs: 0 });
  t.after(() => s.stop());
  const token = await H.getToken(s.url);
  const q = (query, vars) => H.gql(s.url, token, query, vars);
  assert.ok(files.length >= 1);
  for (const file of files) {
    await t.test(path.basename(file), async () => {
      const text = fs.readFileSync(file, 'utf8');
      const original = YAML.parse(text);
      const valid = await q('mutation($d: String!) { validateIntegrationSchema(input: {definition: $d}) { result { isValid } errors { field messages } } }', { d: text });
      assert.deepEqual(valid.validateIntegrationSchema, { result: { isValid: true }, errors: [] });
      const imp = (await q(IMPORT, { d: text })).importIntegration;
      assert.deepEqual(imp.errors, []);
      const it = imp.integration;
      assert.equal(it.name, original.name);
      assert.deepEqual(it.flows.nodes.map((f) => f.name), (original.flows || []).map((f) => f.name));
      assert.deepEqual(it.requiredConfigVariables.nodes.map((c) => c.key), (original.requiredConfigVars || []).map((c) => c.key));

      const exported = (await q(EXPORT, { id: it.id })).integration.definition;
      const back = YAML.parse(exported);
      assert.deepEqual(H.semanticDiff(original, back), [], 'the export contains everything in the file');
      // LATEST was pinned to a number on the server
      const versions = [];
      JSON.stringify(back, (k, v) => { if (k === 'component' && v && 'version' in v) versions.push(v.version); return v; });
      assert.ok(versions.length > 0 && versions.every((v) => Number.isInteger(v)));
      // with useLatestComponentVersions the versions read LATEST again
      const latest = YAML.parse((await q(EXPORT, { id: it.id, l: true })).integration.definition);
      const back2 = [];
      JSON.stringify(latest, (k, v) => { if (k === 'component' && v && 'version' in v) back2.push(v.version); return v; });
      assert.ok(back2.every((v) => v === 'LATEST'));
      // re-importing the export into the same draft is a fixed point
      await q(IMPORT, { d: exported, id: it.id });
      assert.equal((await q(EXPORT, { id: it.id })).integration.definition, exported);
      // and a change to one input value is visible
      const changed = JSON.parse(JSON.stringify(original));
      const step = (changed.flows || [])[0] && changed.flows[0].steps[changed.flows[0].steps.length - 1];
      if (step && step.inputs && Object.keys(step.inputs).length) {
        const k = Object.keys(step.inputs)[0];
        step.inputs[k] = { type: 'value', value: 'changed-by-test' };
        await q(IMPORT, { d: YAML.stringify(changed), id: it.id });
        const b3 = YAML.parse((await q(EXPORT, { id: it.id })).integration.definition);
        const diff = H.semanticDiff(original, b3);
        assert.equal(diff.length >= 1, true);
        assert.ok(diff.every((d) => d.startsWith(`flows[0].steps[${changed.flows[0].steps.length - 1}].inputs.${k}`)), diff.join('\n'));
      }
    });
  }
});

test('the YAML reader reads every real-world file and the writer round-trips it', { skip }, () => {
  for (const file of files) {
    const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(typeof doc.name, 'string', file);
    assert.deepEqual(YAML.parse(YAML.stringify(doc)), doc, file);
  }
});
