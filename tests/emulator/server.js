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
const fs = require('fs');
const { Model } = require('./model');
const { GraphQLService } = require('./api');
const { send, readBody, sleep } = require('./http-util');
const { Tokens, Bucket, refusal, handleRefresh } = require('./access');
const { FaultRules, applyFault } = require('./faults');
const { handleControl, emptyCounters } = require('./control');

// One emulator: the organization (model), the GraphQL layer over it, and
// what the HTTP side keeps between requests. The request handlers (here,
// access.js, faults.js, control.js) take it as their first argument.
class Emulator {
  constructor(options) {
    this.model = new Model({
      publishDelayMs: options.publishDelayMs ?? 500,
      executionMs: options.executionMs ?? 300,
      state: options.state || null,
      legacyConnectionValue: options.legacyConnectionValue,
    });
    this.gql = new GraphQLService(this.model, { schemaFile: options.schemaFile });
    this.config = {
      latencyMs: options.latencyMs ?? 0,
      refreshToken: options.refreshToken || 'test-refresh-token',
      badTokenGraphQLError: !!options.badTokenGraphQLError,
    };
    this.tokens = new Tokens(options.tokenTtl ?? 3600);
    this.bucket = new Bucket(options.rateLimit ?? 0);
    this.faults = new FaultRules();
    this.model.faultRules = () => this.faults.rules; // execution rules are read by executions.js
    this.counters = emptyCounters();
    this.baseUrl = null;
  }

  // Counts an /api request once in total and once per distinct root field.
  count(fields) {
    this.counters.total += 1;
    for (const f of fields) this.counters.by_field[f] = (this.counters.by_field[f] || 0) + 1;
  }
}

// POST /api: count, authenticate, rate-limit, then run the operation, with
// the fault rule that matches it (if any) applied before or after.
async function handleApi(emu, req, res) {
  const started = Date.now();
  if (req.method !== 'POST') {
    send(res, 405, { errors: [{ message: 'Use POST.' }] }, { Allow: 'POST' });
    return;
  }
  let text;
  try { text = await readBody(req); } catch (e) { send(res, e.status || 400, { errors: [{ message: e.message }] }); return; }
  let body;
  try { body = JSON.parse(text); } catch { body = null; }
  const query = body && typeof body.query === 'string' ? body.query : null;
  const info = query ? emu.gql.rootFields(query, body.operationName) : null;
  const fields = info ? info.fields : ['(invalid)'];
  emu.count(fields);

  // Every answer but a fault's waits out the configured latency.
  const finish = async (status, payload, headers) => {
    const wait = emu.config.latencyMs - (Date.now() - started);
    if (wait > 0) await sleep(wait);
    send(res, status, payload, headers);
  };

  const refused = refusal(emu, req);
  if (refused) { await finish(...refused); return; }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    await finish(400, { errors: [{ message: 'POST body sent invalid JSON.' }] });
    return;
  }
  const prep = info ? { operation: info.operation, body } : null;
  const rule = info ? emu.faults.match(fields) : null;
  const fault = async (executed) => {
    if (rule.delay_ms) await sleep(rule.delay_ms);
    return res.destroyed || applyFault(emu, rule, req, res, prep, executed);
  };
  if (rule && rule.phase !== 'after' && await fault(null)) return;
  const result = await emu.gql.run({ query: body.query, variables: body.variables, operationName: body.operationName },
    { baseUrl: emu.baseUrl });
  if (rule && rule.phase === 'after' && await fault(result)) return;
  await finish(200, result);
}

function route(emu, req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const p = url.pathname;
  if (p === '/api' || p === '/api/') return handleApi(emu, req, res);
  if (p === '/auth/refresh') return handleRefresh(emu, req, res);
  if (p.startsWith('/__emulator/')) return handleControl(emu, req, res, url);
  if (p === '/healthz') send(res, 200, { ok: true });
  else send(res, 404, 'Not Found\n');
  return Promise.resolve();
}

// Builds an emulator and its HTTP server (not yet listening). Returns
// {model, gql, tokens, server, url, listen(port), close(), issueToken(ttl)}.
function createEmulator(options = {}) {
  const emu = new Emulator(options);
  const server = http.createServer((req, res) => {
    const failed = (e) => {
      if (!res.headersSent) send(res, 500, { errors: [{ message: `emulator error: ${e && e.message}` }] });
    };
    try { route(emu, req, res).catch(failed); } catch (e) { failed(e); }
  });
  server.keepAliveTimeout = 30000;

  return {
    model: emu.model,
    gql: emu.gql,
    tokens: emu.tokens,
    server,
    get url() { return emu.baseUrl; },
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          emu.baseUrl = `http://127.0.0.1:${server.address().port}`;
          resolve(emu.baseUrl);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        if (server.closeAllConnections) server.closeAllConnections();
      });
    },
    issueToken(ttl) { return emu.tokens.issue(ttl).token; },
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
