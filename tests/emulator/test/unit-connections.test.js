'use strict';
// Connections as the real API models them: `values` in, `inputs` out,
// write-only inputs, status, OAuth 2.0 authorization, customer-level
// connections, schedules, configState and deploy refusals.

const test = require('node:test');
const assert = require('node:assert');
const H = require('./helpers');

const ERRORS = 'errors { field messages }';

const conn = (component, key, inputs) => ({
  dataType: 'connection',
  connection: { component: { key: component, version: 'LATEST', isPublic: true }, key },
  inputs,
});

// One integration with every kind of config variable.
const DEFINITION = {
  definitionVersion: 7,
  name: 'Everything',
  requiredConfigVars: [
    { key: 'Base URL', dataType: 'string', defaultValue: 'https://api.example.com' },
    { key: 'Region', dataType: 'string' },
    { key: 'Nightly', dataType: 'schedule' },
    { key: 'GitHub', ...conn('github', 'oauth2', { clientId: { type: 'value', value: '' }, clientSecret: { type: 'value', value: '' }, scopes: { type: 'value', value: 'repo' } }) },
    { key: 'Salesforce', ...conn('salesforce', 'basic', { username: { type: 'value', value: '' }, password: { type: 'value', value: '' }, loginUrl: { type: 'value', value: '' } }) },
    { key: 'ERP', ...conn('acme-erp', 'apiKey', { host: { type: 'value', value: 'erp.example' }, apiKey: { type: 'value', value: '' } }) },
    { key: 'CRM', ...conn('acme-crm', 'oauth2', { clientId: { type: 'value', value: 'fixed-id' }, clientSecret: { type: 'value', value: '' } }) },
    { key: 'Slack', ...conn('slack', 'oauth2', {}) },
  ],
  flows: [{ name: 'Flow', steps: [{ name: 'Trigger', isTrigger: true, action: { key: 'webhook', component: { key: 'webhook-triggers', version: 'LATEST', isPublic: true } } }] }],
};

const SEED = {
  customers: [
    {
      id: 'Q3VzdG9tZXI6YWNtZQ==', name: 'Acme', externalId: 'acme',
      configVariables: [
        { id: 'Q3VzdG9tZXJDb25maWdWYXJpYWJsZTpzbGFjaw==', key: 'Slack Workspace', status: 'ACTIVE', inputs: { clientId: 'slack-id', clientSecret: 'slack-secret' } },
        { id: 'Q3VzdG9tZXJDb25maWdWYXJpYWJsZTpwZW5kaW5n', key: 'Slack Pending', status: 'PENDING', inputs: {} },
      ],
    },
    { id: 'Q3VzdG9tZXI6YmV0YQ==', name: 'Beta', externalId: 'beta' },
  ],
  integrations: [{ id: 'SW50ZWdyYXRpb246ZXZlcnl0aGluZw==', name: 'Everything', definition: DEFINITION, versions: [{ id: 'SW50ZWdyYXRpb246djE=', versionNumber: 1 }] }],
};

const CV_FIELDS = `id value status scheduleType timeZone authorizeUrl
  customerConfigVariable { id key status }
  inputs { nodes { name type value hasValue } }
  requiredConfigVariable { key dataType connection { key oauth2Type inputs { nodes { key type required } } } }`;
const CREATE = `mutation($cv: [InputInstanceConfigVariable], $c: ID!) {
  createInstance(input: {name: "E", integration: "SW50ZWdyYXRpb246djE=", customer: $c, configVariables: $cv}) {
    instance { id configState needsDeploy } ${ERRORS} } }`;
const READ = `query($id: ID!) { instance(id: $id) { configState needsDeploy deployedVersion
  configVariables(first: 100) { nodes { ${CV_FIELDS} } } } }`;
const UPDATE_CV = `mutation($id: ID!, $cv: [InputInstanceConfigVariable]) {
  updateInstanceConfigVariables(input: {id: $id, configVariables: $cv}) { instance { id configState } ${ERRORS} } }`;
const DEPLOY = `mutation($id: ID!, $f: Boolean) { deployInstance(input: {id: $id, force: $f}) {
  instance { id needsDeploy deployedVersion } ${ERRORS} } }`;

const values = (obj) => JSON.stringify(Object.entries(obj).map(([name, value]) => ({ name, type: 'value', value })));

// Everything set, GitHub and CRM still to be authorized.
const FULL = [
  { key: 'Region', value: 'eu' },
  { key: 'Nightly', value: '0 2 * * *', scheduleType: 'CUSTOM', timeZone: 'Europe/Berlin' },
  { key: 'GitHub', values: values({ clientId: 'gh-id', clientSecret: 'gh-secret' }) },
  { key: 'Salesforce', values: values({ username: 'svc@acme', password: 'sf-pass' }) },
  { key: 'ERP', values: values({ apiKey: 'erp-key' }) },
  { key: 'CRM', values: values({ clientSecret: 'crm-secret' }) },
  { key: 'Slack', customerConfigVariableId: 'Q3VzdG9tZXJDb25maWdWYXJpYWJsZTpzbGFjaw==' },
];

async function setup(t, opts = {}) {
  const s = await H.startInProcess({ state: SEED, publishDelayMs: 0, ...opts });
  t.after(() => s.stop());
  const token = await H.getToken(s.url);
  const q = (query, variables) => H.gql(s.url, token, query, variables);
  return { ...s, q };
}

async function create(q, cv, customer = 'Q3VzdG9tZXI6YWNtZQ==') {
  const r = (await q(CREATE, { cv, c: customer })).createInstance;
  return r;
}

async function read(q, id) {
  const inst = (await q(READ, { id })).instance;
  inst.byKey = Object.fromEntries(inst.configVariables.nodes.map((n) => [n.requiredConfigVariable.key, n]));
  return inst;
}

const inputsOf = (n) => Object.fromEntries(n.inputs.nodes.map((i) => [i.name, [i.value, i.hasValue]]));

test('values in, inputs out: write-only inputs come back empty with hasValue', async (t) => {
  const { q } = await setup(t);
  const c = await create(q, FULL);
  assert.deepEqual(c.errors, []);
  const inst = await read(q, c.instance.id);
  const gh = inst.byKey.GitHub;
  assert.equal(gh.value, null);
  assert.equal(gh.requiredConfigVariable.dataType, 'CONNECTION');
  assert.deepEqual(inputsOf(gh), { clientId: ['gh-id', true], clientSecret: ['', true], scopes: ['repo', true] });
  assert.ok(gh.inputs.nodes.every((i) => i.type === 'VALUE'));
  // Catalogue: a PASSWORD input is write-only; not given, an input takes the definition's default.
  assert.deepEqual(inputsOf(inst.byKey.Salesforce), { username: ['svc@acme', true], password: ['', true], loginUrl: ['https://login.salesforce.com', true] });
  // Not in the catalogue: write-only by name; unlisted inputs keep the definition's default.
  assert.deepEqual(inputsOf(inst.byKey.ERP), { host: ['erp.example', true], apiKey: ['', true] });
  // Plain variables have no inputs.
  assert.equal(inst.byKey.Region.inputs, null);
  assert.equal(inst.byKey.Region.value, 'eu');
  assert.equal(inst.byKey.Region.status, 'ACTIVE');
  // No secret anywhere in the answer.
  const text = JSON.stringify(await q(READ, { id: c.instance.id }));
  for (const secret of ['gh-secret', 'sf-pass', 'erp-key', 'crm-secret', 'slack-secret']) assert.ok(!text.includes(secret), secret);
});

test('the values list replaces the inputs as a whole; an unknown input is a payload error', async (t) => {
  const { q } = await setup(t);
  const c = await create(q, FULL);
  const id = c.instance.id;
  let r = (await q(UPDATE_CV, { id, cv: [{ key: 'Salesforce', values: values({ username: 'other' }) }] })).updateInstanceConfigVariables;
  assert.deepEqual(r.errors, []);
  let inst = await read(q, id);
  assert.deepEqual(inputsOf(inst.byKey.Salesforce).password, ['', false], 'an input left out goes back to its default');
  assert.equal(inst.byKey.Salesforce.status, 'PENDING', 'a required input is unset');
  r = (await q(UPDATE_CV, { id, cv: [{ key: 'Salesforce', values: values({ usernme: 'x' }) }] })).updateInstanceConfigVariables;
  assert.equal(r.instance, null);
  assert.match(r.errors[0].messages[0], /no input "usernme".*username/);
  r = (await q(UPDATE_CV, { id, cv: [{ key: 'Salesforce', values: 'not json' }] })).updateInstanceConfigVariables;
  assert.match(r.errors[0].messages[0], /not valid JSON/);
  r = (await q(UPDATE_CV, { id, cv: [{ key: 'Region', values: values({ a: 'b' }) }] })).updateInstanceConfigVariables;
  assert.match(r.errors[0].messages[0], /not a connection/);
  inst = await read(q, id);
  assert.deepEqual(inputsOf(inst.byKey.Salesforce).username, ['other', true], 'a refused write changes nothing');
});

test('OAuth 2.0 connections stay PENDING until authorized; deploy is refused meanwhile', async (t) => {
  const { q, url } = await setup(t);
  const c = await create(q, FULL);
  const id = c.instance.id;
  let inst = await read(q, id);
  assert.equal(inst.byKey.GitHub.status, 'PENDING');
  assert.equal(inst.byKey.CRM.status, 'PENDING', 'a connection key starting with "oauth" outside the catalogue is OAuth 2.0');
  assert.equal(inst.byKey.Salesforce.status, 'ACTIVE');
  assert.equal(inst.byKey.ERP.status, 'ACTIVE');
  assert.match(inst.byKey.GitHub.authorizeUrl, /^http:\/\/127\.0\.0\.1:\d+\/__emulator\/authorize\?configVariable=/);
  assert.equal(inst.byKey.Salesforce.authorizeUrl, null);
  assert.equal(inst.configState, 'NEEDS_INSTANCE_CONFIGURATION');
  assert.equal(inst.byKey.GitHub.requiredConfigVariable.connection.oauth2Type, 'AUTHORIZATION_CODE');

  for (const force of [false, true]) {
    const d = (await q(DEPLOY, { id, f: force })).deployInstance;
    assert.equal(d.instance, null);
    assert.deepEqual(d.errors, [{ field: '__all__', messages: ['The Instance is not fully configured; connections awaiting authorization: GitHub, CRM.'] }]);
  }
  // By instance id and key, and through the authorize URL, as a person would.
  assert.equal((await H.control(url, 'POST', '/__emulator/authorize', { instance: id, key: 'GitHub' })).configState, 'NEEDS_INSTANCE_CONFIGURATION');
  const r = await fetch(inst.byKey.CRM.authorizeUrl);
  assert.equal(r.status, 200);
  inst = await read(q, id);
  assert.equal(inst.byKey.GitHub.status, 'ACTIVE');
  assert.equal(inst.byKey.GitHub.authorizeUrl, null);
  assert.equal(inst.configState, 'FULLY_CONFIGURED');
  const d = (await q(DEPLOY, { id })).deployInstance;
  assert.deepEqual(d.errors, []);
  assert.deepEqual([d.instance.needsDeploy, d.instance.deployedVersion], [false, 1]);

  // Writing the same inputs again keeps the authorization; new inputs need a new one.
  await q(UPDATE_CV, { id, cv: [{ key: 'GitHub', values: values({ clientId: 'gh-id', clientSecret: 'gh-secret' }) }] });
  assert.equal((await read(q, id)).byKey.GitHub.status, 'ACTIVE');
  await q(UPDATE_CV, { id, cv: [{ key: 'GitHub', values: values({ clientId: 'gh-id', clientSecret: 'rotated' }) }] });
  inst = await read(q, id);
  assert.equal(inst.byKey.GitHub.status, 'PENDING');
  assert.equal(inst.needsDeploy, true);

  // By customer externalId and instance name; errors name what is wrong.
  await H.control(url, 'POST', '/__emulator/authorize', { customer: 'acme', name: 'E', key: 'GitHub' });
  assert.equal((await read(q, id)).byKey.GitHub.status, 'ACTIVE');
  await assert.rejects(H.control(url, 'POST', '/__emulator/authorize', { instance: id, key: 'Nope' }), /409.*no config variable \\"Nope\\"/);
  await assert.rejects(H.control(url, 'POST', '/__emulator/authorize', { customer: 'acme', name: 'X', key: 'GitHub' }), /404/);
});

test('an unset required variable refuses deploy unless forced', async (t) => {
  const { q, url } = await setup(t);
  const c = await create(q, FULL.filter((x) => x.key !== 'Region' && x.key !== 'Salesforce'));
  const id = c.instance.id;
  const inst = await read(q, id);
  assert.equal(inst.byKey.Region.status, null);
  assert.equal(inst.byKey.Salesforce.status, 'PENDING');
  assert.equal(inst.byKey.Salesforce.authorizeUrl, null, 'not an OAuth connection: nothing to authorize');
  const d = (await q(DEPLOY, { id })).deployInstance;
  assert.deepEqual(d.errors, [{ field: '__all__', messages: ['The Instance is not fully configured; set: Region, Salesforce.'] }]);
  for (const key of ['GitHub', 'CRM']) await H.control(url, 'POST', '/__emulator/authorize', { instance: id, key });
  const f = (await q(DEPLOY, { id, f: true })).deployInstance;
  assert.deepEqual([f.errors, f.instance.deployedVersion], [[], 1], 'force deploys past unset variables');
});

test('customer-level connections: listed, used by id, their status is the instance variable\'s', async (t) => {
  const { q, url } = await setup(t);
  const list = (await q(`{ customerConfigVariables(customer: "Q3VzdG9tZXI6YWNtZQ==", first: 10) { totalCount
    nodes { id key status customer { id externalId } inputs { nodes { name value hasValue } } } } }`)).customerConfigVariables;
  assert.equal(list.totalCount, 2);
  assert.deepEqual(list.nodes[0].customer, { id: 'Q3VzdG9tZXI6YWNtZQ==', externalId: 'acme' });
  assert.deepEqual(list.nodes[0].inputs.nodes, [
    { name: 'clientId', value: 'slack-id', hasValue: true },
    { name: 'clientSecret', value: '', hasValue: true },
  ]);
  const byKey = (await q('{ customerConfigVariables(key: "Slack Pending") { nodes { id status } } }')).customerConfigVariables.nodes;
  assert.deepEqual(byKey, [{ id: 'Q3VzdG9tZXJDb25maWdWYXJpYWJsZTpwZW5kaW5n', status: 'PENDING' }]);

  const c = await create(q, FULL);
  let inst = await read(q, c.instance.id);
  assert.deepEqual(inst.byKey.Slack.customerConfigVariable, { id: 'Q3VzdG9tZXJDb25maWdWYXJpYWJsZTpzbGFjaw==', key: 'Slack Workspace', status: 'ACTIVE' });
  assert.equal(inst.byKey.Slack.status, 'ACTIVE');
  assert.equal(inst.byKey.Slack.inputs, null);
  await q(UPDATE_CV, { id: c.instance.id, cv: [{ key: 'Slack', customerConfigVariableId: 'Q3VzdG9tZXJDb25maWdWYXJpYWJsZTpwZW5kaW5n' }] });
  inst = await read(q, c.instance.id);
  assert.equal(inst.byKey.Slack.status, 'PENDING');
  await H.control(url, 'POST', '/__emulator/authorize', { customerConfigVariable: 'Q3VzdG9tZXJDb25maWdWYXJpYWJsZTpwZW5kaW5n' });
  assert.equal((await read(q, c.instance.id)).byKey.Slack.status, 'ACTIVE');

  // Another customer's connection, or one that does not exist: payload error.
  for (const ccv of ['Q3VzdG9tZXJDb25maWdWYXJpYWJsZTpzbGFjaw==', 'bm9wZQ==']) {
    const r = await create(q, [{ key: 'Slack', customerConfigVariableId: ccv }], 'Q3VzdG9tZXI6YmV0YQ==');
    assert.equal(r.instance, null);
    assert.match(r.errors[0].messages[0], /no such customer config variable/);
  }
});

test('schedules: value, scheduleType and a valid time zone', async (t) => {
  const { q } = await setup(t);
  const c = await create(q, FULL);
  const n = (await read(q, c.instance.id)).byKey.Nightly;
  assert.deepEqual([n.value, n.scheduleType, n.timeZone, n.requiredConfigVariable.dataType], ['0 2 * * *', 'CUSTOM', 'Europe/Berlin', 'SCHEDULE']);
  for (const [bad, re] of [[{ scheduleType: 'HOURLY' }, /scheduleType must be one of/], [{ timeZone: 'Mars/Olympus' }, /not a valid time zone/]]) {
    const r = (await q(UPDATE_CV, { id: c.instance.id, cv: [{ key: 'Nightly', value: '0 3 * * *', ...bad }] })).updateInstanceConfigVariables;
    assert.match(r.errors[0].messages[0], re);
  }
});

test('component catalogue: connections with their inputs and oauth2Type', async (t) => {
  const { q } = await setup(t);
  const comps = (await q(`{ components(first: 100) { nodes { key connections { nodes { key oauth2Type
    inputs { nodes { key type required default } } } } } } }`)).components.nodes;
  const by = Object.fromEntries(comps.map((c) => [c.key, c.connections.nodes]));
  const expect = {
    github: [['oauth2', 'AUTHORIZATION_CODE']],
    salesforce: [['oauth2', 'AUTHORIZATION_CODE'], ['basic', null]],
    'aws-s3': [['apiKeySecret', null]],
    slack: [['oauth2', 'AUTHORIZATION_CODE']],
    dropbox: [['oauth', 'AUTHORIZATION_CODE']],
    sftp: [['basic', null]],
  };
  for (const [k, want] of Object.entries(expect)) {
    assert.deepEqual(by[k].map((c) => [c.key, c.oauth2Type]), want, k);
  }
  const s3 = Object.fromEntries(by['aws-s3'][0].inputs.nodes.map((i) => [i.key, i.type]));
  assert.deepEqual(s3, { accessKeyId: 'STRING', secretAccessKey: 'PASSWORD' });
  const basic = by.salesforce[1].inputs.nodes.find((i) => i.key === 'loginUrl');
  assert.deepEqual([basic.required, basic.default], [false, 'https://login.salesforce.com']);
});

test('state round-trip keeps inputs, authorization and customer connections; a seed may define connections', async (t) => {
  const { q, url } = await setup(t);
  const c = await create(q, FULL);
  await H.control(url, 'POST', '/__emulator/authorize', { instance: c.instance.id, key: 'GitHub' });
  const state = await H.getState(url);
  const cvs = state.instances[0].configVariables;
  assert.deepEqual(cvs.GitHub, { value: null, inputs: { clientId: 'gh-id', clientSecret: 'gh-secret' }, authorized: true });
  assert.deepEqual(cvs.Slack, { value: null, customerConfigVariableId: 'Q3VzdG9tZXJDb25maWdWYXJpYWJsZTpzbGFjaw==' });
  assert.deepEqual(cvs.Nightly, { value: '0 2 * * *', scheduleType: 'CUSTOM', timeZone: 'Europe/Berlin' });
  assert.equal(state.customers[0].configVariables.length, 2);
  assert.ok(!state.components.some((x) => x.connections), 'catalogue connections are not written out');

  const before = await read(q, c.instance.id);
  await H.control(url, 'POST', '/__emulator/state', state);
  assert.deepEqual(await H.getState(url), state);
  const after = await read(q, c.instance.id);
  assert.deepEqual(after, before);

  // A component with its own connections, as a seed may give it.
  state.components.push({ key: 'acme-erp', public: true, connections: [{ key: 'apiKey', label: 'API key', inputs: [{ key: 'host', type: 'string', required: true }, { key: 'apiKey', type: 'PASSWORD', required: true }] }] });
  state.components = state.components.filter((x) => x.key !== 'acme-erp' || x.connections);
  await H.control(url, 'POST', '/__emulator/state', state);
  const erp = (await q(`{ components(key: "acme-erp") { nodes { connections { nodes { inputs { nodes { key type } } } } } } }`)).components.nodes[0];
  assert.deepEqual(erp.connections.nodes[0].inputs.nodes, [{ key: 'host', type: 'STRING' }, { key: 'apiKey', type: 'PASSWORD' }]);
  await assert.rejects(H.control(url, 'POST', '/__emulator/state', { ...state, components: [{ key: 'x', connections: [{ key: 'k', oauth2Type: 'IMPLICIT' }] }] }), /400.*oauth2Type/);
});

test('a connection written with a plain value is not configured, unless the legacy switch is on', async (t) => {
  const { q, url } = await setup(t);
  const c = await create(q, [...FULL.filter((x) => x.key !== 'ERP'), { key: 'ERP', value: 'token' }]);
  let erp = (await read(q, c.instance.id)).byKey.ERP;
  assert.equal(erp.status, 'PENDING');
  await H.control(url, 'POST', '/__emulator/config', { legacy_connection_value: true });
  erp = (await read(q, c.instance.id)).byKey.ERP;
  assert.equal(erp.status, 'ACTIVE');
});

test('test instance: prism\'s status filters in lower case find a pending connection and its authorizeUrl', async (t) => {
  const { q, url } = await setup(t);
  const imp = (await q(`mutation { updateIntegration(input: {id: "SW50ZWdyYXRpb246ZXZlcnl0aGluZw==", testConfigVariables: [
    {key: "GitHub", values: ${JSON.stringify(values({ clientId: 'a', clientSecret: 'b' }))}}]}) { integration { id } ${ERRORS} } }`)).updateIntegration;
  assert.deepEqual(imp.errors, []);
  const pending = `{ integration(id: "SW50ZWdyYXRpb246ZXZlcnl0aGluZw==") { testConfigVariables(status: "pending") { nodes { id authorizeUrl requiredConfigVariable { key } } } } }`;
  const nodes = (await q(pending)).integration.testConfigVariables.nodes;
  const gh = nodes.find((n) => n.requiredConfigVariable.key === 'GitHub');
  assert.match(gh.authorizeUrl, /__emulator\/authorize\?configVariable=/);
  assert.equal((await fetch(gh.authorizeUrl)).status, 200);
  const states = (await q(`{ integration(id: "SW50ZWdyYXRpb246ZXZlcnl0aGluZw==") { testConfigVariables(status_In: ["pending", "active", "error"]) { nodes { id status } } } }`))
    .integration.testConfigVariables.nodes;
  assert.equal(states.find((n) => n.id === gh.id).status, 'ACTIVE');
  assert.equal((await H.getState(url)).integrations[0].systemInstance.configVariables.GitHub.authorized, true);
});
