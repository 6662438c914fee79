'use strict';
// Fidelity: the real prism CLI (pinned 10.4.0, tests/prism) driven through a
// whole story against the emulator. prism was written by Prismatic against
// the real API; every command it runs here must work, and each step checks
// both prism's output and the emulator's state.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { execFile } = require('child_process');
const YAML = require('../yaml');
const H = require('./helpers');

const PRISM = path.join(H.REPO, 'tests', 'prism', 'node_modules', '.bin', 'prism');
const V1 = path.join(H.TESTDATA, 'order-sync.yml');
const V2 = path.join(H.TESTDATA, 'order-sync-v2.yml');
const CRM = path.join(H.TESTDATA, 'crm-sync.yml');

const havePrism = fs.existsSync(PRISM);
if (!havePrism && process.env.PRISMSYNC_REQUIRE_PRISM === '1') {
  throw new Error(`the prism CLI is not installed at ${PRISM}: run \`npm ci\` in tests/prism (scripts/deps.sh does)`);
}

test('prism CLI 10.4.0 story against the emulator', {
  skip: havePrism ? false : 'prism CLI not installed: run `npm ci` in tests/prism',
  timeout: 600000, // prism starts slowly (a 21 MB bundle per call); a loaded machine needs the margin
}, async (t) => {
  const emu = await H.startEmulator(['--publish-delay-ms', '300']);
  t.after(() => emu.stop());
  const url = emu.url;
  const token = await H.getToken(url);
  const home = H.tmpDir('prism-home-');
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));

  const env = {
    PATH: process.env.PATH,
    HOME: home,
    PRISMATIC_URL: url,
    PRISM_ACCESS_TOKEN: token,
    PRISM_SKIP_NEW_VERSION_CHECK: 'true',
    NO_COLOR: '1',
    TZ: 'UTC',
  };

  function prism(...args) {
    return new Promise((resolve, reject) => {
      execFile(PRISM, args, { env, cwd: home, timeout: 60000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`prism ${args.join(' ')} failed (exit ${error.code}):\n${stderr}\n${stdout}`));
          return;
        }
        resolve(stdout);
      });
    });
  }
  const prismJSON = async (...args) => JSON.parse(await prism(...args, '--output', 'json'));
  const state = () => H.getState(url);
  const lines = (s) => s.split('\n').filter((l) => l.trim() !== '');

  // --- me ---------------------------------------------------------------
  await t.test('me', async () => {
    const out = await prism('me');
    const st = await state();
    assert.match(out, new RegExp(`^Name: ${st.user.name}$`, 'm'));
    assert.match(out, new RegExp(`^Email: ${st.user.email}$`, 'm'));
    assert.match(out, new RegExp(`^Organization: ${st.org.name}$`, 'm'));
    assert.match(out, new RegExp(`^Organization ID: ${st.org.id.replace(/[+/=]/g, '\\$&')}$`, 'm'));
    assert.match(out, new RegExp(`^Endpoint URL: ${url}$`, 'm'));
  });

  // --- customers --------------------------------------------------------
  let acme;
  let globex;
  await t.test('customers:create (two customers)', async () => {
    acme = lines(await prism('customers:create', '--name', 'Acme Corp', '--externalId', 'acme',
      '--description', 'Tier 1 customer', '--label', 'tier-1', '--label', 'eu'))[0];
    globex = lines(await prism('customers:create', '--name', 'Globex', '--externalId', 'globex'))[0];
    const st = await state();
    assert.equal(st.customers.length, 2);
    const a = st.customers.find((c) => c.id === acme);
    assert.deepEqual([a.name, a.externalId, a.description, a.labels], ['Acme Corp', 'acme', 'Tier 1 customer', ['tier-1', 'eu']]);
    const g = st.customers.find((c) => c.id === globex);
    assert.deepEqual([g.name, g.externalId, g.labels], ['Globex', 'globex', []]);
  });

  await t.test('customers:create rejects a duplicate name (payload errors)', async () => {
    await assert.rejects(prism('customers:create', '--name', 'Acme Corp'), /already exists/);
    assert.equal((await state()).customers.length, 2);
  });

  await t.test('customers:list', async () => {
    const rows = await prismJSON('customers:list', '--extended');
    assert.deepEqual(rows.map((r) => [r.id, r.externalId, r.name]).sort(),
      [[acme, 'acme', 'Acme Corp'], [globex, 'globex', 'Globex']].sort());
  });

  // --- integration: import, export, publish -----------------------------
  let integrationId;
  await t.test('integrations:import (definitionVersion 7 from a file)', async () => {
    integrationId = lines(await prism('integrations:import', '--path', V1))[0];
    const st = await state();
    assert.equal(st.integrations.length, 1);
    const it = st.integrations[0];
    assert.equal(it.id, integrationId);
    assert.equal(it.name, 'Order Sync');
    assert.deepEqual(it.labels, ['erp']);
    assert.equal(it.versionNumber, 1, 'the draft holds the number the next publish gets');
    assert.deepEqual(it.versions, []);
    assert.equal(it.definition.flows[0].name, 'Sync Orders');
  });

  await t.test('integrations:export', async () => {
    const out = await prism('integrations:export', integrationId);
    const exported = YAML.parse(out);
    const original = YAML.parse(fs.readFileSync(V1, 'utf8'));
    assert.deepEqual(H.semanticDiff(original, exported), [], 'export contains everything that was imported');
    assert.notEqual(out, fs.readFileSync(V1, 'utf8'), 'byte comparison shows (false) drift');
    // server-side defaults and pinned component versions
    assert.equal(exported.flows[0].isSynchronous, false);
    assert.equal(exported.flows[0].steps[1].description, '');
    assert.equal(typeof exported.flows[0].steps[0].action.component.version, 'number');
    assert.equal(exported.flows[0].steps[2].action.component.version, 3);
    assert.ok(exported.configPages.length >= 1);
    const st = await state();
    assert.equal(st.integrations[0].versions.length, 0, 'export changes nothing');
  });

  let v1Id;
  await t.test('integrations:publish with a comment and a commit hash', async () => {
    v1Id = lines(await prism('integrations:publish', integrationId, '--comment', 'First release', '--commitHash', 'abc123'))[0];
    assert.notEqual(v1Id, integrationId, 'a published version has its own id');
    const st = await state();
    const it = st.integrations[0];
    assert.equal(it.versions.length, 1);
    const v = it.versions[0];
    assert.equal(v.id, v1Id);
    assert.equal(v.versionNumber, 1);
    assert.equal(v.comment, 'First release');
    assert.equal(JSON.parse(v.attributes).commitHash, 'abc123');
    assert.equal(it.versionNumber, 2);
  });

  await t.test('integrations:versions lists the published version once available', async () => {
    await waitFor(async () => (await state()).integrations[0].versions[0].versionIsAvailable);
    const rows = await prismJSON('integrations:versions', integrationId, '--extended');
    assert.equal(rows.length, 1);
    // prism's JSON output renders every cell as text
    assert.equal(rows[0].versionNumber, '1');
    assert.equal(rows[0].id, v1Id);
    assert.equal(rows[0].versionComment, 'First release');
    assert.equal(rows[0].available, 'true');
  });

  await t.test('integrations:list', async () => {
    const rows = await prismJSON('integrations:list', '--extended');
    assert.equal(rows.length, 1, 'drafts only, one row per integration');
    assert.equal(rows[0].id, integrationId);
    assert.equal(rows[0].name, 'Order Sync');
    assert.equal(rows[0].versionNumber, '2');
    assert.deepEqual(JSON.parse(rows[0].labels), ['erp']);
    const all = await prismJSON('integrations:list', '--showAllVersions', '--extended');
    assert.deepEqual(all.map((r) => r.id).sort(), [integrationId, v1Id].sort());
  });

  // --- instance lifecycle ------------------------------------------------
  let instanceId;
  await t.test('instances:create of the published version', async () => {
    instanceId = lines(await prism('instances:create', '--name', 'Order Sync', '--integration', v1Id,
      '--customer', acme, '--description', 'Acme orders', '--label', 'eu',
      '--config-vars', JSON.stringify([{ key: 'ERP API Key', value: 'secret-1' }])))[0];
    const inst = (await state()).instances.find((i) => i.id === instanceId);
    assert.ok(inst);
    assert.equal(inst.customerId, acme);
    assert.equal(inst.integrationVersionId, v1Id);
    assert.equal(inst.versionNumber, 1);
    assert.equal(inst.enabled, true);
    assert.equal(inst.needsDeploy, true);
    assert.equal(inst.deployedVersion, null, 'never deployed (the API shows 0)');
    assert.deepEqual(inst.labels, ['eu']);
    assert.equal(inst.configVariables['ERP API Key'].value, 'secret-1');
    assert.equal(inst.configVariables['Batch Size'].value, '50', 'unlisted config variables take their default');
    assert.equal(inst.configState, 'FULLY_CONFIGURED');
  });

  await t.test('instances:update name and description', async () => {
    const out = lines(await prism('instances:update', instanceId, '--name', 'Order Sync (Acme)', '--description', 'Orders for Acme'))[0];
    assert.equal(out, instanceId);
    const inst = (await state()).instances.find((i) => i.id === instanceId);
    assert.equal(inst.name, 'Order Sync (Acme)');
    assert.equal(inst.description, 'Orders for Acme');
    assert.equal(inst.needsDeploy, true);
    assert.equal(inst.deployedVersion, null);
    assert.deepEqual(inst.labels, ['eu'], 'labels not passed are kept');
  });

  async function deployAndCheck(expectedVersion = 1) {
    const before = Date.now();
    const out = lines(await prism('instances:deploy', instanceId))[0];
    assert.equal(out, instanceId);
    const inst = (await state()).instances.find((i) => i.id === instanceId);
    assert.equal(inst.needsDeploy, false);
    assert.equal(inst.deployedVersion, expectedVersion);
    assert.ok(Date.parse(inst.lastDeployedAt) >= before - 1000);
    return inst;
  }

  await t.test('instances:deploy', async () => { await deployAndCheck(1); });

  await t.test('instances:disable', async () => {
    assert.equal(lines(await prism('instances:disable', instanceId))[0], instanceId);
    const inst = (await state()).instances.find((i) => i.id === instanceId);
    assert.equal(inst.enabled, false);
  });

  await t.test('instances:enable', async () => {
    assert.equal(lines(await prism('instances:enable', instanceId))[0], instanceId);
    const inst = (await state()).instances.find((i) => i.id === instanceId);
    assert.equal(inst.enabled, true);
  });

  await t.test('instances:list (the test instance stays hidden)', async () => {
    const rows = await prismJSON('instances:list', '--extended');
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, instanceId);
    assert.equal(rows[0].name, 'Order Sync (Acme)');
    assert.equal(rows[0].customer, 'Acme Corp');
    assert.equal(rows[0].customerExternalId, 'acme');
    assert.equal(rows[0].enabled, 'true');
    const filtered = await prismJSON('instances:list', '--customer', globex);
    assert.deepEqual(filtered, []);
  });

  // --- second version ----------------------------------------------------
  await t.test('integrations:import --replace of a changed definition', async () => {
    const out = lines(await prism('integrations:import', '--path', V2, '--integrationId', integrationId, '--replace', '--no-confirm'));
    assert.equal(out[out.length - 1], integrationId, 'import with an id overwrites that draft');
    const it = (await state()).integrations[0];
    assert.equal(it.description, 'Copies new and updated orders from the shop to the ERP');
    assert.deepEqual(it.definition.flows.map((f) => f.name), ['Sync Orders', 'Nightly Report']);
    assert.equal(it.versions.length, 1, 'import never publishes');
    assert.equal(it.versionNumber, 2);
    const exported = YAML.parse(await prism('integrations:export', integrationId));
    assert.deepEqual(H.semanticDiff(YAML.parse(fs.readFileSync(V2, 'utf8')), exported), []);
  });

  let v2Id;
  await t.test('integrations:publish again', async () => {
    v2Id = lines(await prism('integrations:publish', integrationId, '--comment', 'Second release', '--commitHash', 'def456',
      '--repoUrl', 'https://git.example.com/acme/integrations'))[0];
    const it = (await state()).integrations[0];
    assert.equal(it.versions.length, 2);
    assert.equal(it.versions[1].id, v2Id);
    assert.equal(it.versions[1].versionNumber, 2);
    assert.deepEqual(JSON.parse(it.versions[1].attributes), { commitHash: 'def456', repoUrl: 'https://git.example.com/acme/integrations' });
    assert.equal(it.versions[1].definition.flows.length, 2);
    assert.equal(it.versions[0].definition.flows.length, 1, 'version 1 keeps its snapshot');
    assert.equal(it.versionNumber, 3);
    await waitFor(async () => (await state()).integrations[0].versions[1].versionIsAvailable);
    const latest = lines(await prism('integrations:versions', integrationId, '--latest-available', '--columns', 'id', '--no-header'));
    assert.deepEqual(latest.map((l) => l.trim()), [v2Id]);
  });

  await t.test('instances:update to the new version', async () => {
    assert.equal(lines(await prism('instances:update', instanceId, '--version', v2Id))[0], instanceId);
    const inst = (await state()).instances.find((i) => i.id === instanceId);
    assert.equal(inst.integrationVersionId, v2Id);
    assert.equal(inst.versionNumber, 2);
    assert.equal(inst.needsDeploy, true);
    assert.equal(inst.deployedVersion, 1, 'still running version 1 until deployed');
    assert.equal(inst.configVariables['ERP API Key'].value, 'secret-1', 'config survives the version switch');
  });

  await t.test('instances:deploy the new version', async () => { await deployAndCheck(2); });

  // --- flow configs and test executions ----------------------------------
  let flowConfigId;
  await t.test('instances:flow-configs:list', async () => {
    const rows = await prismJSON('instances:flow-configs:list', instanceId, '--extended');
    assert.deepEqual(rows.map((r) => r.name), ['Sync Orders', 'Nightly Report'], 'the flows of version 2, which it runs');
    flowConfigId = rows[0].id;
    assert.ok(rows[0].webhookUrl.startsWith(`${url}/trigger/`));
  });

  await t.test('instances:flow-configs:test runs the flow of the deployed version', async () => {
    await H.control(url, 'DELETE', '/__emulator/faults');
    await H.control(url, 'POST', '/__emulator/faults',
      { execution: { customer: 'acme', instance: 'Order Sync (Acme)', flow: 'Sync Orders', status: 'ERROR', error: 'boom' }, times: 1 });
    const before = (await H.control(url, 'GET', '/__emulator/requests')).by_field.testInstanceFlowConfig || 0;
    await prism('instances:flow-configs:test', flowConfigId, '--payload', '{"order": 7}', '--contentType', 'application/json');
    const after = (await H.control(url, 'GET', '/__emulator/requests')).by_field.testInstanceFlowConfig;
    assert.equal(after, before + 1);
    const rules = (await H.control(url, 'GET', '/__emulator/faults')).rules;
    assert.equal(rules[0].hits, 1, 'the execution of that flow of that instance met the fault rule');
    assert.equal(rules[0].remaining, 0);
    await H.control(url, 'DELETE', '/__emulator/faults');
  });

  // --- connections: values in, inputs out ---------------------------------
  let crmVersion;
  await t.test('integrations:import and publish of an integration with connections', async () => {
    const crmId = lines(await prism('integrations:import', '--path', CRM))[0];
    crmVersion = lines(await prism('integrations:publish', crmId, '--comment', 'connections'))[0];
    await waitFor(async () => (await state()).integrations.find((i) => i.id === crmId).versions[0].versionIsAvailable);
  });

  let crmInstance;
  const sfValues = [{ name: 'username', type: 'value', value: 'svc@acme.example' }, { name: 'password', type: 'value', value: 'Pa$$W0rd' }];
  const ghValues = [{ name: 'clientId', type: 'value', value: 'gh-client' }, { name: 'clientSecret', type: 'value', value: 'gh-secret' }];
  await t.test('instances:create --config-vars with connection values (the --help example form)', async () => {
    crmInstance = lines(await prism('instances:create', '--name', 'CRM Sync', '--integration', crmVersion, '--customer', acme,
      '--config-vars', JSON.stringify([
        { key: 'Region', value: 'us' },
        { key: 'Salesforce Connection', values: JSON.stringify(sfValues) },
        { key: 'GitHub Connection', values: JSON.stringify(ghValues) },
      ])))[0];
    const inst = (await state()).instances.find((i) => i.id === crmInstance);
    assert.equal(inst.configVariables.Region.value, 'us');
    assert.deepEqual(inst.configVariables['Salesforce Connection'].inputs, { username: 'svc@acme.example', password: 'Pa$$W0rd' });
    assert.deepEqual(inst.configVariables['GitHub Connection'].inputs, { clientId: 'gh-client', clientSecret: 'gh-secret' });
    assert.equal(inst.configState, 'NEEDS_INSTANCE_CONFIGURATION', 'the GitHub OAuth 2.0 connection awaits authorization');
  });

  await t.test('instances:config-vars:list shows values and inputs, never a write-only one', async () => {
    const rows = await prismJSON('instances:config-vars:list', crmInstance, '--extended');
    const by = Object.fromEntries(rows.map((r) => [r.key, r]));
    assert.deepEqual(Object.keys(by).sort(), ['GitHub Connection', 'Region', 'Salesforce Connection']);
    assert.equal(by.Region.value, 'us');
    assert.equal(by.Region.defaultValue, 'eu');
    // prism prints a connection's inputs (the `inputs` connection) as JSON text
    const byName = (v) => Object.fromEntries(JSON.parse(v).nodes.map((n) => [n.name, n.value]));
    assert.deepEqual(byName(by['Salesforce Connection'].value),
      { username: 'svc@acme.example', password: '', loginUrl: 'https://login.salesforce.com' });
    assert.deepEqual(byName(by['GitHub Connection'].value), { clientId: 'gh-client', clientSecret: '', scopes: 'repo' });
    const raw = await prism('instances:config-vars:list', crmInstance, '--extended', '--output', 'json');
    for (const secret of ['Pa$$W0rd', 'gh-secret']) assert.ok(!raw.includes(secret), `${secret} shown`);
  });

  await t.test('instances:deploy is refused while the OAuth connection is pending, then works once authorized', async () => {
    await assert.rejects(prism('instances:deploy', crmInstance), /awaiting\s+authorization:\s+GitHub\s+Connection/);
    assert.equal((await state()).instances.find((i) => i.id === crmInstance).deployedVersion, null);
    await H.control(url, 'POST', '/__emulator/authorize', { customer: 'acme', name: 'CRM Sync', key: 'GitHub Connection' });
    assert.equal(lines(await prism('instances:deploy', crmInstance))[0], crmInstance);
    const inst = (await state()).instances.find((i) => i.id === crmInstance);
    assert.deepEqual([inst.needsDeploy, inst.deployedVersion, inst.configState], [false, 1, 'FULLY_CONFIGURED']);
  });

  await t.test('the emulator counted every request by root field', async () => {
    const c = await H.control(url, 'GET', '/__emulator/requests');
    assert.ok(c.total >= 20);
    assert.equal(c.by_field.importIntegration, 3);
    assert.equal(c.by_field.publishIntegration, 3);
    assert.equal(c.by_field.createInstance, 2);
    assert.equal(c.by_field.deployInstance, 4);
  });
});

async function waitFor(fn, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error('timed out waiting');
    await H.sleep(100);
  }
}
