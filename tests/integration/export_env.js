// export_env.js DIR STATE.json: prints NAME=VALUE for every ${env:NAME} the
// exported DIR/prismsync.yaml reads, with the value the organization holds
// there: what a user copies from their vault into .env before a plan. An
// input the API returns is taken from the API (it may be a default the state
// does not list); a write-only one from the emulator's state.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require(path.join(process.env.EMULATOR_DIR, 'yaml.js'));

const [dir, stateFile] = process.argv.slice(2);
const manifest = YAML.parse(fs.readFileSync(path.join(dir, 'prismsync.yaml'), 'utf8'));
const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
const customerId = new Map(state.customers.map((c) => [c.externalId, c.id]));
const ref = /^\$\{env:([A-Za-z0-9_]+)\}$/;

function stored(cv, input) {
  if (!cv) return undefined;
  if (input === undefined) return cv.value;
  if (cv.inputs) return cv.inputs[input];
  if (cv.values) {
    const found = JSON.parse(cv.values).find((v) => v.name === input);
    return found && found.value;
  }
  return undefined;
}

async function apiInputs() {
  const url = process.env.PRISMATIC_URL;
  const auth = await (await fetch(`${url}/auth/refresh`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh_token: process.env.PRISM_REFRESH_TOKEN }),
  })).json();
  const out = new Map();
  for (let offset = 0; ; offset += 100) {
    const res = await (await fetch(`${url}/api`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth.access_token}` },
      body: JSON.stringify({
        query: `query($o: Int) { instances(isSystem: false, first: 100, offset: $o) { nodes {
          name customer { externalId } configVariables { nodes { requiredConfigVariable { key }
          inputs { nodes { name value hasValue } } } } } } }`,
        variables: { o: offset },
      }),
    })).json();
    const nodes = res.data.instances.nodes;
    for (const n of nodes) {
      for (const cv of n.configVariables.nodes) {
        for (const i of (cv.inputs && cv.inputs.nodes) || []) {
          // hasValue with an empty value: a write-only input, only the state knows it.
          if (i.hasValue) {
            out.set(JSON.stringify([n.customer.externalId, n.name, cv.requiredConfigVariable.key, i.name]),
              i.value === '' ? undefined : i.value);
          }
        }
      }
    }
    if (nodes.length < 100) return out;
  }
}

async function main() {
const fromApi = await apiInputs();
for (const inst of manifest.instances || []) {
  const live = state.instances.find(
    (i) => i.customerId === customerId.get(inst.customer) && i.name === inst.name);
  for (const [key, val] of Object.entries(inst.configVariables || {})) {
    const cv = live && live.configVariables && live.configVariables[key];
    const pairs = typeof val === 'string' ? [[undefined, val]]
      : Object.entries((val && val.inputs) || {});
    for (const [input, text] of pairs) {
      const m = ref.exec(text);
      if (!m) continue;
      const k = JSON.stringify([inst.customer, inst.name, key, input]);
      let v = input !== undefined && fromApi.get(k) !== undefined ? fromApi.get(k) : stored(cv, input);
      // A write-only input the state does not list holds its default (empty, in these orgs).
      if ((v === undefined || v === null) && input !== undefined && fromApi.has(k)) v = '';
      if (v === undefined || v === null) {
        console.error(`no value in the state for ${inst.customer}/${inst.name} ${key} ${input || ''}`);
        process.exit(1);
      }
      console.log(`${m[1]}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    }
  }
}
}
main().catch((e) => { console.error(e); process.exit(1); });
