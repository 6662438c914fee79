'use strict';
// Semantics of the emulated org over the GraphQL API: publish numbering,
// availability, needsDeploy, labels, config variables, uniqueness, errors.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const YAML = require('../yaml');
const H = require('./helpers');

const V1 = fs.readFileSync(path.join(H.TESTDATA, 'order-sync.yml'), 'utf8');
const V2 = fs.readFileSync(path.join(H.TESTDATA, 'order-sync-v2.yml'), 'utf8');

const ERRORS = 'errors { field messages }';
const IMPORT = `mutation($d: String!, $id: ID) { importIntegration(input: {definition: $d, integrationId: $id}) {
  integration { id name versionNumber versionIsAvailable } ${ERRORS} } }`;
const PUBLISH = `mutation($id: ID!, $c: String, $a: String) { publishIntegration(input: {id: $id, comment: $c, attributes: $a}) {
  integration { id versionNumber versionComment versionAttributes versionIsAvailable } ${ERRORS} } }`;
const CREATE_CUSTOMER = `mutation($n: String!, $e: String, $l: [String]) { createCustomer(input: {name: $n, externalId: $e, labels: $l}) {
  customer { id name externalId labels } ${ERRORS} } }`;
const CREATE_INSTANCE = `mutation($n: String!, $i: ID!, $c: ID!, $cv: [InputInstanceConfigVariable], $l: [String]) {
  createInstance(input: {name: $n, integration: $i, customer: $c, configVariables: $cv, labels: $l}) {
    instance { id needsDeploy deployedVersion enabled configState } ${ERRORS} } }`;
const INSTANCE = `query($id: ID!) { instance(id: $id) { id name description labels enabled needsDeploy deployedVersion lastDeployedAt
  configState integration { id name versionNumber } customer { id name externalId }
  configVariables { nodes { value requiredConfigVariable { key } } } } }`;
const UPDATE_INSTANCE = `mutation($input: UpdateInstanceInput!) { updateInstance(input: $input) { instance { id needsDeploy enabled labels } ${ERRORS} } }`;
const DEPLOY = `mutation($id: ID!, $f: Boolean) { deployInstance(input: {id: $id, force: $f}) { instance { id needsDeploy deployedVersion lastDeployedAt } ${ERRORS} } }`;

async function setup(t, opts = {}) {
  const s = await H.startInProcess({ publishDelayMs: 0, executionMs: 50, ...opts });
  t.after(() => s.stop());
  const token = await H.getToken(s.url);
  const q = (query, variables) => H.gql(s.url, token, query, variables);
  const raw = (query, variables) => H.gqlRaw(s.url, token, query, variables);
  return { ...s, token, q, raw };
}

async function importPublish(q, def = V1) {
  const imp = (await q(IMPORT, { d: def })).importIntegration;
  assert.deepEqual(imp.errors, []);
  const pub = (await q(PUBLISH, { id: imp.integration.id, c: 'v1' })).publishIntegration;
  assert.deepEqual(pub.errors, []);
  return { draftId: imp.integration.id, versionId: pub.integration.id };
}

function cvMap(inst) {
  return Object.fromEntries(inst.configVariables.nodes.map((n) => [n.requiredConfigVariable.key, n.value]));
}

test('publish numbering: the draft holds the next number; each version has its own id', async (t) => {
  const { q } = await setup(t);
  const imp = (await q(IMPORT, { d: V1 })).importIntegration.integration;
  assert.equal(imp.versionNumber, 1);
  assert.equal(imp.versionIsAvailable, false, 'a draft is never an available version');
  const ids = new Set([imp.id]);
  for (const n of [1, 2, 3]) {
    const p = (await q(PUBLISH, { id: imp.id, c: `release ${n}`, a: JSON.stringify({ commitHash: `c${n}` }) })).publishIntegration;
    assert.deepEqual(p.errors, []);
    assert.equal(p.integration.versionNumber, n);
    assert.equal(p.integration.versionComment, `release ${n}`);
    assert.deepEqual(JSON.parse(p.integration.versionAttributes), { commitHash: `c${n}` });
    assert.ok(!ids.has(p.integration.id));
    ids.add(p.integration.id);
    const d = (await q('query($id: ID!) { integration(id: $id) { versionNumber } }', { id: imp.id })).integration;
    assert.equal(d.versionNumber, n + 1);
  }
  // a re-import does not publish and keeps the number
  await q(IMPORT, { d: V2, id: imp.id });
  const seq = (await q(`query($id: ID!) { integration(id: $id) { versionNumber hasUnpublishedChanges
    versionSequence(sortBy: [{field: VERSION_NUMBER, direction: DESC}]) { totalCount nodes { id versionNumber } } } }`, { id: imp.id })).integration;
  assert.equal(seq.versionNumber, 4);
  assert.equal(seq.hasUnpublishedChanges, true);
  assert.deepEqual(seq.versionSequence.nodes.map((n) => n.versionNumber), [3, 2, 1]);
  // a published version cannot be published or imported into
  const v3 = seq.versionSequence.nodes[0].id;
  assert.equal((await q(PUBLISH, { id: v3 })).publishIntegration.errors[0].field, 'id');
  assert.equal((await q(IMPORT, { d: V1, id: v3 })).importIntegration.errors[0].field, 'integrationId');
  // bad attributes are a payload error
  const bad = (await q(PUBLISH, { id: imp.id, a: 'not json' })).publishIntegration;
  assert.equal(bad.integration, null);
  assert.equal(bad.errors[0].field, 'attributes');
});

test('availability delay: a new version is unavailable until the delay passes', async (t) => {
  const { q, model } = await setup(t, { publishDelayMs: 400 });
  const imp = (await q(IMPORT, { d: V1 })).importIntegration.integration;
  const cust = (await q(CREATE_CUSTOMER, { n: 'Acme' })).createCustomer.customer;
  const v = (await q(PUBLISH, { id: imp.id })).publishIntegration.integration;
  assert.equal(v.versionIsAvailable, false);
  const listAvail = `query($id: ID!) { integration(id: $id) { versionSequence(versionNumber: 1, versionIsAvailable: true) { nodes { id } } } }`;
  assert.deepEqual((await q(listAvail, { id: imp.id })).integration.versionSequence.nodes, []);
  const early = (await q(CREATE_INSTANCE, { n: 'x', i: v.id, c: cust.id, cv: [{ key: 'ERP API Key', value: 'k' }] })).createInstance;
  assert.equal(early.instance, null);
  assert.equal(early.errors[0].field, 'integration');
  assert.match(early.errors[0].messages[0], /not available/);
  await H.sleep(450);
  assert.deepEqual((await q(listAvail, { id: imp.id })).integration.versionSequence.nodes, [{ id: v.id }]);
  const ok = (await q(CREATE_INSTANCE, { n: 'x', i: v.id, c: cust.id, cv: [{ key: 'ERP API Key', value: 'k' }] })).createInstance;
  assert.deepEqual(ok.errors, []);
  assert.ok(model.publishDelayMs === 400);
});

test('needsDeploy transitions: create, deploy, update, enable/disable, config change', async (t) => {
  const { q } = await setup(t);
  const { draftId, versionId } = await importPublish(q);
  const cust = (await q(CREATE_CUSTOMER, { n: 'Acme', e: 'acme' })).createCustomer.customer;
  const created = (await q(CREATE_INSTANCE, { n: 'Order Sync', i: versionId, c: cust.id })).createInstance;
  assert.deepEqual(created.errors, []);
  const id = created.instance.id;
  assert.equal(created.instance.needsDeploy, true);
  assert.equal(created.instance.deployedVersion, 0, "0: never deployed (Int! in the real schema)");
  assert.equal(created.instance.enabled, true);
  assert.equal(created.instance.configState, 'NEEDS_INSTANCE_CONFIGURATION', 'ERP API Key has no default');

  // deploy refuses an incompletely configured instance, unless forced
  const refused = (await q(DEPLOY, { id })).deployInstance;
  assert.equal(refused.instance, null);
  assert.equal(refused.errors[0].field, '__all__');
  assert.match(refused.errors[0].messages[0], /ERP API Key/);

  await q(`mutation($id: ID!) { updateInstanceConfigVariables(input: {id: $id, configVariables: [{key: "ERP API Key", value: "s3cret"}]}) { ${ERRORS} } }`, { id });
  const before = Date.now();
  const dep = (await q(DEPLOY, { id })).deployInstance;
  assert.deepEqual(dep.errors, []);
  assert.equal(dep.instance.needsDeploy, false);
  assert.equal(dep.instance.deployedVersion, 1);
  assert.ok(Date.parse(dep.instance.lastDeployedAt) >= before - 1000);

  // enabling or disabling alone leaves needsDeploy alone
  let u = (await q(UPDATE_INSTANCE, { input: { id, enabled: false } })).updateInstance.instance;
  assert.deepEqual([u.enabled, u.needsDeploy], [false, false]);
  u = (await q(UPDATE_INSTANCE, { input: { id, enabled: true } })).updateInstance.instance;
  assert.deepEqual([u.enabled, u.needsDeploy], [true, false]);

  // any other update sets it
  u = (await q(UPDATE_INSTANCE, { input: { id, description: 'changed' } })).updateInstance.instance;
  assert.equal(u.needsDeploy, true);
  await q(DEPLOY, { id });
  u = (await q(UPDATE_INSTANCE, { input: { id, name: 'Renamed', preserveDeployState: true } })).updateInstance.instance;
  assert.equal(u.needsDeploy, false, 'preserveDeployState keeps needsDeploy');
  await q(`mutation($id: ID!) { updateInstanceConfigVariables(input: {id: $id, configVariables: [{key: "Batch Size", value: "10"}]}) { ${ERRORS} } }`, { id });
  assert.equal((await q(INSTANCE, { id })).instance.needsDeploy, true);

  // switching version: bound to v2, still running v1 until deployed
  await q(IMPORT, { d: V2, id: draftId });
  const v2 = (await q(PUBLISH, { id: draftId })).publishIntegration.integration;
  u = (await q(UPDATE_INSTANCE, { input: { id, integration: v2.id } })).updateInstance;
  assert.deepEqual(u.errors, []);
  let inst = (await q(INSTANCE, { id })).instance;
  assert.deepEqual([inst.integration.id, inst.integration.versionNumber, inst.deployedVersion, inst.needsDeploy], [v2.id, 2, 1, true]);
  assert.equal(cvMap(inst)['ERP API Key'], 's3cret', 'values survive a version switch');
  await q(DEPLOY, { id });
  inst = (await q(INSTANCE, { id })).instance;
  assert.deepEqual([inst.deployedVersion, inst.needsDeploy], [2, false]);
  // an integration id means its latest available version
  const other = (await q(CREATE_INSTANCE, { n: 'Second', i: draftId, c: cust.id })).createInstance.instance;
  assert.equal((await q(INSTANCE, { id: other.id })).instance.integration.id, v2.id);
});

test('labels replace, never merge (customers, instances, integrations)', async (t) => {
  const { q } = await setup(t);
  const c = (await q(CREATE_CUSTOMER, { n: 'Acme', l: ['a', 'b'] })).createCustomer.customer;
  assert.deepEqual(c.labels, ['a', 'b']);
  const upd = `mutation($id: ID!, $l: [String]) { updateCustomer(input: {id: $id, labels: $l}) { customer { labels } ${ERRORS} } }`;
  assert.deepEqual((await q(upd, { id: c.id, l: ['c'] })).updateCustomer.customer.labels, ['c']);
  assert.deepEqual((await q(upd, { id: c.id, l: [] })).updateCustomer.customer.labels, []);
  const keep = `mutation($id: ID!) { updateCustomer(input: {id: $id, description: "d"}) { customer { labels description } } }`;
  await q(upd, { id: c.id, l: ['x'] });
  assert.deepEqual((await q(keep, { id: c.id })).updateCustomer.customer.labels, ['x'], 'labels not passed are kept');

  const { draftId, versionId } = await importPublish(q);
  const inst = (await q(CREATE_INSTANCE, { n: 'i', i: versionId, c: c.id, l: ['eu', 'prod'] })).createInstance.instance;
  assert.deepEqual((await q(UPDATE_INSTANCE, { input: { id: inst.id, labels: ['us'] } })).updateInstance.instance.labels, ['us']);

  const ui = `mutation($id: ID!, $l: [String]) { updateIntegration(input: {id: $id, labels: $l}) { integration { labels definition } ${ERRORS} } }`;
  const r = (await q(ui, { id: draftId, l: ['new'] })).updateIntegration.integration;
  assert.deepEqual(r.labels, ['new']);
  assert.deepEqual(YAML.parse(r.definition).labels, ['new'], 'the definition carries the integration labels');
});

test('config variables: updateInstance resets unlisted ones, updateInstanceConfigVariables changes only listed ones', async (t) => {
  const { q } = await setup(t);
  const { versionId } = await importPublish(q);
  const c = (await q(CREATE_CUSTOMER, { n: 'Acme' })).createCustomer.customer;
  const cv = [{ key: 'ERP API Key', value: 'k1' }, { key: 'Batch Size', value: '10' }, { key: 'ERP Base URL', value: 'https://erp.acme' }];
  const id = (await q(CREATE_INSTANCE, { n: 'i', i: versionId, c: c.id, cv })).createInstance.instance.id;
  assert.deepEqual(cvMap((await q(INSTANCE, { id })).instance),
    { 'ERP Base URL': 'https://erp.acme', 'Batch Size': '10', 'ERP API Key': 'k1' });

  await q(`mutation($id: ID!) { updateInstanceConfigVariables(input: {id: $id, configVariables: [{key: "Batch Size", value: "20"}]}) { ${ERRORS} } }`, { id });
  assert.deepEqual(cvMap((await q(INSTANCE, { id })).instance),
    { 'ERP Base URL': 'https://erp.acme', 'Batch Size': '20', 'ERP API Key': 'k1' }, 'partial update');

  await q(UPDATE_INSTANCE, { input: { id, configVariables: [{ key: 'Batch Size', value: '30' }] } });
  const after = (await q(INSTANCE, { id })).instance;
  assert.deepEqual(cvMap(after), { 'ERP Base URL': 'https://erp.example.com/api', 'Batch Size': '30', 'ERP API Key': null },
    'updateInstance(configVariables) resets the ones not listed to their defaults');
  assert.equal(after.configState, 'NEEDS_INSTANCE_CONFIGURATION');

  const bad = (await q(UPDATE_INSTANCE, { input: { id, configVariables: [{ key: 'Nope', value: '1' }] } })).updateInstance;
  assert.equal(bad.instance, null);
  assert.equal(bad.errors[0].field, 'configVariables');
});

test('customers: unique name and externalId; invalid input gives payload errors', async (t) => {
  const { q } = await setup(t);
  const a = (await q(CREATE_CUSTOMER, { n: 'Acme', e: 'acme' })).createCustomer;
  assert.deepEqual(a.errors, []);
  const dupName = (await q(CREATE_CUSTOMER, { n: 'Acme', e: 'other' })).createCustomer;
  assert.equal(dupName.customer, null);
  assert.deepEqual(dupName.errors.map((e) => e.field), ['name']);
  const dupExt = (await q(CREATE_CUSTOMER, { n: 'Other', e: 'acme' })).createCustomer;
  assert.deepEqual(dupExt.errors.map((e) => e.field), ['externalId']);
  const blank = (await q(CREATE_CUSTOMER, { n: ' ' })).createCustomer;
  assert.deepEqual(blank.errors.map((e) => e.field), ['name']);
  const b = (await q(CREATE_CUSTOMER, { n: 'Beta', e: 'beta' })).createCustomer.customer;
  const upd = `mutation($id: ID!, $n: String, $e: String) { updateCustomer(input: {id: $id, name: $n, externalId: $e}) { customer { name externalId } ${ERRORS} } }`;
  assert.deepEqual((await q(upd, { id: b.id, n: 'Acme' })).updateCustomer.errors.map((e) => e.field), ['name']);
  assert.deepEqual((await q(upd, { id: b.id, e: 'acme' })).updateCustomer.errors.map((e) => e.field), ['externalId']);
  assert.deepEqual((await q(upd, { id: b.id, n: 'Beta 2', e: 'beta' })).updateCustomer.customer, { name: 'Beta 2', externalId: 'beta' });
  const list = await q('{ customers(externalId: "acme") { totalCount nodes { name } } }');
  assert.deepEqual(list.customers, { totalCount: 1, nodes: [{ name: 'Acme' }] });
  const byName = await q('{ customers(name: "Beta 2", isSystem: false) { nodes { externalId } } }');
  assert.deepEqual(byName.customers.nodes, [{ externalId: 'beta' }]);
});

test('unknown ids: top-level "Record not found", the field is null', async (t) => {
  const { raw, q } = await setup(t);
  const missing = Buffer.from('Integration:00000000-0000-0000-0000-000000000000').toString('base64');
  for (const [query, field] of [
    [`{ integration(id: "${missing}") { id } }`, 'integration'],
    ['{ instance(id: "garbage") { id } }', 'instance'],
    ['{ customer(id: "") { id } }', 'customer'],
    ['{ executionResult(id: "nope") { id } }', 'executionResult'],
    [`mutation { updateInstance(input: {id: "nope", name: "x"}) { instance { id } ${ERRORS} } }`, 'updateInstance'],
    [`mutation { deployInstance(input: {id: "nope"}) { instance { id } ${ERRORS} } }`, 'deployInstance'],
    [`mutation { publishIntegration(input: {id: "${missing}"}) { integration { id } ${ERRORS} } }`, 'publishIntegration'],
  ]) {
    const r = await raw(query);
    assert.equal(r.status, 200, 'GraphQL errors come with HTTP 200');
    assert.deepEqual(r.body.data, { [field]: null });
    assert.equal(r.body.errors.length, 1);
    assert.equal(r.body.errors[0].message, 'Record not found');
    assert.deepEqual(r.body.errors[0].path, [field]);
  }
  // a customer id is not an integration id
  const c = (await q(CREATE_CUSTOMER, { n: 'Acme' })).createCustomer.customer;
  const r = await raw(`{ integration(id: "${c.id}") { id } }`);
  assert.equal(r.body.errors[0].message, 'Record not found');
  // a bad reference inside an input is a payload error
  const ci = (await q(CREATE_INSTANCE, { n: 'x', i: missing, c: c.id })).createInstance;
  assert.deepEqual(ci.errors.map((e) => e.field), ['integration']);
});

test('definitions that are not YAML or lack a name are rejected by import and validateIntegrationSchema', async (t) => {
  const { q, model } = await setup(t);
  const validate = `mutation($d: String!) { validateIntegrationSchema(input: {definition: $d}) { result { isValid } ${ERRORS} } }`;
  for (const bad of ['name: [unclosed', 'definitionVersion: 7\ndescription: no name\n', '- just\n- a list\n', '', 'name: ""\n']) {
    const imp = (await q(IMPORT, { d: bad })).importIntegration;
    assert.equal(imp.integration, null, bad);
    assert.equal(imp.errors[0].field, 'definition');
    const v = (await q(validate, { d: bad })).validateIntegrationSchema;
    assert.equal(v.result.isValid, false);
    assert.equal(v.errors[0].field, 'definition');
  }
  assert.equal(model.integrations.size, 0);
  const good = (await q(validate, { d: V1 })).validateIntegrationSchema;
  assert.deepEqual(good, { result: { isValid: true }, errors: [] });
  assert.equal(model.integrations.size, 0, 'validation has no side effect');
});

test('definition: server defaults, pinned components, useLatestComponentVersions, version', async (t) => {
  const { q } = await setup(t);
  const { draftId } = await importPublish(q);
  const get = `query($id: ID!, $v: Int, $l: Boolean) { integration(id: $id) { definition(version: $v, useLatestComponentVersions: $l) } }`;
  const text = (await q(get, { id: draftId })).integration.definition;
  assert.notEqual(text, V1);
  const d = YAML.parse(text);
  assert.deepEqual(H.semanticDiff(YAML.parse(V1), d), []);
  assert.equal(d.definitionVersion, 7);
  assert.equal(d.endpointType, 'flow_specific');
  assert.equal(d.category, '');
  assert.equal(d.flows[0].endpointSecurityType, 'customer_optional');
  assert.equal(typeof d.flows[0].steps[1].action.component.version, 'number');
  assert.deepEqual(Object.keys(d).slice(0, 3), ['category', 'configPages', 'definitionVersion'], 'keys come back sorted');
  const latest = YAML.parse((await q(get, { id: draftId, l: true })).integration.definition);
  assert.equal(latest.flows[0].steps[1].action.component.version, 'LATEST');
  assert.equal(latest.flows[0].steps[2].action.component.version, 'LATEST');
  // importing the export changes nothing
  await q(IMPORT, { d: text, id: draftId });
  assert.equal((await q(get, { id: draftId })).integration.definition, text);
  const hu = await q('query($id: ID!) { integration(id: $id) { hasUnpublishedChanges } }', { id: draftId });
  assert.equal(hu.integration.hasUnpublishedChanges, false);
});

test('hidden test instance, flows, testIntegrationFlow and executionResult', async (t) => {
  const { q } = await setup(t, { executionMs: 150 });
  const { draftId, versionId } = await importPublish(q);
  const c = (await q(CREATE_CUSTOMER, { n: 'Acme' })).createCustomer.customer;
  await q(CREATE_INSTANCE, { n: 'i', i: versionId, c: c.id });
  const all = await q('{ instances { totalCount nodes { isSystem customer { id } } } }');
  assert.equal(all.instances.totalCount, 2, 'the test instance is listed without the isSystem filter');
  const visible = await q('{ instances(isSystem: false) { totalCount nodes { isSystem } } }');
  assert.equal(visible.instances.totalCount, 1);
  const sys = await q('query($id: ID!) { integration(id: $id) { systemInstance { id isSystem customer { id name } } } }', { id: draftId });
  assert.equal(sys.integration.systemInstance.isSystem, true);
  assert.notEqual(sys.integration.systemInstance.customer.id, c.id, 'owned by the hidden system customer');
  const listed = await q('{ customers(isSystem: false) { nodes { id } } sys: customers(isSystem: true) { nodes { id } } }');
  assert.deepEqual(listed.customers.nodes.map((n) => n.id), [c.id], 'the system customer is not listed with isSystem: false');
  assert.ok(listed.sys.nodes.some((n) => n.id === sys.integration.systemInstance.customer.id));
  const own = await q('query($id: ID!) { customer(id: $id) { name instances { nodes { id } } } }', { id: sys.integration.systemInstance.customer.id });
  assert.deepEqual(own.customer.instances.nodes, [{ id: sys.integration.systemInstance.id }]);

  const flows = (await q('query($id: ID!) { integration(id: $id) { flows { nodes { id name stableKey testUrl } } } }', { id: draftId })).integration.flows.nodes;
  assert.deepEqual(flows.map((f) => f.name), ['Sync Orders']);
  const trig = (await q('query($id: ID!) { integration(id: $id) { flows { nodes { trigger { name action { key scheduleSupport component { key } } } } } } }', { id: draftId }))
    .integration.flows.nodes[0].trigger;
  assert.deepEqual(trig, { name: 'Schedule', action: { key: 'schedule', scheduleSupport: 'REQUIRED', component: { key: 'schedule-triggers' } } });
  const run = (await q(`mutation($id: ID!) { testIntegrationFlow(input: {id: $id, payload: "{}", contentType: "application/json"}) {
    testIntegrationFlowResult { execution { id startedAt endedAt } } ${ERRORS} } }`, { id: flows[0].id })).testIntegrationFlow;
  assert.deepEqual(run.errors, []);
  const exec = run.testIntegrationFlowResult.execution;
  assert.equal(exec.endedAt, null);
  const poll = 'query($id: ID!) { executionResult(id: $id) { id startedAt endedAt error } }';
  assert.equal((await q(poll, { id: exec.id })).executionResult.endedAt, null);
  await H.sleep(200);
  const done = (await q(poll, { id: exec.id })).executionResult;
  assert.ok(done.endedAt);
  assert.equal(done.error, null);
});

test('deletes: instance, integration (after its instances), customer cascades to its instances', async (t) => {
  const { q, model } = await setup(t);
  const { draftId, versionId } = await importPublish(q);
  const c = (await q(CREATE_CUSTOMER, { n: 'Acme' })).createCustomer.customer;
  const i1 = (await q(CREATE_INSTANCE, { n: 'one', i: versionId, c: c.id })).createInstance.instance.id;
  const delInt = `mutation($id: ID!) { deleteIntegration(input: {id: $id}) { integration { id } ${ERRORS} } }`;
  const refused = (await q(delInt, { id: draftId })).deleteIntegration;
  assert.equal(refused.errors[0].field, '__all__');
  const delInst = `mutation($id: ID!) { deleteInstance(input: {id: $id}) { instance { id } ${ERRORS} } }`;
  assert.deepEqual((await q(delInst, { id: i1 })).deleteInstance, { instance: { id: i1 }, errors: [] });
  const sysId = (await q('query($id: ID!) { integration(id: $id) { systemInstance { id } } }', { id: draftId })).integration.systemInstance.id;
  assert.equal((await q(delInst, { id: sysId })).deleteInstance.errors[0].field, '__all__');
  assert.deepEqual((await q(delInt, { id: draftId })).deleteIntegration, { integration: { id: draftId }, errors: [] });
  assert.equal(model.integrations.size, 0);
  assert.equal(model.versions.size, 0);
  assert.equal(model.instances.size, 0, 'the test instance goes with its integration');

  const { versionId: v } = await importPublish(q);
  await q(CREATE_INSTANCE, { n: 'two', i: v, c: c.id });
  const delCust = `mutation($id: ID!) { deleteCustomer(input: {id: $id}) { customer { id } ${ERRORS} } }`;
  assert.deepEqual((await q(delCust, { id: c.id })).deleteCustomer.errors, []);
  assert.equal((await q('{ instances(isSystem: false) { totalCount } }')).instances.totalCount, 0);
});

test('authenticatedUser and components', async (t) => {
  const { q } = await setup(t);
  const me = (await q('{ authenticatedUser { id name email org { id name } } }')).authenticatedUser;
  assert.ok(me.id && me.name && me.email && me.org.id && me.org.name);
  await importPublish(q);
  const comps = (await q('{ components(key: "http") { totalCount nodes { key public versionNumber label } } }')).components;
  assert.equal(comps.totalCount, 1);
  assert.equal(comps.nodes[0].key, 'http');
  assert.equal(typeof comps.nodes[0].versionNumber, 'number');
  const all = (await q('{ components(first: 5) { totalCount nodes { key } pageInfo { hasNextPage } } }')).components;
  assert.ok(all.totalCount > 5);
  assert.equal(all.pageInfo.hasNextPage, true);
});
