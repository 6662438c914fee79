'use strict';
// Small HTTP helpers shared by the emulator's request handlers.

const MAX_BODY = 16 * 1024 * 1024;

// Answer with a status and a body: a string or Buffer as text (unless
// headers say otherwise), anything else as JSON. Does nothing once the
// socket is gone or an answer has started.
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

// The request body as text; rejects with {status: 413} past MAX_BODY.
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

// The request body as JSON ({} when empty). On failure answers 400 (or 413)
// itself and returns undefined.
async function readJSON(req, res) {
  let text;
  try { text = await readBody(req); } catch (e) { send(res, e.status || 400, { error: e.message }); return undefined; }
  if (text.trim() === '') return {};
  try { return JSON.parse(text); } catch { send(res, 400, { error: 'the body is not valid JSON' }); return undefined; }
}

function sleep(ms) {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

module.exports = { send, readBody, readJSON, sleep, MAX_BODY };
