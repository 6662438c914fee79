'use strict';
// Checks over a set of definitions: the emulator imports every file and
// exporting it returns an equivalent document; the YAML reader and writer
// round-trip it; every instance of it can be configured and deployed. Run
// over the project's testdata/definitions (unit-definitions.test.js) and the
// real-world corpus (realworld.test.js).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const YAML = require('../yaml');
const H = require('./helpers');


const IMPORT = `mutation($d: String!, $id: ID) { importIntegration(input: {definition: $d, integrationId: $id}) {
  integration { id name flows { nodes { name } } requiredConfigVariables { nodes { key } } } errors { field messages } } }`;
const EXPORT = `query($id: ID!, $l: Boolean) { integration(id: $id) { definition(version: 7, useLatestComponentVersions: $l) } }`;

// Defines the checks over `files` (paths of definitions), named after `set`.
function defineCorpusTests(set, files) {
  assert.ok(files.length >= 1, `no definitions in the ${set}`);
  test(`${set}: every definition imports and round-trips through export`, async (t) => {
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

  test(`${set}: the YAML reader reads every file and the writer round-trips it`, () => {
    for (const file of files) {
      const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
      assert.equal(typeof doc.name, 'string', file);
      assert.deepEqual(YAML.parse(YAML.stringify(doc)), doc, file);
    }
  });

  // Every connection of the corpus is a catalogue connection: its inputs are
  // known, secrets are write-only, OAuth 2.0 ones wait for authorization.
  const OAUTH = new Set(['github/oauth2', 'salesforce/oauth2', 'google-sheets/oauth2', 'dropbox/oauth', 'google-gmail/oauth2',
    'atlassian-jira/oauth2', 'slack/oauth2', 'zendesk/oauth2']);

  test(`${set}: every instance can be configured with connection values, authorized and deployed`, async (t) => {
    const s = await H.startInProcess({ publishDelayMs: 0, state: { customers: [{ name: 'Acme', externalId: 'acme' }] } });
    t.after(() => s.stop());
    const token = await H.getToken(s.url);
    const q = (query, vars) => H.gql(s.url, token, query, vars);
    const customer = s.model.customerByExternalId.get('acme').id;
    for (const file of files) {
      await t.test(path.basename(file), async () => {
        const def = YAML.parse(fs.readFileSync(file, 'utf8'));
        const id = (await q(IMPORT, { d: YAML.stringify(def) })).importIntegration.integration.id;
        const ver = (await q(`mutation($id: ID) { publishIntegration(input: {id: $id}) { integration { id } errors { field messages } } }`, { id }))
          .publishIntegration.integration.id;
        const cvs = [];
        const pending = [];
        for (const cv of def.requiredConfigVars || []) {
          if (cv.dataType === 'connection') {
            const kind = `${cv.connection.component.key}/${cv.connection.key}`;
            if (OAUTH.has(kind)) pending.push(cv.key);
            const values = Object.keys(cv.inputs || {}).map((name) => ({ name, type: 'value', value: `${name}-value` }));
            cvs.push({ key: cv.key, values: JSON.stringify(values) });
          } else if (cv.defaultValue === undefined || cv.defaultValue === null) {
            cvs.push({ key: cv.key, value: 'set-by-test' });
          }
        }
        const c = (await q(`mutation($i: ID!, $c: ID!, $cv: [InputInstanceConfigVariable]) {
          createInstance(input: {name: "RW", integration: $i, customer: $c, configVariables: $cv}) { instance { id configState } errors { field messages } } }`,
        { i: ver, c: customer, cv: cvs })).createInstance;
        assert.deepEqual(c.errors, []);
        const read = async () => (await q(`query($id: ID!) { instance(id: $id) { configState configVariables { nodes {
          status authorizeUrl requiredConfigVariable { key dataType connection { oauth2Type } }
          inputs { nodes { name value hasValue } } } } } }`, { id: c.instance.id })).instance;
        let inst = await read();
        for (const n of inst.configVariables.nodes.filter((x) => x.requiredConfigVariable.dataType === 'CONNECTION')) {
          const key = n.requiredConfigVariable.key;
          const oauth = pending.includes(key);
          assert.equal(n.status, oauth ? 'PENDING' : 'ACTIVE', key);
          assert.equal(n.requiredConfigVariable.connection.oauth2Type, oauth ? 'AUTHORIZATION_CODE' : null, key);
          assert.equal(!!n.authorizeUrl, oauth, key);
          const declared = def.requiredConfigVars.find((x) => x.key === key).inputs || {};
          for (const i of n.inputs.nodes.filter((x) => x.name in declared)) {
            assert.ok(i.hasValue, `${key}.${i.name}`);
            // secrets are write-only; everything else reads back as written
            const secret = /secret|password|privateKey|^apiKey$/i.test(i.name);
            assert.equal(i.value, secret ? '' : `${i.name}-value`, `${key}.${i.name}`);
          }
        }
        assert.equal(inst.configState, pending.length ? 'NEEDS_INSTANCE_CONFIGURATION' : 'FULLY_CONFIGURED');
        for (const key of pending) await H.control(s.url, 'POST', '/__emulator/authorize', { instance: c.instance.id, key });
        inst = await read();
        assert.equal(inst.configState, 'FULLY_CONFIGURED');
        const d = (await q(`mutation($id: ID!) { deployInstance(input: {id: $id}) { instance { deployedVersion } errors { field messages } } }`, { id: c.instance.id })).deployInstance;
        assert.deepEqual([d.errors, d.instance.deployedVersion], [[], 1]);
      });
    }
  });
}

module.exports = { defineCorpusTests };
