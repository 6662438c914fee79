#!/usr/bin/env node
// Writes bench/RESULTS.md from what bench/run.sh recorded (one JSON object a
// line). Not meant to be run by hand: `bench/run.sh` calls it.
//
//   node bench/report.js DATA.jsonl > bench/RESULTS.md
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const rows = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const start = rows.find((r) => r.kind === 'start');
const end = rows.find((r) => r.kind === 'end');
const out = [];
const p = (s = '') => out.push(s);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sec = (x) => (x == null ? 'n/a' : x >= 100 ? `${x.toFixed(0)} s` : x >= 10 ? `${x.toFixed(1)} s` : `${x.toFixed(2)} s`);
const human = (x) => (x == null ? 'n/a' : x >= 3600 ? `${sec(x)} (${(x / 3600).toFixed(1)} h)` : x >= 120 ? `${sec(x)} (${(x / 60).toFixed(0)} min)` : sec(x));
const mb = (kb) => `${(kb / 1024).toFixed(1)} MB`;
const ratio = (a, b) => (a == null || b == null || b === 0 ? 'n/a' : `${(a / b).toFixed(0)}×`);
const bound = (o) => 4 + Math.ceil(o.integrations / 100) + Math.ceil(o.instances / 100) + Math.ceil(o.customers / 100);
const pages = (n) => Math.ceil(n / 100);

// --- machine --------------------------------------------------------------------
const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
const model = (/^model name\s*:\s*(.*)$/m.exec(cpuinfo) || [])[1] || os.cpus()[0]?.model || 'unknown';
const nproc = os.cpus().length;

p('# Benchmarks');
p();
p('Written by `bench/run.sh`; do not edit by hand.');
const flags = [start.smoke ? ' --smoke' : start.runs !== 3 ? ` --runs ${start.runs}` : '',
  start.rate_runs && start.rate_runs !== 1 ? ` --rate-runs ${start.rate_runs}` : '',
  start.baseline === 0 ? ' --no-baseline' : ''].join('');
p(`Command: \`bench/run.sh${flags} ${start.sizes}\`.`);
p();
p(`- Date: ${start.date}`);
p(`- Commit measured: ${start.commit || 'unknown'}${start.dirty ? ' with uncommitted changes' : ''}`);
p(`- Machine: ${nproc} CPUs (${model}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.type()} ${os.release()}`);
p(`- Load average (1/5/15 min): ${start.load} at the start, ${end.load} at the end; per size below. ` +
  'Other builds and tests may share this machine: the load shows how busy it was.');
p(`- Versions: ${start.versions.prismsync}; Node.js ${start.versions.node}; prism CLI ${start.versions.prism}; ` +
  `emulator with graphql ${start.versions.graphql}`);
p(`- Emulator: \`--latency-ms ${start.latency}\` on every request; publish delay 500 ms. ` +
  `prismsync with its defaults (\`--parallelism 4\`, \`--read-parallelism ${start.read_par || 4}\`), the org reset with \`POST /__emulator/state\` before every run; ` +
  `each prismsync figure is the median of ${start.runs} run${start.runs > 1 ? 's' : ''} (min-max in brackets).`);
p();

// --- the prism CLI baseline -----------------------------------------------------------
function readTsv(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
}
function loadBaseline(b) {
  if (!b || b.mode === 'extrapolated' || b.mode === 'skipped') return null;
  const calls = readTsv(path.join(b.dir, 'calls.tsv')).map(([phase, kind, s, rc, pg]) => ({ phase, kind, s: Number(s), rc: Number(rc), pages: Number(pg) }));
  const phases = Object.fromEntries(readTsv(path.join(b.dir, 'phases.tsv')).map(([k, s]) => [k, Number(s)]));
  const expected = JSON.parse(fs.readFileSync(path.join(b.dir, 'expected.json'), 'utf8'));
  return { mode: b.mode, verified: b.verified, calls, phases, expected };
}
const LISTS = ['list-integrations', 'list-customers', 'list-instances'];
const listPages = (kind, o) => (kind === 'list-integrations' ? pages(o.integrations * 3) : kind === 'list-customers' ? pages(o.customers) : pages(o.instances));
function needed(o) { // calls of each kind the whole script makes
  return {
    'list-integrations': 1, 'list-customers': 1, 'list-instances': 1, export: o.integrations,
    import: o.changed_integrations, publish: o.changed_integrations,
    'delete-instance': o.changed_instances, 'create-instance': o.changed_instances,
    'disable-instance': o.changed_instances_disabled, 'deploy-instance': o.changed_instances_deployed,
  };
}
const PHASE = { 'list-integrations': 'check', 'list-customers': 'check', 'list-instances': 'check', export: 'check' };
// Estimates of the whole script per phase, from per-kind call costs. Time
// outside prism calls (comparing, jq) is scaled with the calls' time.
function estimate(o, cost, overhead) {
  const n = needed(o);
  const est = { check: 0, apply: 0, calls: 0, kinds: {} };
  for (const [kind, count] of Object.entries(n)) {
    if (!count) continue;
    const c = cost(kind);
    const ph = PHASE[kind] || 'apply';
    est[ph] += c * count;
    est.calls += count;
    est.kinds[kind] = { count, each: c };
  }
  est.check *= overhead.check;
  est.apply *= overhead.apply;
  return est;
}
function measuredOverhead(bl) {
  const o = {};
  for (const ph of ['check', 'apply']) {
    const t = bl.calls.filter((c) => c.phase === ph).reduce((a, c) => a + c.s, 0);
    o[ph] = t > 0 && bl.phases[ph] ? bl.phases[ph] / t : 1;
  }
  return o;
}
function kindMean(bls, kind) {
  const xs = bls.flatMap((bl) => bl.calls.filter((c) => c.kind === kind).map((c) => c.s));
  return xs.length ? mean(xs) : null;
}
function baselineFor(size, org, baselines) {
  const bl = baselines[size];
  if (bl && bl.mode === 'full') {
    return { how: 'measured: the whole script ran', check: bl.phases.check, apply: bl.phases.check + bl.phases.apply, calls: bl.calls.length, bl };
  }
  if (bl && (bl.mode === 'sample' || bl.mode === 'smoke')) {
    const cost = (kind) => kindMean([bl], kind) ?? kindMean(Object.values(baselines).filter(Boolean), kind) ?? kindMean([bl], 'export');
    const est = estimate(org, cost, measuredOverhead(bl));
    const done = {};
    for (const c of bl.calls) done[c.kind] = (done[c.kind] || 0) + 1;
    const sampled = Object.entries(est.kinds).filter(([k, v]) => (done[k] || 0) < v.count)
      .map(([k, v]) => `${k} ${done[k] || 0} of ${v.count}`).join(', ');
    return { how: `extrapolated per call kind from a run of ${bl.calls.length} calls (${sampled}; the rest measured in full)`, check: est.check, apply: est.check + est.apply, calls: est.calls, bl, est };
  }
  // No run at this size: lists fitted linearly in pages from the sizes that ran, other kinds their mean.
  const ran = Object.entries(baselines).filter(([, b]) => b);
  if (!ran.length) return null;
  const bls = ran.map(([, b]) => b);
  const cost = (kind) => {
    if (!LISTS.includes(kind)) return kindMean(bls, kind) ?? kindMean(bls, 'export');
    const pts = bls.flatMap((b) => b.calls.filter((c) => c.kind === kind).map((c) => [c.pages, c.s]));
    const xs = [...new Set(pts.map(([x]) => x))];
    if (xs.length < 2) return mean(pts.map(([, y]) => y));
    const mx = mean(pts.map(([x]) => x)); const my = mean(pts.map(([, y]) => y));
    const b = pts.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / pts.reduce((a, [x]) => a + (x - mx) ** 2, 0);
    // Noise can make the slope negative; more pages never cost less.
    return b > 0 ? my + b * (listPages(kind, org) - mx) : Math.max(...pts.map(([, y]) => y));
  };
  const ov = measuredOverhead(bls[bls.length - 1]);
  const est = estimate(org, cost, ov);
  return { how: `extrapolated from ${ran.map(([s]) => s).join(' and ')}: each call kind at its measured mean cost, list calls fitted linearly in pages`, check: est.check, apply: est.check + est.apply, calls: est.calls, est };
}

const baselines = {};
for (const b of rows.filter((r) => r.kind === 'baseline')) baselines[b.size] = loadBaseline(b);

// --- per size -----------------------------------------------------------------
const OPS = [['plan0', 'plan, no changes', 'check'], ['plan1', 'plan, 10% changed', 'check'], ['apply', 'apply of the change', 'apply'], ['drift', 'drift after the apply', 'check']];
const summary = {};
p('## Results');
for (const o of rows.filter((r) => r.kind === 'org')) {
  const size = o.size;
  const org = o.org;
  const ps = rows.filter((r) => r.kind === 'prismsync' && r.size === size);
  const base = baselineFor(size, org, baselines);
  summary[size] = { org, ops: {}, base };
  p();
  p(`### ${size}: ${org.integrations} integrations, ${org.instances} instances, ${org.customers} customers`);
  p();
  p(`Changed: ${org.changed_integrations} integrations, ${org.changed_instances} instances. ` +
    `Request bound 4 + ⌈I/100⌉ + ⌈N/100⌉ + ⌈C/100⌉ = ${bound(org)}. Load average at the start of this size: ${o.load}.`);
  p();
  p('| operation | prismsync wall | requests (bound) | peak RSS | CPU (user+sys) | prism CLI script | ratio |');
  p('|---|---|---|---|---|---|---|');
  for (const [op, label, phase] of OPS) {
    const rs = ps.filter((r) => r.op === op);
    if (!rs.length) continue;
    const w = median(rs.map((r) => r.wall));
    const req = median(rs.map((r) => r.requests));
    const rss = Math.max(...rs.map((r) => r.rss_kb));
    const cpu = median(rs.map((r) => r.user + r.sys));
    const b = base ? base[phase] : null;
    summary[size].ops[op] = { wall: w, requests: req, rss, cpu, base: b };
    const range = rs.length > 1 ? ` (${Math.min(...rs.map((r) => r.wall)).toFixed(2)}-${Math.max(...rs.map((r) => r.wall)).toFixed(2)})` : '';
    const reqNote = op === 'apply' ? `${req} (reads ≤ ${bound(org)}, plus the changes)` : `${req} (≤ ${bound(org)}${req <= bound(org) ? '' : ' MISSED'})`;
    p(`| ${label} | ${sec(w)}${range} | ${reqNote} | ${mb(rss)} | ${sec(cpu)} | ${human(b)} | ${ratio(b, w)} |`);
  }
  p();
  if (base) {
    p(`prism CLI script (\`bench/prism-baseline.sh\`): ${base.how}. ` +
      `Plan and drift compare with its check phase (list integrations, customers and instances, export and compare every integration); ` +
      `apply with check plus the changes; ${base.calls} prism calls in all.`);
    if (base.bl && base.bl.mode === 'full') {
      p(`After it, \`prismsync plan\` on the changed manifest found ${base.bl.verified ? 'nothing left to do: the script did the same work' : 'changes left: the script did NOT do the same work'}.`);
    }
    const kinds = base.est ? Object.entries(base.est.kinds).map(([k, v]) => `${k} ${v.count} × ${v.each.toFixed(2)} s`)
      : Object.entries(base.bl.calls.reduce((a, c) => { (a[c.kind] ||= []).push(c.s); return a; }, {})).map(([k, xs]) => `${k} ${xs.length} × ${mean(xs).toFixed(2)} s`);
    p(`Calls by kind (count × mean): ${kinds.join(', ')}.`);
  } else {
    p(start.baseline === 0 ? 'No prism CLI baseline: the run was made with --no-baseline.' : 'No prism CLI baseline at this size.');
  }
  p();
  // The floor: the same reads sent by curl, at the usual latency and far away.
  const fl = rows.filter((r) => r.kind === 'floor' && r.size === size);
  if (fl.length) {
    p(`The floor of a no-change plan: the ${fl[0].sent} read requests it sent (captured with \`PRISMSYNC_READ_LOG\`), ` +
      `sent again by \`curl --parallel --parallel-max ${fl[0].par}\` (prismsync's read bound) to the same emulator in the same run, ` +
      'after the same reset as each prismsync run; ' +
      'curl takes no token refresh and knows every request up front, prismsync learns the later pages from the first.');
    p();
    p('| emulator latency | plan, no changes | floor (curl) | plan ÷ floor | plan CPU (user+sys) | curl answers not 200 |');
    p('|---|---|---|---|---|---|');
    for (const [lat, pop, fop] of [[start.latency, 'plan0', 'floor'], [start.far, 'plan0far', 'floorfar']]) {
      const pr = ps.filter((r) => r.op === pop);
      const fr = fl.filter((r) => r.op === fop);
      if (!pr.length || !fr.length) continue;
      const pw = median(pr.map((r) => r.wall));
      const fw = median(fr.map((r) => r.wall));
      const cpu = median(pr.map((r) => r.user + r.sys));
      summary[size][fop] = { plan: pw, floor: fw, cpu };
      p(`| ${lat} ms | ${sec(pw)} | ${sec(fw)} | ${(pw / fw).toFixed(2)}× | ${sec(cpu)} | ${Math.max(...fr.map((r) => r.failed))} |`);
    }
    p();
  }
  // What the default --read-parallelism was chosen from.
  const rps = [4, 8, 16, 32].map((n) => [n, ps.filter((r) => r.op === `plan0rp${n}`)]).filter(([, rs]) => rs.length);
  if (rps.length) {
    p(`Plan with no changes by \`--read-parallelism\` (the default is ${start.read_par}):`);
    p();
    p('| --read-parallelism | wall | CPU (user+sys) |');
    p('|---|---|---|');
    for (const [n, rs] of rps) p(`| ${n} | ${sec(median(rs.map((r) => r.wall)))} | ${sec(median(rs.map((r) => r.user + r.sys)))} |`);
    p();
  }
  // Rate-limited apply, batching on (apply's default) and off (--batch-size 1).
  const modes = [['rate', start.has_batch ? 'on (default --batch-size)' : 'default'], ['rate_nobatch', 'off (--batch-size 1)']];
  const rr = ps.filter((r) => r.op === 'rate' || r.op === 'rate_nobatch');
  if (rr.length) {
    const lim = start.rate;
    p(`Apply under \`--rate-limit ${lim}\` (token bucket, burst ${lim})` +
      (start.has_batch ? ', with batching of mutations on and off:' : '; this prismsync has no `--batch-size`, so batching is not measured:'));
    p();
    p('| batching | run | wall | requests | 429s | successful | requests / s | successful / s | of the limit | changes done | failed |');
    p('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const [op, label] of modes) {
      const per = rr.filter((r) => r.op === op).map((r) => {
        const ok = r.requests - (r.throttled || 0);
        return { ...r, ok, rate: r.requests / r.wall, okRate: ok / r.wall };
      });
      if (!per.length) continue;
      for (const r of per) {
        p(`| ${label} | ${r.run} | ${sec(r.wall)} | ${r.requests} | ${r.throttled ?? 'n/a'} | ${r.ok} | ${r.rate.toFixed(1)} | ${r.okRate.toFixed(1)} | ${(100 * r.okRate / lim).toFixed(0)}% | ${r.done} | ${r.failed} |`);
      }
      const med = median(per.map((r) => r.okRate));
      const x = { okRate: med, failed: Math.max(...per.map((r) => r.failed ?? 1)), wall: median(per.map((r) => r.wall)) };
      if (op === 'rate') summary[size].rate = x;
      else summary[size].rateOff = x;
    }
    const med = summary[size].rate ? summary[size].rate.okRate : summary[size].rateOff.okRate;
    p();
    const burst = (summary[size].rate || summary[size].rateOff).wall < 5;
    p(`Median successful rate ${med.toFixed(1)} requests/s (${modes[0][1]}), ${(100 * med / lim).toFixed(0)}% of the limit` +
      (burst ? `; the run is short enough that the bucket's initial burst of ${lim} is a large part of it, so the rate can exceed the limit.` : '.'));
  }
}

// --- targets ------------------------------------------------------------------
p();
p('## Targets');
p();
const L = summary.L;
const M = summary.M;
const mark = (ok) => (ok ? 'holds' : 'MISSED');
if (L && L.ops.plan0) {
  const x = L.ops.plan0;
  if (L.floor) {
    p(`- plan on L with no changes within 1.25× of the floor: ${sec(L.floor.plan)} against ${sec(L.floor.floor)}, ` +
      `${(L.floor.plan / L.floor.floor).toFixed(2)}×, ${mark(L.floor.plan <= 1.25 * L.floor.floor)}.`);
  }
  p(`- plan on L with no changes ≤ 0.4 s of prismsync CPU (user+sys): ${sec(x.cpu)}, ${mark(x.cpu <= 0.4)}.`);
  p(`- plan on L with no changes ≤ ${bound(L.org)} requests: ${x.requests}, ${mark(x.requests <= bound(L.org))}.`);
  p(`- plan on L peak RSS < 150 MB: ${mb(x.rss)}, ${mark(x.rss < 150 * 1024)}.`);
} else {
  p('- plan on L: not run.');
}
if (M && M.base) {
  const rs = ['plan0', 'apply'].map((op) => [op, M.ops[op].base / M.ops[op].wall]);
  p(`- ≥ 50× faster than the prism CLI script on M: plan ${rs[0][1].toFixed(0)}×, apply ${rs[1][1].toFixed(0)}×, ` +
    `${mark(rs.every(([, r]) => r >= 50))} (the script's M figures are ${M.base.bl && M.base.bl.mode === 'full' ? 'measured' : 'partly extrapolated, see M above'}).`);
} else {
  p('- ≥ 50× faster than the prism CLI script on M: M not run.');
}
const rateSizes = Object.entries(summary).filter(([, s]) => s.rate);
if (L && (L.rate || L.rateOff)) {
  const on = L.rate; const off = L.rateOff;
  p(`- apply of the L change under \`--rate-limit ${start.rate}\` in at most a third of 120 s (before batching): ` +
    `${on ? `${sec(on.wall)} with batching${start.has_batch ? '' : ' (no --batch-size in this prismsync)'}` : 'n/a'}` +
    `${off ? `, ${sec(off.wall)} without (--batch-size 1)` : ''}, ${mark(on && on.wall <= 40 && on.failed === 0)}.`);
}
if (rateSizes.length) {
  const [name, s] = rateSizes[rateSizes.length - 1];
  const lim = start.rate;
  p(`- apply holds ≥ 90% of \`--rate-limit ${lim}\` with no change failing on a 429: on ${name} (the longest run, ${sec(s.rate.wall)}) ` +
    `${s.rate.okRate.toFixed(1)} successful requests/s = ${(100 * s.rate.okRate / lim).toFixed(0)}%, ${s.rate.failed} failed: ` +
    `${mark(s.rate.okRate >= 0.9 * lim && s.rate.failed === 0)}. ` +
    `Other sizes: ${rateSizes.map(([n, x]) => `${n} ${(100 * x.rate.okRate / lim).toFixed(0)}% (${x.rate.failed} failed)`).join(', ')}.`);
}

// --- profile --------------------------------------------------------------------
const prof = rows.find((r) => r.kind === 'profile');
if (prof && L && L.ops.plan0) {
  p();
  p('## Where the time of plan goes (L, no changes)');
  p();
  const x = L.ops.plan0;
  const cpuShare = x.cpu / x.wall;
  p(`Wall ${sec(x.wall)}, of which prismsync is on the CPU for ${sec(x.cpu)} (user+sys, median): ` +
    `${(100 * cpuShare).toFixed(0)}% CPU, ${(100 * (1 - cpuShare)).toFixed(0)}% waiting for answers ` +
    `(${x.requests} requests at ${start.latency} ms latency each, ${start.read_par || 4} in flight, plus the emulator's own time on the same CPUs).`);
  const text = fs.readFileSync(prof.file, 'utf8');
  const total = Number(((/^([\d,]+)\s.*PROGRAM TOTALS/m.exec(text) || [])[1] || '0').replace(/,/g, ''));
  p();
  p(`valgrind --tool=callgrind: ${(total / 1e9).toFixed(2)} billion instructions in all. Top functions by their own instructions:`);
  p();
  p('| instructions | share | function |');
  p('|---|---|---|');
  const lines = text.split('\n');
  const i0 = lines.findIndex((l) => /file:function/.test(l));
  let n = 0;
  for (const l of lines.slice(i0 + 1)) {
    const m = /^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)$/.exec(l) || /^\s*([\d,]+)\s+(.*)$/.exec(l);
    if (!m) { if (n) break; continue; }
    const ir = Number(m[1].replace(/,/g, ''));
    const fn = (m[3] || m[2]).replace(/\s*\[[^\]]*\]\s*$/, '');
    p(`| ${ir.toLocaleString('en-US')} | ${(100 * ir / total).toFixed(1)}% | \`${fn.trim()}\` |`);
    if (++n >= 12) break;
  }
}
process.stdout.write(out.join('\n') + '\n');
