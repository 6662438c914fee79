'use strict';
// Shared helpers for the emulator's tests: start the emulator (as a child
// process, the way other test suites do, or in-process), get tokens, send
// GraphQL, read the state.

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const EMULATOR_DIR = path.join(__dirname, '..');
const SERVER = path.join(EMULATOR_DIR, 'server.js');
const REPO = path.join(EMULATOR_DIR, '..', '..');
// The real-world corpus: $PRISMSYNC_REALWORLD/definitions; ctest sets it,
// empty when the corpus is not beside the checkout.
const REALWORLD = process.env.PRISMSYNC_REALWORLD ? path.join(process.env.PRISMSYNC_REALWORLD, 'definitions') : null;
const TESTDATA = path.join(EMULATOR_DIR, 'testdata');

// Start `node server.js --port 0 ...args`; resolves once the first stdout
// line (PRISMATIC_URL=...) arrives.
function startEmulator(args = [], { timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const proc = spawn(process.execPath, [SERVER, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`emulator did not start: ${stderr}`)); }, timeoutMs);
    const rl = readline.createInterface({ input: proc.stdout });
    rl.once('line', (line) => {
      clearTimeout(timer);
      const m = /^PRISMATIC_URL=(http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (!m) { proc.kill('SIGKILL'); reject(new Error(`unexpected first line: ${line}`)); return; }
      const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
      let stopping = false;
      proc.removeAllListeners('exit');
      proc.once('exit', (code, signal) => {
        if (!stopping) process.stderr.write(`emulator exited unexpectedly (code ${code}, signal ${signal}):\n${stderr}\n`);
      });
      resolve({
        url: m[1],
        firstLine: line,
        proc,
        startupMs,
        stderr: () => stderr,
        stop: () => new Promise((res) => {
          stopping = true;
          if (proc.exitCode !== null || proc.signalCode !== null) { res(); return; }
          proc.once('exit', () => res());
          proc.kill('SIGTERM');
        }),
      });
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}: ${stderr}`));
    });
  });
}

// In-process emulator (faster for unit tests); same HTTP surface.
async function startInProcess(options = {}) {
  const { createEmulator } = require('../server');
  const emu = createEmulator(options);
  const url = await emu.listen(0);
  return { url, emu, model: emu.model, stop: () => emu.close() };
}

async function getToken(url, refreshToken = 'test-refresh-token') {
  const r = await fetch(`${url}/auth/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });
  if (r.status !== 200) throw new Error(`refresh failed: ${r.status}`);
  return (await r.json()).access_token;
}

// POST /api; returns {status, headers, body (parsed JSON or text)}.
async function gqlRaw(url, token, query, variables, extraHeaders = {}) {
  const headers = { 'Content-Type': 'application/json', ...extraHeaders };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(`${url}/api`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const text = await r.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: r.status, headers: r.headers, body };
}

// POST /api and expect HTTP 200 with data and no errors.
async function gql(url, token, query, variables) {
  const r = await gqlRaw(url, token, query, variables);
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
  if (r.body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(r.body.errors)}`);
  return r.body.data;
}

async function control(url, method, p, body) {
  const r = await fetch(`${url}${p}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  if (r.status >= 400) throw new Error(`${method} ${p}: HTTP ${r.status}: ${text}`);
  return parsed;
}

const getState = (url) => control(url, 'GET', '/__emulator/state');

function tmpDir(prefix = 'emulator-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// The definitions (*.yml, *.yaml) in dir, sorted; none when dir is absent.
function definitionFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml')).sort()
    .map((f) => path.join(dir, f));
}

// The real-world definitions; null when no corpus is configured.
function realworldFiles() {
  return REALWORLD ? definitionFiles(REALWORLD) : null;
}

// Semantic containment used by prismsync: every key and value in
// `want` is present and equal in `got`; lists element by element; a
// component version LATEST matches any version. Returns the differing paths.
function semanticDiff(want, got, p = '', out = []) {
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) { out.push(`${p || '.'}: list differs`); return out; }
    want.forEach((w, i) => semanticDiff(w, got[i], `${p}[${i}]`, out));
    return out;
  }
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) { out.push(`${p || '.'}: not a mapping`); return out; }
    for (const k of Object.keys(want)) {
      if (k === 'version' && want[k] === 'LATEST' && p.endsWith('component')) {
        if (!(k in got)) out.push(`${p}.${k}: missing`);
        continue;
      }
      if (!(k in got)) { out.push(`${p}.${k}: missing`); continue; }
      semanticDiff(want[k], got[k], p ? `${p}.${k}` : k, out);
    }
    return out;
  }
  if (want !== got) out.push(`${p}: ${JSON.stringify(want)} != ${JSON.stringify(got)}`);
  return out;
}

module.exports = {
  startEmulator, startInProcess, getToken, gql, gqlRaw, control, getState, tmpDir, sleep,
  realworldFiles, definitionFiles, semanticDiff, EMULATOR_DIR, REPO, TESTDATA, REALWORLD, SERVER,
};
