'use strict';
// Code-native integrations (testdata/code-native-seed.json): no definition
// anywhere, a nullable description, instances managed like any other, and
// import refused; genorg --code-native.

const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const H = require('./helpers');

const SEED = require(path.join(H.TESTDATA, 'code-native-seed.json'));
const ERRORS = 'errors { field messages }';
const BILLING = 'SW50ZWdyYXRpb246Y24tYmlsbGluZw==';
const V1 = 'SW50ZWdyYXRpb246Y24tYmlsbGluZy12MQ==';
const V2 = 'SW50ZWdyYXRpb246Y24tYmlsbGluZy12Mg==';
const BETA_INSTANCE = 'SW5zdGFuY2U6Y24tYmV0YQ==';

async function setup(t) {
  const s = await H.startInProcess({ state: SEED, publishDelayMs: 0 });
  t.after(() => s.stop());
  const token = await H.getToken(s.url);
  const q = (query, variables) => H.gql(s.url, token, query, variables);
  return { ...s, q };
}

test('code-native integrations have no definition, for the draft and every version', async (t) => {
  const { q } = await setup(t);
  const list = (await q(`{ integrations(sortBy: [{field: NAME, direction: ASC}]) { nodes { id name description isCodeNative
    definition hasUnpublishedChanges versionNumber
    versionSequence(sortBy: [{field: VERSION_NUMBER, direction: ASC}]) { nodes { id versionNumber definition(version: 7) description } } } } }`)).integrations.nodes;
  assert.deepEqual(list.map((i) => [i.name, i.isCodeNative]), [['Native Billing', true], ['Native Draft', true], ['YAML Relay', false]]);
  const [billing, draft, yaml] = list;
  assert.equal(billing.definition, null);
  assert.equal(billing.description, null, 'description is nullable');
  assert.equal(draft.description, 'Never published');
  assert.deepEqual(billing.versionSequence.nodes.map((v) => [v.id, v.versionNumber, v.definition]), [[V1, 1, null], [V2, 2, null]]);
  assert.equal(billing.versionNumber, 3);
  assert.deepEqual([billing.hasUnpublishedChanges, draft.hasUnpublishedChanges], [false, true]);
  assert.match(yaml.definition, /name: YAML Relay/);
  const only = (await q('{ a: integrations(isCodeNative: true) { totalCount } b: integrations(isCodeNative: false) { nodes { name } } }'));
  assert.equal(only.a.totalCount, 2);
  assert.deepEqual(only.b.nodes, [{ name: 'YAML Relay' }]);
  const rcv = (await q(`query($id: ID!) { integration(id: $id) { requiredConfigVariables { nodes { key dataType defaultValue } } } }`, { id: V2 }))
    .integration.requiredConfigVariables.nodes;
  assert.deepEqual(rcv.map((v) => [v.key, v.dataType]), [['API Base', 'STRING'], ['Billing Token', 'STRING'], ['Nightly', 'SCHEDULE'], ['Slack', 'CONNECTION']]);
});

test('importIntegration onto a code-native integration is a payload error and changes nothing', async (t) => {
  const { q, url } = await setup(t);
  const before = await H.getState(url);
  const r = (await q(`mutation($d: String!, $id: ID) { importIntegration(input: {definition: $d, integrationId: $id}) {
    integration { id } ${ERRORS} } }`, { d: 'definitionVersion: 7\nname: Native Billing\n', id: BILLING })).importIntegration;
  assert.equal(r.integration, null);
  assert.equal(r.errors[0].field, 'integrationId');
  assert.match(r.errors[0].messages[0], /code-native/);
  assert.deepEqual(await H.getState(url), before);
});

test('instances of a code-native integration: create, config, version switch, deploy, publish', async (t) => {
  const { q } = await setup(t);
  const inst = async (id) => (await q(`query($id: ID!) { instance(id: $id) { configState needsDeploy deployedVersion
    integration { id versionNumber isCodeNative } configVariables { nodes { value status requiredConfigVariable { key } } } } }`, { id })).instance;
  // Never deployed, Billing Token unset: deploy refused.
  let b = await inst(BETA_INSTANCE);
  assert.deepEqual([b.configState, b.deployedVersion, b.integration.isCodeNative], ['NEEDS_INSTANCE_CONFIGURATION', 0, true]);
  const deploy = `mutation($id: ID!) { deployInstance(input: {id: $id}) { instance { deployedVersion needsDeploy } ${ERRORS} } }`;
  assert.match((await q(deploy, { id: BETA_INSTANCE })).deployInstance.errors[0].messages[0], /set: Billing Token, Slack/);
  let r = (await q(`mutation($id: ID!, $cv: [InputInstanceConfigVariable]) { updateInstanceConfigVariables(input: {id: $id, configVariables: $cv}) {
    instance { configState } ${ERRORS} } }`, { id: BETA_INSTANCE, cv: [{ key: 'Billing Token', value: 'beta-token' }] })).updateInstanceConfigVariables;
  assert.deepEqual(r.errors, []);
  r = (await q(deploy, { id: BETA_INSTANCE })).deployInstance;
  assert.match(r.errors[0].messages[0], /set: Slack\./);
  // Back to version 1 (no Slack): the token is kept, deploy succeeds.
  const up = (await q(`mutation($id: ID!, $v: ID!) { updateInstance(input: {id: $id, integration: $v}) { instance { needsDeploy } ${ERRORS} } }`,
    { id: BETA_INSTANCE, v: V1 })).updateInstance;
  assert.deepEqual(up.errors, []);
  r = (await q(deploy, { id: BETA_INSTANCE })).deployInstance;
  assert.deepEqual([r.errors, r.instance.deployedVersion, r.instance.needsDeploy], [[], 1, false]);
  b = await inst(BETA_INSTANCE);
  assert.deepEqual(b.configVariables.nodes.map((n) => [n.requiredConfigVariable.key, n.value]),
    [['API Base', 'https://billing.example/v2'], ['Billing Token', 'beta-token'], ['Nightly', '0 1 * * *']],
    'a version switch keeps the values of variables that still exist');

  // A new instance, and a publish of the code-native draft (version 3).
  const c = (await q(`mutation { createInstance(input: {name: "Billing 2", integration: "${V2}", customer: "Q3VzdG9tZXI6Y24tYWNtZQ==",
    configVariables: [{key: "Billing Token", value: "t"}, {key: "Slack", customerConfigVariableId: "Q3VzdG9tZXJDb25maWdWYXJpYWJsZTpjbi1zbGFjaw=="}]}) {
    instance { id configState } ${ERRORS} } }`)).createInstance;
  assert.deepEqual([c.errors, c.instance.configState], [[], 'FULLY_CONFIGURED']);
  const p = (await q(`mutation { publishIntegration(input: {id: "${BILLING}", comment: "c"}) { integration { id versionNumber definition } ${ERRORS} } }`)).publishIntegration;
  assert.deepEqual([p.errors, p.integration.versionNumber, p.integration.definition], [[], 3, null]);
});

test('state round-trip of code-native integrations', async (t) => {
  const { url } = await setup(t);
  const state = await H.getState(url);
  const billing = state.integrations.find((i) => i.id === BILLING);
  assert.equal(billing.isCodeNative, true);
  assert.equal(billing.definition, undefined);
  assert.deepEqual(billing.configVars.map((c) => c.key), ['API Base', 'Billing Token', 'Nightly']);
  assert.deepEqual(billing.versions[1].configVars.map((c) => c.key), ['API Base', 'Billing Token', 'Nightly', 'Slack']);
  await H.control(url, 'POST', '/__emulator/state', state);
  assert.deepEqual(await H.getState(url), state);
});

test('genorg --code-native N: the last N integrations are code-native; 0 changes nothing', () => {
  const { generate, parseArgs } = require('../genorg');
  const plain = generate(parseArgs(['--integrations', '3', '--instances', '6', '--customers', '2']));
  const zero = generate(parseArgs(['--integrations', '3', '--instances', '6', '--customers', '2', '--code-native', '0']));
  assert.deepEqual(zero, plain);
  const cn = generate(parseArgs(['--integrations', '3', '--instances', '6', '--customers', '2', '--code-native', '2']));
  assert.deepEqual(cn.integrations.map((i) => !!i.isCodeNative), [false, true, true]);
  for (const it of cn.integrations.slice(1)) {
    assert.equal(it.definition, undefined);
    assert.equal(it.description, null);
    assert.deepEqual(it.configVars.map((c) => c.key), ['Base URL', 'API Key', 'Page Size']);
  }
  assert.ok(cn.instances.some((i) => i.integrationId === cn.integrations[2].id));
  assert.throws(() => parseArgs(['--integrations', '1', '--code-native', '2']), /cannot exceed/);
});
