#!/usr/bin/env node
'use strict';
// Generates a seed organization for the emulator (the JSON format that
// `server.js --seed FILE` reads and GET /__emulator/state returns).
//
//   node tests/emulator/genorg.js --size S|M|L [--out FILE]
//   node tests/emulator/genorg.js --integrations N --instances N --customers N
//        [--versions N] [--code-native N] [--seed N] [--out FILE]
//
// Sizes (the benchmark sizes, bench/run.sh): S = 10 integrations, 100 instances, 50 customers;
// M = 100 / 2,000 / 500; L = 1,000 / 10,000 / 2,000. Explicit counts override
// the size. The output is deterministic for a given --seed.
//
// Names follow a pattern that tests and benchmarks can rely on:
//   customers     "Customer 0001", externalId "cust-0001"
//   integrations  "Integration 0001" (published versions 1..V, all available)
//   instances     named after their integration, one per (customer,
//                 integration) pair, deployed on the latest version.
// --code-native N makes the last N integrations code-native: no YAML
// definition, a null description, the same config variables.

const fs = require('fs');
const { Model, encodeId } = require('./model');

const SIZES = {
  S: { integrations: 10, instances: 100, customers: 50 },
  M: { integrations: 100, instances: 2000, customers: 500 },
  L: { integrations: 1000, instances: 10000, customers: 2000 },
};

const USAGE = `usage: node genorg.js [--size S|M|L] [--integrations N] [--instances N] [--customers N]
                 [--versions N] [--code-native N] [--seed N] [--out FILE]`;

function parseArgs(argv) {
  const o = { size: null, seed: 1, versions: 2, codeNative: 0 };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
    const next = () => (v !== undefined ? v : argv[++i]);
    const int = (name) => {
      const x = Number(next());
      if (!Number.isInteger(x) || x < 0) throw new Error(`${name} needs a non-negative integer`);
      return x;
    };
    switch (a) {
      case '--size': {
        const s = String(next() || '').toUpperCase();
        if (!SIZES[s]) throw new Error('--size must be S, M or L');
        o.size = s;
        break;
      }
      case '--integrations': o.integrations = int(a); break;
      case '--instances': o.instances = int(a); break;
      case '--customers': o.customers = int(a); break;
      case '--versions': o.versions = Math.max(1, int(a)); break;
      case '--seed': o.seed = int(a); break;
      case '--code-native': o.codeNative = int(a); break;
      case '--out': o.out = next(); break;
      case '-h': case '--help': o.help = true; break;
      default: throw new Error(`unknown argument "${argv[i]}"`);
    }
  }
  const base = SIZES[o.size || 'S'];
  for (const k of ['integrations', 'instances', 'customers']) if (o[k] === undefined) o[k] = base[k];
  if (o.codeNative > o.integrations) throw new Error('--code-native cannot exceed --integrations');
  return o;
}

// mulberry32: a small deterministic PRNG
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuidFrom(rand) {
  const hex = () => Math.floor(rand() * 0x10000).toString(16).padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
}

const pad = (n) => String(n).padStart(4, '0');

function definitionFor(i, version, rand) {
  const name = `Integration ${pad(i)}`;
  const flows = 1 + (i % 3);
  const def = {
    definitionVersion: 7,
    name,
    description: `Generated integration ${i}`,
    category: ['ERP', 'CRM', 'Messaging', 'Storage'][i % 4],
    labels: [`team-${i % 5}`],
    requiredConfigVars: [
      { key: 'Base URL', dataType: 'string', defaultValue: `https://api${i}.example.com` },
      { key: 'API Key', dataType: 'string', defaultValue: '' },
      { key: 'Page Size', dataType: 'number', defaultValue: '100' },
    ],
    flows: [],
  };
  for (let f = 0; f < flows; f++) {
    def.flows.push({
      name: `Flow ${f + 1}`,
      steps: [
        { name: 'Trigger', isTrigger: true, action: { key: 'webhook', component: { key: 'webhook-triggers', version: 'LATEST', isPublic: true } } },
        {
          name: 'Call API',
          action: { key: 'httpGet', component: { key: 'http', version: 'LATEST', isPublic: true } },
          inputs: {
            url: { type: 'template', value: `{{#Base URL}}/v${version}/items/${f}` },
            timeout: { type: 'value', value: String(1000 + Math.floor(rand() * 9000)) },
          },
        },
      ],
    });
  }
  return def;
}

function generate(o) {
  const rand = prng(o.seed);
  const id = (type) => encodeId(type, uuidFrom(rand));
  const t0 = Date.UTC(2024, 0, 1);
  const when = (n) => new Date(t0 + n * 60000).toISOString();
  const state = {
    format: 'prismsync-emulator-state',
    version: 1,
    org: { id: id('Organization'), name: 'Generated Org', tenantId: `gen-${o.seed}` },
    user: { id: id('User'), name: 'Generated User', email: 'generated@prismsync.test' },
    customers: [],
    integrations: [],
    instances: [],
  };
  for (let c = 1; c <= o.customers; c++) {
    state.customers.push({
      id: id('Customer'),
      name: `Customer ${pad(c)}`,
      externalId: `cust-${pad(c)}`,
      description: c % 7 === 0 ? `Key account ${c}` : '',
      labels: c % 3 === 0 ? ['tier-1'] : [],
      createdAt: when(c),
      updatedAt: when(c),
    });
  }
  for (let i = 1; i <= o.integrations; i++) {
    const versions = [];
    for (let v = 1; v <= o.versions; v++) {
      versions.push({
        id: id('Integration'),
        versionNumber: v,
        comment: `Release ${v}`,
        attributes: { commitHash: uuidFrom(rand).replace(/-/g, '').slice(0, 12) },
        createdAt: when(100000 + i * 10 + v),
        availableAt: when(100000 + i * 10 + v),
        definition: definitionFor(i, v, rand),
      });
    }
    state.integrations.push({
      id: id('Integration'),
      name: `Integration ${pad(i)}`,
      versionNumber: o.versions + 1,
      createdAt: when(100000 + i * 10),
      updatedAt: when(100000 + i * 10 + o.versions),
      // the draft equals the latest published version
      definition: definitionFor(i, o.versions, prng(o.seed * 7919 + i)),
      systemInstance: { id: id('Instance') },
      versions,
    });
    // keep the draft identical to the latest version
    versions[versions.length - 1].definition = state.integrations[i - 1].definition;
    if (i > o.integrations - o.codeNative) {
      // Code-native: no definition anywhere; its config variables are declared.
      const it = state.integrations[i - 1];
      it.isCodeNative = true;
      it.description = null;
      it.configVars = it.definition.requiredConfigVars;
      delete it.definition;
      for (const v of versions) delete v.definition;
    }
  }
  if (o.instances > 0 && (o.customers === 0 || o.integrations === 0)) {
    throw new Error('instances need at least one customer and one integration');
  }
  const pairs = o.customers * o.integrations;
  if (o.instances > pairs) throw new Error(`at most ${pairs} instances fit (one per customer and integration)`);
  for (let n = 0; n < o.instances; n++) {
    // spread instances over customers first, then integrations; unique pairs
    const c = n % o.customers;
    const k = Math.floor(n / o.customers);
    const i = (c + k) % o.integrations;
    const integ = state.integrations[i];
    const ver = integ.versions[integ.versions.length - 1];
    const mode = n % 20;
    const deployed = mode !== 7; // 1 in 20 never deployed
    state.instances.push({
      id: id('Instance'),
      name: integ.name,
      description: `${integ.name} for ${state.customers[c].name}`,
      labels: n % 4 === 0 ? ['eu'] : [],
      customerId: state.customers[c].id,
      integrationVersionId: ver.id,
      enabled: mode !== 3,
      needsDeploy: !deployed,
      deployedVersion: deployed ? ver.versionNumber : null,
      lastDeployedAt: deployed ? when(200000 + n) : null,
      createdAt: when(150000 + n),
      updatedAt: when(200000 + n),
      configVariables: {
        'API Key': { value: `key-${pad(c + 1)}-${i + 1}` },
        'Page Size': { value: String(50 + (n % 3) * 50) },
      },
    });
  }
  // Normalize through the model, so the file is exactly what the emulator
  // would return from GET /__emulator/state.
  return new Model({ state, clock: () => t0 + 365 * 86400000 }).toJSON();
}

function main() {
  let o;
  try { o = parseArgs(process.argv.slice(2)); } catch (e) {
    process.stderr.write(`genorg.js: ${e.message}\n${USAGE}\n`);
    process.exit(64);
  }
  if (o.help) { process.stdout.write(`${USAGE}\n`); return; }
  let state;
  try { state = generate(o); } catch (e) {
    process.stderr.write(`genorg.js: ${e.message}\n`);
    process.exit(1);
  }
  const text = JSON.stringify(state);
  if (o.out) fs.writeFileSync(o.out, text);
  else process.stdout.write(text);
  process.stderr.write(`genorg.js: ${state.customers.length} customers, ${state.integrations.length} integrations, ${state.instances.length} instances${o.out ? ` -> ${o.out}` : ''}\n`);
}

if (require.main === module) main();

module.exports = { generate, parseArgs, SIZES };
