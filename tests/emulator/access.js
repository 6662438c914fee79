'use strict';
// Who may call /api and how often: access tokens (issued by /auth/refresh
// and POST /__emulator/token) and the optional rate limit.

const crypto = require('crypto');
const { send, readJSON } = require('./http-util');

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

// What the emulator answers for an expired or invalid token when it answers
// as a GraphQL error (fault rule `auth_error`, config `bad_token_graphql_error`).
// The shape is an assumption (README "Assumptions").
const AUTH_ERROR_MESSAGE = 'Authentication credentials were not provided or are invalid or expired.';

// Why an /api request may not run, as [status, body, headers]; null when it
// may. Checks the bearer token, then the rate limit.
function refusal(emu, req) {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization || '');
  if (!m) {
    return [401, { errors: [{ message: 'Authentication credentials were not provided.' }] }, { 'WWW-Authenticate': 'Bearer' }];
  }
  const why = emu.tokens.check(m[1]);
  if (why && emu.config.badTokenGraphQLError) return [200, { data: null, errors: [{ message: AUTH_ERROR_MESSAGE }] }];
  if (why) {
    return [401, { errors: [{ message: why === 'token expired' ? 'Token has expired.' : 'Invalid token.' }] },
      { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${why}"` }];
  }
  const wait = emu.bucket.take();
  if (wait > 0) return [429, 'Too Many Requests\n', { 'Retry-After': String(Math.max(1, Math.ceil(wait))) }];
  return null;
}

// POST /auth/refresh: {"refresh_token", "tenant_id"?} → an access token.
async function handleRefresh(emu, req, res) {
  emu.counters.auth_refresh += 1;
  if (req.method !== 'POST') { send(res, 405, { error: 'Use POST.' }, { Allow: 'POST' }); return; }
  const body = await readJSON(req, res);
  if (body === undefined) return;
  if (!body || typeof body.refresh_token !== 'string' || body.refresh_token === '') {
    send(res, 400, { error: 'invalid_request', error_description: 'refresh_token is required' });
    return;
  }
  if (body.refresh_token !== emu.config.refreshToken) {
    send(res, 401, { error: 'invalid_grant', error_description: 'Unknown or revoked refresh token.' });
    return;
  }
  const claims = body.tenant_id ? { tenant_id: String(body.tenant_id) } : {};
  const t = emu.tokens.issue(undefined, claims);
  send(res, 200, { access_token: t.token, token_type: 'Bearer', expires_in: t.expiresIn });
}

module.exports = { Tokens, Bucket, AUTH_ERROR_MESSAGE, refusal, handleRefresh };
