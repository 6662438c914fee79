'use strict';
// The control endpoints under /__emulator/ (no auth): what tests use to set
// up and inspect the emulator. README "Control endpoints" lists them.

const { send, readJSON } = require('./http-util');

function emptyCounters() {
  return { total: 0, by_field: {}, auth_refresh: 0 };
}

async function state(emu, req, res) {
  if (req.method === 'GET') { send(res, 200, emu.model.toJSON()); return; }
  if (req.method === 'DELETE') { emu.model.load(null); send(res, 200, { ok: true }); return; }
  const body = await readJSON(req, res);
  if (body === undefined) return;
  try { emu.model.load(body); } catch (e) { send(res, 400, { error: e.message }); return; }
  send(res, 200, { ok: true });
}

async function faults(emu, req, res) {
  if (req.method === 'GET') { send(res, 200, { rules: emu.faults.list() }); return; }
  if (req.method === 'DELETE') { emu.faults.clear(); send(res, 200, { ok: true }); return; }
  const body = await readJSON(req, res);
  if (body === undefined) return;
  const r = emu.faults.add(body);
  if (r.error) { send(res, 400, { error: r.error }); return; }
  send(res, 200, { ok: true, ids: r.ids });
}

function faultsReset(emu, req, res) {
  emu.faults.clear();
  send(res, 200, { ok: true });
}

function requests(emu, req, res) {
  if (req.method === 'GET') { send(res, 200, emu.counters); return; }
  emu.counters = emptyCounters();
  send(res, 200, { ok: true });
}

async function token(emu, req, res) {
  const body = await readJSON(req, res);
  if (body === undefined) return;
  const ttl = body && body.expires_in !== undefined ? Number(body.expires_in) : undefined;
  if (ttl !== undefined && !Number.isFinite(ttl)) { send(res, 400, { error: 'expires_in must be a number of seconds' }); return; }
  const t = emu.tokens.issue(ttl);
  send(res, 200, { access_token: t.token, token_type: 'Bearer', expires_in: t.expiresIn });
}

// Run-time settings: each POSTed key changes one setting; both methods
// answer with all of them.
async function config(emu, req, res) {
  const { model, tokens, bucket } = emu;
  if (req.method === 'POST') {
    const body = await readJSON(req, res);
    if (body === undefined) return;
    if (body.latency_ms !== undefined) emu.config.latencyMs = Number(body.latency_ms) || 0;
    if (body.rate_limit !== undefined) bucket.set(Number(body.rate_limit) || 0);
    if (body.publish_delay_ms !== undefined) model.publishDelayMs = Number(body.publish_delay_ms) || 0;
    if (body.execution_ms !== undefined) model.executionMs = Number(body.execution_ms) || 0;
    if (body.token_ttl !== undefined) tokens.ttl = Number(body.token_ttl) || 3600;
    if (body.refresh_token !== undefined) emu.config.refreshToken = String(body.refresh_token);
    if (body.legacy_connection_value !== undefined) model.legacyConnectionValue = !!body.legacy_connection_value;
    if (body.bad_token_graphql_error !== undefined) emu.config.badTokenGraphQLError = !!body.bad_token_graphql_error;
  }
  send(res, 200, {
    latency_ms: emu.config.latencyMs,
    rate_limit: bucket.rps,
    publish_delay_ms: model.publishDelayMs,
    execution_ms: model.executionMs,
    token_ttl: tokens.ttl,
    legacy_connection_value: model.legacyConnectionValue,
    bad_token_graphql_error: emu.config.badTokenGraphQLError,
  });
}

// The instance (and config variable key) an authorize request names:
// {"instance": id, "key"}, {"customer": externalId, "name", "key"} or
// {"configVariable": InstanceConfigVariable id}. Returns {inst, key} or
// {status, body} to answer with.
function authorizeTarget(model, b) {
  if (typeof b.configVariable === 'string') {
    const f = model.findInstanceConfigVariable(b.configVariable);
    if (!f) return { status: 404, body: { error: 'no such instance config variable' } };
    return { inst: f.inst, key: f.key };
  }
  if (typeof b.instance === 'string') {
    const inst = model.instances.get(b.instance) || null;
    if (!inst) return { status: 404, body: { error: `no instance with id "${b.instance}"` } };
    return { inst, key: b.key };
  }
  if (typeof b.customer === 'string' && typeof b.name === 'string') {
    const c = model.customerByExternalId.get(b.customer);
    if (!c) return { status: 404, body: { error: `no customer with externalId "${b.customer}"` } };
    const found = [...model.instances.values()].filter((i) => i.customerId === c.id && i.name === b.name);
    if (found.length !== 1) {
      return { status: found.length ? 409 : 404, body: { error: `${found.length || 'no'} instances named "${b.name}" for customer "${b.customer}"` } };
    }
    return { inst: found[0], key: b.key };
  }
  return { status: 400, body: { error: 'give {"instance", "key"}, {"customer", "name", "key"}, {"configVariable"} or {"customerConfigVariable"}' } };
}

// Mark an OAuth 2.0 connection authorized, as a person would in the web
// app: an instance's config variable (authorizeTarget) or
// {"customerConfigVariable": id}. Returns {status, body}.
function authorize(model, b) {
  if (typeof b.customerConfigVariable === 'string') {
    const e = model.authorizeCustomerConfigVar(b.customerConfigVariable);
    return e ? { status: 404, body: { error: e } } : { status: 200, body: { ok: true } };
  }
  const t = authorizeTarget(model, b);
  if (t.status) return t;
  if (typeof t.key !== 'string' || t.key === '') return { status: 400, body: { error: '"key" (the config variable key) is required' } };
  const e = model.authorize(t.inst, t.key);
  if (e) return { status: 409, body: { error: e } };
  return { status: 200, body: { ok: true, instance: t.inst.id, key: t.key, configState: model.configState(t.inst) } };
}

async function authorizeEndpoint(emu, req, res, url) {
  let body;
  if (req.method === 'GET') body = Object.fromEntries(url.searchParams);
  else {
    body = await readJSON(req, res);
    if (body === undefined) return;
  }
  const r = authorize(emu.model, body || {});
  send(res, r.status, r.body);
}

// path → {METHOD: handler(emu, req, res, url)}
const ROUTES = {
  '/__emulator/state': { GET: state, POST: state, PUT: state, DELETE: state },
  '/__emulator/faults': { GET: faults, POST: faults, DELETE: faults },
  '/__emulator/faults/reset': { POST: faultsReset },
  '/__emulator/authorize': { GET: authorizeEndpoint, POST: authorizeEndpoint },
  '/__emulator/requests': { GET: requests, DELETE: requests },
  '/__emulator/requests/reset': { POST: requests },
  '/__emulator/token': { POST: token },
  '/__emulator/config': { GET: config, POST: config },
};

async function handleControl(emu, req, res, url) {
  const p = url.pathname;
  const methods = Object.hasOwn(ROUTES, p) ? ROUTES[p] : {};
  const handler = Object.hasOwn(methods, req.method) ? methods[req.method] : null;
  if (handler) { await handler(emu, req, res, url); return; }
  if (p === '/__emulator/config') { send(res, 405, { error: 'Use GET or POST.' }); return; }
  send(res, 404, { error: `no such control endpoint: ${req.method} ${p}` });
}

module.exports = { handleControl, emptyCounters, authorize };
