'use strict';
// Compares the live state that apidriver fetched (argv[2]) with the
// emulator's own state dump (argv[3]), field by field. Prints each
// difference and exits 1 when there is any.
//
//   node compare_state.js fetched.json state.json

const fs = require('fs');
const path = require('path');
const assert = require('assert');
const YAML = require(path.join(process.env.EMULATOR_DIR, 'yaml.js'));

const got = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const want = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const problems = [];

function eq(what, a, b) {
  try {
    assert.deepStrictEqual(a, b);
  } catch {
    problems.push(`${what}: fetched ${JSON.stringify(a)}, emulator has ${JSON.stringify(b)}`);
  }
}

function byId(list) {
  const m = new Map();
  for (const x of list) {
    if (m.has(x.id)) problems.push(`duplicate id ${x.id}`);
    m.set(x.id, x);
  }
  return m;
}

function sameSet(what, gotMap, wantList) {
  eq(`${what}: count`, gotMap.size, wantList.length);
  for (const w of wantList) if (!gotMap.has(w.id)) problems.push(`${what}: ${w.id} (${w.name}) missing`);
}

// Customers
const wantCustomers = want.customers.filter((c) => !c.isSystem);
const gotCustomers = byId(got.customers);
sameSet('customers', gotCustomers, wantCustomers);
for (const w of wantCustomers) {
  const g = gotCustomers.get(w.id);
  if (!g) continue;
  for (const k of ['externalId', 'name', 'description', 'labels']) eq(`customer ${w.name} ${k}`, g[k], w[k]);
}

// Integrations (org-owned)
// The state format calls availability versionIsAvailable (earlier: available).
const isAvailable = (v) => (v.versionIsAvailable !== undefined ? v.versionIsAvailable : v.available);
const wantIntegrations = want.integrations.filter((i) => i.customerId === null);
const gotIntegrations = byId(got.integrations);
sameSet('integrations', gotIntegrations, wantIntegrations);
function checkDefinition(what, yamlText, def, rec) {
  let parsed;
  try { parsed = YAML.parse(yamlText); } catch (e) { problems.push(`${what}: definition is not YAML: ${e.message}`); return; }
  eq(`${what} definition name`, parsed.name, rec.name);
  eq(`${what} definition flows`, parsed.flows, def.flows);
  eq(`${what} definition requiredConfigVars`, parsed.requiredConfigVars, def.requiredConfigVars);
}
for (const w of wantIntegrations) {
  const g = gotIntegrations.get(w.id);
  if (!g) continue;
  const n = `integration ${w.name}`;
  for (const k of ['name', 'category', 'labels', 'versionNumber']) eq(`${n} ${k}`, g[k], w[k]);
  // A null description reads as "" (the client does not tell them apart).
  eq(`${n} description`, g.description, w.description ?? '');
  // Code-native integrations have no definition, and none is read.
  const codeNative = !!w.isCodeNative;
  eq(`${n} isCodeNative`, g.isCodeNative, codeNative);
  if (codeNative) eq(`${n} draft definition`, g.definition, null);
  else checkDefinition(`${n} draft`, g.definition, w.definition, w);
  const versions = w.versions.map((v) => ({ id: v.id, versionNumber: v.versionNumber, available: isAvailable(v) }))
    .sort((a, b) => a.versionNumber - b.versionNumber);
  eq(`${n} versions`, g.versions, versions);
  const avail = w.versions.filter(isAvailable).sort((a, b) => b.versionNumber - a.versionNumber);
  if (!avail.length) {
    eq(`${n} latest`, g.latest, null);
  } else {
    eq(`${n} latest id`, g.latest && g.latest.id, avail[0].id);
    eq(`${n} latest number`, g.latest && g.latest.versionNumber, avail[0].versionNumber);
    if (g.latest && codeNative) eq(`${n} latest definition`, g.latest.definition, null);
    else if (g.latest) checkDefinition(`${n} latest`, g.latest.definition, avail[0].definition, avail[0]);
  }
}

// Instances
const customerById = new Map(want.customers.map((c) => [c.id, c]));
const orgIntegrationIds = new Set(wantIntegrations.map((i) => i.id));
const gotInstances = byId(got.instances);
sameSet('instances', gotInstances, want.instances);
for (const w of want.instances) {
  const g = gotInstances.get(w.id);
  if (!g) continue;
  const n = `instance ${w.name}`;
  for (const k of ['name', 'description', 'labels', 'enabled', 'customerId', 'integrationVersionId',
    'versionNumber', 'deployedVersion', 'needsDeploy', 'configState']) eq(`${n} ${k}`, g[k], w[k]);
  eq(`${n} customerExternalId`, g.customerExternalId, customerById.get(w.customerId).externalId);
  eq(`${n} integrationId`, g.integrationId, orgIntegrationIds.has(w.integrationId) ? w.integrationId : null);
  const cv = {};
  for (const [k, v] of Object.entries(w.configVariables)) cv[k] = v.value;
  eq(`${n} configVariables`, g.configVariables, cv);
}

if (problems.length) {
  for (const p of problems.slice(0, 50)) console.log(p);
  if (problems.length > 50) console.log(`... and ${problems.length - 50} more`);
  process.exit(1);
}
console.log(`same: ${gotCustomers.size} customers, ${gotIntegrations.size} integrations, ${gotInstances.size} instances`);
