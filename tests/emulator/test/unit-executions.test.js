'use strict';
// Flow configs and test executions: Test Flow (testInstanceFlowConfig), Get
// Execution (executionResult) and the execution fault rule.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const H = require('./helpers');

const V1 = fs.readFileSync(path.join(H.TESTDATA, 'order-sync.yml'), 'utf8');
const V2 = fs.readFileSync(path.join(H.TESTDATA, 'order-sync-v2.yml'), 'utf8');

const ERRORS = 'errors { field messages }';
const IMPORT = `mutation($d: String!, $id: ID) { importIntegration(input: {definition: $d, integrationId: $id}) {
  integration { id } ${ERRORS} } }`;
const PUBLISH = `mutation($id: ID!) { publishIntegration(input: {id: $id}) { integration { id versionNumber } ${ERRORS} } }`;
const CUSTOMER = `mutation($n: String!, $e: String) { createCustomer(input: {name: $n, externalId: $e}) { customer { id } ${ERRORS} } }`;
const INSTANCE = `mutation($n: String!, $i: ID!, $c: ID!) { createInstance(input: {name: $n, integration: $i, customer: $c,
  configVariables: [{key: "ERP API Key", value: "k"}]}) { instance { id } ${ERRORS} } }`;
const UPDATE = `mutation($id: ID!, $v: ID!) { updateInstance(input: {id: $id, integration: $v}) { instance { id } ${ERRORS} } }`;
const DEPLOY = `mutation($id: ID!) { deployInstance(input: {id: $id}) { instance { id deployedVersion } ${ERRORS} } }`;
const FLOW_CONFIGS = `query($id: ID!) { instance(id: $id) { flowConfigs { nodes { id flow { name } } } } }`;
const TEST = `mutation($id: ID!, $p: String, $ct: String) { testInstanceFlowConfig(input: {id: $id, payload: $p, contentType: $ct}) {
  testInstanceFlowConfigResult { statusCode flowConfig { id } execution { id status endedAt } } ${ERRORS} } }`;
const EXEC = `query($id: ID!) { executionResult(id: $id) { id status startedAt endedAt error isTestExecution
  flow { name } instance { name } flowConfig { id } } }`;

async function setup(t) {
  const s = await H.startInProcess({ publishDelayMs: 0, executionMs: 100 });
  t.after(() => s.stop());
  const token = await H.getToken(s.url);
  const q = (query, variables) => H.gql(s.url, token, query, variables);
  const draft = (await q(IMPORT, { d: V1 })).importIntegration.integration.id;
  const v1 = (await q(PUBLISH, { id: draft })).publishIntegration.integration.id;
  await q(IMPORT, { d: V2, id: draft });
  const v2 = (await q(PUBLISH, { id: draft })).publishIntegration.integration.id;
  const cust = (await q(CUSTOMER, { n: 'Acme', e: 'acme' })).createCustomer.customer.id;
  const inst = (await q(INSTANCE, { n: 'Order Sync', i: v1, c: cust })).createInstance;
  assert.deepEqual(inst.errors, []);
  const id = inst.instance.id;
  const flowConfig = async () => (await q(FLOW_CONFIGS, { id })).instance.flowConfigs.nodes.find((n) => n.flow.name === 'Sync Orders').id;
  const run = async () => {
    const r = (await q(TEST, { id: await flowConfig(), p: '{"order": 1}', ct: 'application/json' })).testInstanceFlowConfig;
    assert.deepEqual(r.errors, []);
    return r.testInstanceFlowConfigResult.execution.id;
  };
  const wait = async (execId, ms = 2000) => {
    const until = Date.now() + ms;
    for (;;) {
      const e = (await q(EXEC, { id: execId })).executionResult;
      if (e.endedAt || Date.now() > until) return e;
      await H.sleep(30);
    }
  };
  return { ...s, q, id, v1, v2, flowConfig, run, wait };
}

test('a deployed instance has one flow config per flow; a test execution ends in SUCCESS', async (t) => {
  const { q, id, run, wait, flowConfig } = await setup(t);
  const fc = await flowConfig();
  const refused = (await q(TEST, { id: fc })).testInstanceFlowConfig;
  assert.match(refused.errors[0].messages[0], /not deployed/, 'an undeployed instance has nothing to run');
  assert.equal((await q(DEPLOY, { id })).deployInstance.instance.deployedVersion, 1);
  const execId = await run();
  const first = (await q(EXEC, { id: execId })).executionResult;
  assert.equal(first.status, 'PENDING');
  assert.equal(first.endedAt, null);
  const e = await wait(execId);
  assert.equal(e.status, 'SUCCESS');
  assert.equal(e.error, null);
  assert.equal(e.isTestExecution, true);
  assert.equal(e.flow.name, 'Sync Orders');
  assert.equal(e.instance.name, 'Order Sync');
  assert.equal(e.flowConfig.id, fc);
  assert.ok(Date.parse(e.endedAt) >= Date.parse(e.startedAt) + 90, 'it runs for --execution-ms');
});

test('execution fault rules: ERROR with its text, HANG for ever, times and version', async (t) => {
  const { q, id, v2, url, run, wait } = await setup(t);
  await q(DEPLOY, { id });
  const faults = await H.control(url, 'POST', '/__emulator/faults', [
    { execution: { customer: 'acme', instance: 'Order Sync', flow: 'Sync Orders', status: 'ERROR', error: 'ERP answered 500' }, times: 1 },
    { execution: { customer: 'acme', instance: 'Order Sync', flow: 'Sync Orders', status: 'HANG', version: 2 } },
  ]);
  assert.equal(faults.ids.length, 2);
  let e = await wait(await run());
  assert.equal(e.status, 'ERROR');
  assert.equal(e.error, 'ERP answered 500');
  e = await wait(await run());
  assert.equal(e.status, 'SUCCESS', 'times: 1 is used up; version 2 is not running');
  await q(UPDATE, { id, v: v2 });
  await q(DEPLOY, { id });
  e = await wait(await run(), 400);
  assert.equal(e.status, 'PENDING');
  assert.equal(e.endedAt, null, 'HANG never ends');
  const rules = (await H.control(url, 'GET', '/__emulator/faults')).rules;
  assert.deepEqual(rules.map((r) => r.hits), [1, 1]);
  const bad = await fetch(`${url}/__emulator/faults`, { method: 'POST', body: JSON.stringify({ execution: { status: 'MAYBE' } }) });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /ERROR.*HANG/);
});
