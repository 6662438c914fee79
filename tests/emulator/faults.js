'use strict';
// Fault rules: how the emulator misbehaves on purpose for the requests a
// test names (README "Fault rules"). A rule is matched against the root
// fields of an /api request; the first matching rule with `times` left
// applies, before or after the operation runs (`phase`).

const http = require('http');
const { send } = require('./http-util');
const { AUTH_ERROR_MESSAGE } = require('./access');
const { validateExecutionRule } = require('./executions');

const RULE_KEYS = new Set(['match', 'times', 'status', 'retry_after', 'body', 'content_type', 'delay_ms', 'drop',
  'garbage', 'oversized_bytes', 'data_null', 'message', 'payload_errors', 'top_level_error', 'phase', 'headers',
  'auth_error', 'refuse', 'reset_after_bytes', 'skip']);

// Why a rule is not acceptable, or null.
function validateRule(r) {
  if (!r || typeof r !== 'object' || Array.isArray(r)) return 'a rule must be a JSON object';
  if (r.execution !== undefined) return validateExecutionRule(r);
  for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) return `unknown rule key "${k}"`;
  if (typeof r.match !== 'string' || r.match === '') return 'a rule needs "match": a root field name or "*"';
  if (r.times !== undefined && r.times !== null && !(Number.isInteger(r.times) && r.times >= 0)) return '"times" must be a non-negative integer';
  if (r.skip !== undefined && !(Number.isInteger(r.skip) && r.skip >= 0)) return '"skip" must be a non-negative integer';
  if (r.status !== undefined && !(Number.isInteger(r.status) && r.status >= 100 && r.status <= 599)) return '"status" must be an HTTP status';
  if (r.phase !== undefined && r.phase !== 'before' && r.phase !== 'after') return '"phase" must be "before" or "after"';
  if (r.payload_errors !== undefined && !Array.isArray(r.payload_errors)) return '"payload_errors" must be a list of {field, messages}';
  if (r.reset_after_bytes !== undefined && !(Number.isInteger(r.reset_after_bytes) && r.reset_after_bytes >= 0)) {
    return '"reset_after_bytes" must be a non-negative integer';
  }
  return null;
}

class FaultRules {
  constructor() {
    this.rules = [];
    this.serial = 0;
  }

  // Adds the rules of a POST body (a rule, a list, or {"rules": [...]}).
  // Returns {ids} or {error}; on an error nothing is added.
  add(body) {
    const list = Array.isArray(body) ? body : (body && Array.isArray(body.rules) ? body.rules : [body]);
    for (const r of list) {
      const e = validateRule(r);
      if (e) return { error: e };
    }
    const unlimited = (r) => r.times === undefined || r.times === null;
    const added = list.map((r) => ({
      ...r,
      id: ++this.serial,
      times: unlimited(r) ? null : r.times,
      remaining: unlimited(r) ? null : r.times,
      skip: r.skip || 0,
      passed: 0,
      hits: 0,
    }));
    this.rules.push(...added);
    return { ids: added.map((r) => r.id) };
  }

  clear() { this.rules = []; }

  list() { return this.rules.map((r) => ({ ...r })); }

  // The rule that applies to a request running these root fields (and
  // counts it), or null.
  match(fields) {
    for (const r of this.rules) {
      if (r.times !== null && r.remaining <= 0) continue;
      if (r.match === '*' || fields.includes(r.match)) {
        if (r.passed < r.skip) { // let the first `skip` matching requests through
          r.passed += 1;
          continue;
        }
        if (r.times !== null) r.remaining -= 1;
        r.hits += 1;
        return r;
      }
    }
    return null;
  }
}

// The answer of a mutation whose payload carries the rule's errors: for the
// matched root field every selected field null but `errors`; other root
// fields as they ran (or null).
function payloadErrorData(rule, operation, executed) {
  const data = {};
  for (const sel of operation.selectionSet.selections) {
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
  return { data };
}

// Send the headers and the first `bytes` bytes of the real answer (never all
// of it), then reset the connection: the client sees a body cut short.
function sendPartialThenReset(req, res, result, bytes) {
  const text = Buffer.from(JSON.stringify(result));
  const cut = Math.min(bytes, text.length - 1);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': text.length });
  res.write(text.subarray(0, cut), () => req.socket.resetAndDestroy());
}

// Answer a request according to a fault rule. `prep` is {operation, body}
// of the parsed request; `executed` its result when it already ran (phase
// "after"), else null. Returns true when the request was answered (or its
// connection closed), false when it should go on normally.
async function applyFault(emu, rule, req, res, prep, executed) {
  const run = async () => executed || emu.gql.run(prep.body, { baseUrl: emu.baseUrl });
  if (rule.drop) {
    req.socket.destroy();
    return true;
  }
  if (rule.refuse) {
    req.socket.resetAndDestroy();
    return true;
  }
  if (rule.reset_after_bytes !== undefined) {
    sendPartialThenReset(req, res, await run(), rule.reset_after_bytes);
    return true;
  }
  if (rule.status) {
    const headers = { ...(rule.headers || {}) };
    if (rule.retry_after !== undefined && rule.retry_after !== null) headers['Retry-After'] = String(rule.retry_after);
    let body = rule.body;
    if (body === undefined) body = `${rule.status} ${http.STATUS_CODES[rule.status] || ''}\n`;
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
    send(res, 200, payloadErrorData(rule, prep.operation, executed));
    return true;
  }
  if (rule.top_level_error) {
    const result = await run();
    send(res, 200, { ...result, errors: [...(result.errors || []), { message: String(rule.top_level_error) }] });
    return true;
  }
  return false;
}

module.exports = { FaultRules, validateRule, applyFault };
