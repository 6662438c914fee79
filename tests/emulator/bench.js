#!/usr/bin/env node
'use strict';
// Measures the emulator's start-up time (spawn to the PRISMATIC_URL line)
// and the latency of a 100-instance list query, with no latency injected.
//
//   node tests/emulator/bench.js [--size S|M|L] [--iterations N]
//
// The list query selects what prismsync reads for every instance.

const fs = require('fs');
const path = require('path');
const os = require('os');
const H = require('./test/helpers');
const { generate, parseArgs } = require('./genorg');

const LIST_INSTANCES = `
query listInstances($after: String) {
  instances(first: 100, after: $after, isSystem: false, sortBy: [{field: CREATED_AT, direction: ASC}]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id name description labels enabled needsDeploy deployedVersion lastDeployedAt configState
      customer { id name externalId }
      integration { id name versionNumber }
      configVariables { nodes { value requiredConfigVariable { key } } }
    }
  }
}`;

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const args = process.argv.slice(2);
  let size = 'L';
  let iterations = 200;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--size') size = args[++i];
    else if (args[i] === '--iterations') iterations = Number(args[++i]);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-bench-'));
  const seed = path.join(dir, `seed-${size}.json`);
  fs.writeFileSync(seed, JSON.stringify(generate(parseArgs(['--size', size]))));

  const starts = [];
  for (let i = 0; i < 5; i++) {
    const e = await H.startEmulator([]);
    starts.push(e.startupMs);
    await e.stop();
  }
  const seeded = await H.startEmulator(['--seed', seed]);
  const token = await H.getToken(seeded.url);
  // warm up
  for (let i = 0; i < 20; i++) await H.gql(seeded.url, token, LIST_INSTANCES, {});
  const times = [];
  let after = null;
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    const data = await H.gql(seeded.url, token, LIST_INSTANCES, { after });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (data.instances.nodes.length !== 100 && data.instances.pageInfo.hasNextPage) throw new Error('short page');
    after = data.instances.pageInfo.hasNextPage ? data.instances.pageInfo.endCursor : null;
  }
  await seeded.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  starts.sort((a, b) => a - b);
  const f = (x) => x.toFixed(1);
  process.stdout.write(`start-up (no seed, 5 runs): median ${f(pct(starts, 50))} ms, max ${f(starts[starts.length - 1])} ms\n`);
  process.stdout.write(`list 100 instances (seed ${size}, ${iterations} pages, over HTTP): ` +
    `p50 ${f(pct(times, 50))} ms, p95 ${f(pct(times, 95))} ms, max ${f(times[times.length - 1])} ms\n`);
}

main().catch((e) => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
