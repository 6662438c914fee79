#!/usr/bin/env node
// Writes a saved plan (the format of `prismsync plan --out`) with N changes
// to stdout, for measuring how long reading one takes: per customer a
// create, an instance create that depends on it, a deploy and a disable.
// With "wide": N - 1 customer creates and one more that depends on them all.
//   node gen_plan.js [N [wide]]      (default 8000)
'use strict';
const n = Number(process.argv[2] || 8000);
const changes = [];
const id = (c) => `${c.address}#${c.action}`;
function add(c) {
  c.id = id(c);
  c.live_id = c.live_id || null;
  c.fingerprint = c.fingerprint || null;
  c.note = c.note || null;
  changes.push(c);
  return c.id;
}
const wide = process.argv[3] === 'wide';
const customers = wide ? n - 1 : Math.ceil(n / 4);
const ids = [];
for (let k = 0; k < customers; k++) {
  const eid = `c${k}`;
  ids.push(add({
    address: `customer.${eid}`, type: 'customer', action: 'create',
    fields: {externalId: {before: null, after: eid}, name: {before: null, after: `Customer ${k}`}},
    depends_on: [],
    payload: {externalId: eid, name: `Customer ${k}`, description: null, labels: ['prismsync:owner=default']},
  }));
}
if (wide) {
  add({
    address: 'customer.last', type: 'customer', action: 'create',
    fields: {}, depends_on: ids.slice(),
    payload: {externalId: 'last', name: 'Last', description: null, labels: []},
  });
}
const creates = [];
for (let k = 0; k < customers && !wide; k++) {
  creates.push(add({
    address: `instance.c${k}/Orders`, type: 'instance', action: 'create',
    fields: {name: {before: null, after: 'Orders'}},
    depends_on: [ids[k]],
    payload: {name: 'Orders', customer: `c${k}`, integration: 'Order Sync', customerId: null,
      version: 1, versionId: 'SW50ZWdyYXRpb25WZXJzaW9uOjE=', description: null,
      labels: ['prismsync:owner=default'], configVariables: [{key: 'API Key', env: 'API_KEY'}]},
  }));
}
const deploys = [];
for (let k = 0; k < customers && !wide; k++) {
  deploys.push(add({
    address: `instance.c${k}/Orders`, type: 'instance', action: 'deploy', fields: {},
    depends_on: [creates[k]], note: 'version 1',
    payload: {integration: 'Order Sync', version: 1},
  }));
}
for (let k = 0; k < customers && !wide && changes.length < n; k++) {
  add({
    address: `instance.c${k}/Orders`, type: 'instance', action: 'disable',
    fields: {enabled: {before: 'true', after: 'false'}},
    depends_on: [deploys[k]], payload: {enabled: false},
  });
}
changes.length = Math.min(changes.length, n);
const plan = {
  format_version: '1', kind: 'plan',
  source: {manifest: 'prismsync.yaml', owner: 'default', commit: null, repository: null, dirty: false, prune: false},
  changes,
  summary: {create: 0, update: 0, publish: 0, deploy: 0, delete: 0, total: changes.length},
  prunable: [],
};
process.stdout.write(JSON.stringify(plan) + '\n');
