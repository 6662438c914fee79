#!/usr/bin/env node
'use strict';
// Prismatic API emulator: a stateful stand-in for https://app.prismatic.io
// used by prismsync's tests, demo and benchmarks.
//
//   node tests/emulator/server.js [--port N] [--seed FILE] [--latency-ms N]
//       [--rate-limit RPS] [--refresh-token TOKEN] [--publish-delay-ms N]
//       [--execution-ms N] [--token-ttl SECONDS] [--schema FILE]
//
// When ready, the first line on stdout is exactly
//   PRISMATIC_URL=http://127.0.0.1:PORT
// Only 127.0.0.1 is bound. See README.md for the endpoints.

const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const { Model } = require('./model');
const { GraphQLService } = require('./api');
const { validateExecutionRule } = require('./executions');

const MAX_BODY = 16 * 1024 * 1024;

// What the emulator answers for an expired or invalid token when it answers
// as a GraphQL error (fault rule `auth_error`, config `bad_token_graphql_error`).
// The shape is an assumption (README "Assumptions").
const AUTH_ERROR_MESSAGE = 'Authentication credentials were not provided or are invalid or expired.';

// ---------------------------------------------------------------------------
// Tokens: JWT-shaped, HS256-signed with a per-process secret, so only tokens
// this process issued are accepted.
// ---------------------------------------------------------------------------

function b64url(buf) {
  return Buffer.from(buf).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

class Tokens {
  constructor(ttl) {
    this.secret = crypto.randomBytes(32);
    this.ttl = ttl;
  }

  issue(ttlSeconds, claims = {}) {
    const ttl = ttlSeconds === undefined || ttlSeconds === null ? this.ttl : Number(ttlSeconds);
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({
      iss: 'prismatic-emulator',
      sub: 'emulator-user',
      iat: now,
      exp: now + ttl,
      jti: crypto.randomUUID(),
      ...claims,
    }));
    const sig = b64url(crypto.createHmac('sha256', this.secret).update(`${header}.${payload}`).digest());
    return { token: `${header}.${payload}.${sig}`, expiresIn: ttl };
  }

  // Returns null when valid, else the reason.
  check(token) {
    const parts = String(token).split('.');
    if (parts.length !== 3) return 'invalid token';
    const sig = b64url(crypto.createHmac('sha256', this.secret).update(`${parts[0]}.${parts[1]}`).digest());
    const a = Buffer.from(sig);
    const b = Buffer.from(parts[2]);
    if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) return 'invalid token';
    let claims;
    try { claims = JSON.parse(Buffer.from(parts[1].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')); } catch { return 'invalid token'; }
    if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return 'token expired';
    return null;
  }
}

// ---------------------------------------------------------------------------
// Rate limit: a token bucket of `rps` requests per second, burst `rps`.
// ---------------------------------------------------------------------------

class Bucket {
  constructor(rps) { this.set(rps); }
  set(rps) {
    this.rps = rps > 0 ? rps : 0;
    this.capacity = Math.max(1, this.rps);
    this.tokens = this.capacity;
    this.last = Date.now();
  }
  // Returns 0 when allowed, else the seconds to wait.
  take() {
    if (!this.rps) return 0;
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rps);
    this.last = now;
    if (this.tokens >= 1) { this.tokens -= 1; return 0; }
    return (1 - this.tokens) / this.rps;
  }
}

// ---------------------------------------------------------------------------
// Fault rules
// ---------------------------------------------------------------------------

const RULE_KEYS = new Set(['match', 'times', 'status', 'retry_after', 'body', 'content_type', 'delay_ms', 'drop',
  'garbage', 'oversized_bytes', 'data_null', 'message', 'payload_errors', 'top_level_error', 'phase', 'headers',
  'auth_error']);

function validateRule(r) {
  if (!r || typeof r !== 'object' || Array.isArray(r)) return 'a rule must be a JSON object';
  if (r.execution !== undefined) return validateExecutionRule(r);
  for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) return `unknown rule key "${k}"`;
  if (typeof r.match !== 'string' || r.match === '') return 'a rule needs "match": a root field name or "*"';
  if (r.times !== undefined && r.times !== null && !(Number.isInteger(r.times) && r.times >= 0)) return '"times" must be a non-negative integer';
  if (r.status !== undefined && !(Number.isInteger(r.status) && r.status >= 100 && r.status <= 599)) return '"status" must be an HTTP status';
  if (r.phase !== undefined && r.phase !== 'before' && r.phase !== 'after') return '"phase" must be "before" or "after"';
  if (r.payload_errors !== undefined && !Array.isArray(r.payload_errors)) return '"payload_errors" must be a list of {field, messages}';
  return null;
}

const STATUS_TEXT = http.STATUS_CODES;

function sleep(ms) {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

// ---------------------------------------------------------------------------
// Emulator
// ---------------------------------------------------------------------------

function createEmulator(options = {}) {
  const model = new Model({
    publishDelayMs: options.publishDelayMs ?? 500,
    executionMs: options.executionMs ?? 300,
    state: options.state || null,
    legacyConnectionValue: options.legacyConnectionValue,
  });
  const gql = new GraphQLService(model, { schemaFile: options.schemaFile });
  const config = {
    latencyMs: options.latencyMs ?? 0,
    refreshToken: options.refreshToken || 'test-refresh-token',
    badTokenGraphQLError: !!options.badTokenGraphQLError,
  };
  const tokens = new Tokens(options.tokenTtl ?? 3600);
  const bucket = new Bucket(options.rateLimit ?? 0);
  let rules = [];
  let ruleSerial = 0;
  model.faultRules = () => rules; // execution rules are read by executions.js
  let counters = { total: 0, by_field: {} };
  let baseUrl = null;

  function send(res, status, body, headers = {}) {
    if (res.destroyed || res.headersSent) return;
    let text;
    let type = headers['Content-Type'];
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      text = body;
      if (!type) type = 'text/plain; charset=utf-8';
    } else {
      text = JSON.stringify(body);
      if (!type) type = 'application/json';
    }
    res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      let size = 0;
      req.on('data', (c) => {
        size += c.length;
        if (size > MAX_BODY) { reject(Object.assign(new Error('request body too large'), { status: 413 })); req.destroy(); return; }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  async function readJSON(req, res) {
    let text;
    try { text = await readBody(req); } catch (e) { send(res, e.status || 400, { error: e.message }); return undefined; }
    if (text.trim() === '') return {};
    try { return JSON.parse(text); } catch { send(res, 400, { error: 'the body is not valid JSON' }); return undefined; }
  }

  function count(fields) {
    counters.total += 1;
    for (const f of fields) counters.by_field[f] = (counters.by_field[f] || 0) + 1;
  }

  function matchRule(fields) {
    for (const r of rules) {
      if (r.times !== null && r.remaining <= 0) continue;
      if (r.match === '*' || fields.includes(r.match)) {
        if (r.times !== null) r.remaining -= 1;
        r.hits += 1;
        return r;
      }
    }
    return null;
  }

  // Answer a request according to a fault rule. Returns true when answered.
  async function applyFault(rule, req, res, prep, executed) {
    if (rule.drop) {
      req.socket.destroy();
      return true;
    }
    if (rule.status) {
      const headers = { ...(rule.headers || {}) };
      if (rule.retry_after !== undefined && rule.retry_after !== null) headers['Retry-After'] = String(rule.retry_after);
      let body = rule.body;
      if (body === undefined) body = `${rule.status} ${STATUS_TEXT[rule.status] || ''}\n`;
      if (rule.content_type) headers['Content-Type'] = rule.content_type;
      send(res, rule.status, body, headers);
      return true;
    }
    if (rule.garbage) {
      send(res, 200, '<html><body>Bad Gateway</body></html>\n\u0000\u0001not json', { 'Content-Type': 'application/json' });
      return true;
    }
    if (rule.oversized_bytes) {
      const n = Math.max(64, Number(rule.oversized_bytes));
      const head = '{"data":null,"errors":[{"message":"';
      const tail = '"}]}';
      send(res, 200, head + 'x'.repeat(Math.max(0, n - head.length - tail.length)) + tail, { 'Content-Type': 'application/json' });
      return true;
    }
    if (rule.auth_error) {
      send(res, 200, { data: null, errors: [{ message: AUTH_ERROR_MESSAGE }] });
      return true;
    }
    if (rule.data_null) {
      send(res, 200, { errors: [{ message: rule.message || 'Internal server error' }], data: null });
      return true;
    }
    if (rule.payload_errors) {
      const data = {};
      for (const sel of prep.operation.selectionSet.selections) {
        if (sel.kind !== 'Field') continue;
        const key = sel.alias ? sel.alias.value : sel.name.value;
        if (rule.match !== '*' && sel.name.value !== rule.match) {
          data[key] = executed && executed.data ? executed.data[key] ?? null : null;
          continue;
        }
        const obj = {};
        for (const s of (sel.selectionSet ? sel.selectionSet.selections : [])) {
          if (s.kind !== 'Field') continue;
          const k = s.alias ? s.alias.value : s.name.value;
          obj[k] = s.name.value === 'errors' ? rule.payload_errors : null;
        }
        data[key] = obj;
      }
      send(res, 200, { data });
      return true;
    }
    if (rule.top_level_error) {
      const result = executed || await gql.run(prep.body, { baseUrl });
      const out = { ...result, errors: [...(result.errors || []), { message: String(rule.top_level_error) }] };
      send(res, 200, out);
      return true;
    }
    return false;
  }

  async function handleApi(req, res) {
    const started = Date.now();
    if (req.method !== 'POST') {
      send(res, 405, { errors: [{ message: 'Use POST.' }] }, { Allow: 'POST' });
      return;
    }
    let text;
    try { text = await readBody(req); } catch (e) { send(res, e.status || 400, { errors: [{ message: e.message }] }); return; }
    let body = null;
    try { body = JSON.parse(text); } catch { body = null; }
    const query = body && typeof body.query === 'string' ? body.query : null;
    const info = query ? gql.rootFields(query, body.operationName) : null;
    const fields = info ? info.fields : ['(invalid)'];
    count(fields);

    const finish = async (status, payload, headers) => {
      const wait = config.latencyMs - (Date.now() - started);
      if (wait > 0) await sleep(wait);
      send(res, status, payload, headers);
    };

    // Auth
    const auth = req.headers.authorization || '';
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) {
      await finish(401, { errors: [{ message: 'Authentication credentials were not provided.' }] }, { 'WWW-Authenticate': 'Bearer' });
      return;
    }
    const why = tokens.check(m[1]);
    if (why && config.badTokenGraphQLError) {
      await finish(200, { data: null, errors: [{ message: AUTH_ERROR_MESSAGE }] });
      return;
    }
    if (why) {
      await finish(401, { errors: [{ message: why === 'token expired' ? 'Token has expired.' : 'Invalid token.' }] },
        { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${why}"` });
      return;
    }
    // Rate limit
    const wait = bucket.take();
    if (wait > 0) {
      await finish(429, 'Too Many Requests\n', { 'Retry-After': String(Math.max(1, Math.ceil(wait))) });
      return;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      await finish(400, { errors: [{ message: 'POST body sent invalid JSON.' }] });
      return;
    }
    const prep = info ? { operation: info.operation, body } : null;
    const rule = info ? matchRule(fields) : null;
    if (rule && rule.phase !== 'after') {
      if (rule.delay_ms) await sleep(rule.delay_ms);
      if (res.destroyed) return;
      if (await applyFault(rule, req, res, prep, null)) return;
    }
    const result = await gql.run({ query: body.query, variables: body.variables, operationName: body.operationName }, { baseUrl });
    if (rule && rule.phase === 'after') {
      if (rule.delay_ms) await sleep(rule.delay_ms);
      if (res.destroyed) return;
      if (await applyFault(rule, req, res, prep, result)) return;
    }
    await finish(200, result);
  }

  async function handleRefresh(req, res) {
    if (req.method !== 'POST') { send(res, 405, { error: 'Use POST.' }, { Allow: 'POST' }); return; }
    const body = await readJSON(req, res);
    if (body === undefined) return;
    if (!body || typeof body.refresh_token !== 'string' || body.refresh_token === '') {
      send(res, 400, { error: 'invalid_request', error_description: 'refresh_token is required' });
      return;
    }
    if (body.refresh_token !== config.refreshToken) {
      send(res, 401, { error: 'invalid_grant', error_description: 'Unknown or revoked refresh token.' });
      return;
    }
    const claims = body.tenant_id ? { tenant_id: String(body.tenant_id) } : {};
    const t = tokens.issue(undefined, claims);
    send(res, 200, { access_token: t.token, token_type: 'Bearer', expires_in: t.expiresIn });
  }

  async function handleControl(req, res, url) {
    const p = url.pathname;
    if (p === '/__emulator/state') {
      if (req.method === 'GET') { send(res, 200, model.toJSON()); return; }
      if (req.method === 'POST' || req.method === 'PUT') {
        const body = await readJSON(req, res);
        if (body === undefined) return;
        try { model.load(body); } catch (e) { send(res, 400, { error: e.message }); return; }
        send(res, 200, { ok: true });
        return;
      }
      if (req.method === 'DELETE') { model.load(null); send(res, 200, { ok: true }); return; }
    }
    if (p === '/__emulator/faults') {
      if (req.method === 'GET') { send(res, 200, { rules: rules.map(publicRule) }); return; }
      if (req.method === 'DELETE') { rules = []; send(res, 200, { ok: true }); return; }
      if (req.method === 'POST') {
        const body = await readJSON(req, res);
        if (body === undefined) return;
        const list = Array.isArray(body) ? body : (body && Array.isArray(body.rules) ? body.rules : [body]);
        for (const r of list) {
          const e = validateRule(r);
          if (e) { send(res, 400, { error: e }); return; }
        }
        const added = list.map((r) => ({
          ...r,
          id: ++ruleSerial,
          times: r.times === undefined || r.times === null ? null : r.times,
          remaining: r.times === undefined || r.times === null ? null : r.times,
          hits: 0,
        }));
        rules.push(...added);
        send(res, 200, { ok: true, ids: added.map((r) => r.id) });
        return;
      }
    }
    if (p === '/__emulator/faults/reset' && req.method === 'POST') { rules = []; send(res, 200, { ok: true }); return; }
    if (p === '/__emulator/authorize' && (req.method === 'POST' || req.method === 'GET')) {
      let body;
      if (req.method === 'GET') body = Object.fromEntries(url.searchParams);
      else {
        body = await readJSON(req, res);
        if (body === undefined) return;
      }
      const r = authorize(body || {});
      send(res, r.status, r.body);
      return;
    }
    if (p === '/__emulator/requests') {
      if (req.method === 'GET') { send(res, 200, counters); return; }
      if (req.method === 'DELETE') { counters = { total: 0, by_field: {} }; send(res, 200, { ok: true }); return; }
    }
    if (p === '/__emulator/requests/reset' && req.method === 'POST') { counters = { total: 0, by_field: {} }; send(res, 200, { ok: true }); return; }
    if (p === '/__emulator/token' && req.method === 'POST') {
      const body = await readJSON(req, res);
      if (body === undefined) return;
      const ttl = body && body.expires_in !== undefined ? Number(body.expires_in) : undefined;
      if (ttl !== undefined && !Number.isFinite(ttl)) { send(res, 400, { error: 'expires_in must be a number of seconds' }); return; }
      const t = tokens.issue(ttl);
      send(res, 200, { access_token: t.token, token_type: 'Bearer', expires_in: t.expiresIn });
      return;
    }
    if (p === '/__emulator/config') {
      if (req.method === 'POST') {
        const body = await readJSON(req, res);
        if (body === undefined) return;
        if (body.latency_ms !== undefined) config.latencyMs = Number(body.latency_ms) || 0;
        if (body.rate_limit !== undefined) bucket.set(Number(body.rate_limit) || 0);
        if (body.publish_delay_ms !== undefined) model.publishDelayMs = Number(body.publish_delay_ms) || 0;
        if (body.execution_ms !== undefined) model.executionMs = Number(body.execution_ms) || 0;
        if (body.token_ttl !== undefined) tokens.ttl = Number(body.token_ttl) || 3600;
        if (body.refresh_token !== undefined) config.refreshToken = String(body.refresh_token);
        if (body.legacy_connection_value !== undefined) model.legacyConnectionValue = !!body.legacy_connection_value;
        if (body.bad_token_graphql_error !== undefined) config.badTokenGraphQLError = !!body.bad_token_graphql_error;
      } else if (req.method !== 'GET') { send(res, 405, { error: 'Use GET or POST.' }); return; }
      send(res, 200, {
        latency_ms: config.latencyMs,
        rate_limit: bucket.rps,
        publish_delay_ms: model.publishDelayMs,
        execution_ms: model.executionMs,
        token_ttl: tokens.ttl,
        legacy_connection_value: model.legacyConnectionValue,
        bad_token_graphql_error: config.badTokenGraphQLError,
      });
      return;
    }
    send(res, 404, { error: `no such control endpoint: ${req.method} ${p}` });
  }

  // Mark an OAuth 2.0 connection authorized, as a person would in the web
  // app: {"instance": id, "key"}, {"customer": externalId, "name", "key"},
  // {"configVariable": InstanceConfigVariable id} or
  // {"customerConfigVariable": id}.
  function authorize(b) {
    if (typeof b.customerConfigVariable === 'string') {
      const e = model.authorizeCustomerConfigVar(b.customerConfigVariable);
      return e ? { status: 404, body: { error: e } } : { status: 200, body: { ok: true } };
    }
    let inst = null;
    let key = b.key;
    if (typeof b.configVariable === 'string') {
      const f = model.findInstanceConfigVariable(b.configVariable);
      if (!f) return { status: 404, body: { error: 'no such instance config variable' } };
      inst = f.inst;
      key = f.key;
    } else if (typeof b.instance === 'string') {
      inst = model.instances.get(b.instance) || null;
      if (!inst) return { status: 404, body: { error: `no instance with id "${b.instance}"` } };
    } else if (typeof b.customer === 'string' && typeof b.name === 'string') {
      const c = model.customerByExternalId.get(b.customer);
      if (!c) return { status: 404, body: { error: `no customer with externalId "${b.customer}"` } };
      const found = [...model.instances.values()].filter((i) => i.customerId === c.id && i.name === b.name);
      if (found.length !== 1) {
        return { status: found.length ? 409 : 404, body: { error: `${found.length || 'no'} instances named "${b.name}" for customer "${b.customer}"` } };
      }
      inst = found[0];
    } else {
      return { status: 400, body: { error: 'give {"instance", "key"}, {"customer", "name", "key"}, {"configVariable"} or {"customerConfigVariable"}' } };
    }
    if (typeof key !== 'string' || key === '') return { status: 400, body: { error: '"key" (the config variable key) is required' } };
    const e = model.authorize(inst, key);
    if (e) return { status: 409, body: { error: e } };
    return { status: 200, body: { ok: true, instance: inst.id, key, configState: model.configState(inst) } };
  }

  function publicRule(r) {
    const out = { ...r };
    return out;
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const done = (e) => {
      if (!res.headersSent) send(res, 500, { errors: [{ message: `emulator error: ${e && e.message}` }] });
    };
    try {
      if (url.pathname === '/api' || url.pathname === '/api/') handleApi(req, res).catch(done);
      else if (url.pathname === '/auth/refresh') handleRefresh(req, res).catch(done);
      else if (url.pathname.startsWith('/__emulator/')) handleControl(req, res, url).catch(done);
      else if (url.pathname === '/healthz') send(res, 200, { ok: true });
      else send(res, 404, 'Not Found\n');
    } catch (e) { done(e); }
  });
  server.keepAliveTimeout = 30000;

  return {
    model,
    gql,
    tokens,
    server,
    get url() { return baseUrl; },
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          baseUrl = `http://127.0.0.1:${server.address().port}`;
          resolve(baseUrl);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        if (server.closeAllConnections) server.closeAllConnections();
      });
    },
    issueToken(ttl) { return tokens.issue(ttl).token; },
  };
}

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

const USAGE = `usage: node server.js [--port N] [--seed FILE] [--latency-ms N] [--rate-limit RPS]
                      [--refresh-token TOKEN] [--publish-delay-ms N] [--execution-ms N]
                      [--token-ttl SECONDS] [--schema FILE]`;

function parseArgs(argv) {
  const opts = { port: 0 };
  const num = (name, v) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${name} needs a non-negative number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
    const next = () => (v !== undefined ? v : argv[++i]);
    switch (a) {
      case '--port': opts.port = num(a, next()); break;
      case '--seed': opts.seed = next(); break;
      case '--latency-ms': opts.latencyMs = num(a, next()); break;
      case '--rate-limit': opts.rateLimit = num(a, next()); break;
      case '--refresh-token': opts.refreshToken = next(); if (!opts.refreshToken) throw new Error('--refresh-token needs a value'); break;
      case '--publish-delay-ms': opts.publishDelayMs = num(a, next()); break;
      case '--execution-ms': opts.executionMs = num(a, next()); break;
      case '--token-ttl': opts.tokenTtl = num(a, next()); break;
      case '--schema': opts.schemaFile = next(); break;
      case '-h': case '--help': opts.help = true; break;
      default: throw new Error(`unknown argument "${argv[i]}"`);
    }
  }
  return opts;
}

async function main() {
  let opts;
  try { opts = parseArgs(process.argv.slice(2)); } catch (e) {
    process.stderr.write(`server.js: ${e.message}\n${USAGE}\n`);
    process.exit(64);
  }
  if (opts.help) { process.stdout.write(`${USAGE}\n`); return; }
  if (opts.seed) {
    try { opts.state = JSON.parse(fs.readFileSync(opts.seed, 'utf8')); } catch (e) {
      process.stderr.write(`server.js: cannot read seed ${opts.seed}: ${e.message}\n`);
      process.exit(1);
    }
  }
  let emu;
  try { emu = createEmulator(opts); } catch (e) {
    process.stderr.write(`server.js: ${e.message}\n`);
    process.exit(1);
  }
  let url;
  try { url = await emu.listen(opts.port); } catch (e) {
    process.stderr.write(`server.js: cannot listen on 127.0.0.1:${opts.port}: ${e.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`PRISMATIC_URL=${url}\n`);
  // A bug in one request must not take the emulator down in the middle of a
  // test suite: report it on stderr and keep serving.
  process.on('uncaughtException', (e) => { process.stderr.write(`server.js: uncaught exception: ${e && e.stack}\n`); });
  process.on('unhandledRejection', (e) => { process.stderr.write(`server.js: unhandled rejection: ${e && e.stack}\n`); });
  const stop = () => { emu.close().then(() => process.exit(0)); setTimeout(() => process.exit(0), 1000).unref(); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) main();

module.exports = { createEmulator, parseArgs, Tokens, Bucket };
