'use strict';
// Connections: the catalogue of public components' connections (their
// inputs, which inputs are secrets, which need OAuth 2.0 authorization), and
// the rules the model applies to connection config variables.
//
// What the real schema shows: a component offers `connections`, each with
// `inputs` (InputField: key, type, required, default) and an `oauth2Type`
// (AUTHORIZATION_CODE or CLIENT_CREDENTIALS). An instance's connection is
// written with `values` (a JSON list of {name, type, value}) and read back as
// `inputs` (Expression: name, type, value, hasValue), the value being returned
// "unless the input is configured as write-only".
//
// What the emulator assumes (README "Assumptions"):
// - write-only inputs are the PASSWORD inputs of the catalogue; for a
//   connection the catalogue does not describe, inputs whose name matches
//   WRITE_ONLY_NAME;
// - an AUTHORIZATION_CODE connection is PENDING once its inputs are set, until
//   authorized; a connection the catalogue does not describe is OAuth 2.0
//   when its definition's connection key starts with "oauth".

const S = 'STRING';
const P = 'PASSWORD';
const B = 'BOOLEAN';

const WRITE_ONLY_NAME = /secret|password|token|privatekey|apikey/i;

// [key, label, type, required, default]
function inputs(list) {
  return list.map(([key, label, type, required, dflt]) => ({
    key, label, type, required: !!required, default: dflt === undefined ? null : dflt,
  }));
}

const oauthInputs = (extra = []) => inputs([
  ['clientId', 'Client ID', S, true],
  ['clientSecret', 'Client Secret', P, true],
  ...extra,
]);

// Public components whose connections the emulator knows, keyed by component
// key. Inputs are those the public components declare (as far as the
// real-world definitions show them); labels are descriptive.
const CATALOGUE = {
  github: [{
    key: 'oauth2', label: 'OAuth 2.0', oauth2Type: 'AUTHORIZATION_CODE',
    inputs: oauthInputs([['scopes', 'Scopes', S, false, 'repo']]),
  }],
  salesforce: [
    {
      key: 'oauth2', label: 'OAuth 2.0', oauth2Type: 'AUTHORIZATION_CODE',
      inputs: oauthInputs([
        ['authorizeUrl', 'Authorize URL', S, true, 'https://login.salesforce.com/services/oauth2/authorize'],
        ['tokenUrl', 'Token URL', S, true, 'https://login.salesforce.com/services/oauth2/token'],
        ['revokeUrl', 'Revoke URL', S, true, 'https://login.salesforce.com/services/oauth2/revoke'],
        ['scopes', 'Scopes', S, false],
      ]),
    },
    {
      key: 'basic', label: 'Basic Username/Password', oauth2Type: null,
      inputs: inputs([
        ['username', 'Username', S, true],
        ['password', 'Password', P, true],
        ['loginUrl', 'Login URL', S, false, 'https://login.salesforce.com'],
      ]),
    },
  ],
  'aws-s3': [{
    key: 'apiKeySecret', label: 'Access Key and Secret', oauth2Type: null,
    inputs: inputs([
      ['accessKeyId', 'Access Key ID', S, true],
      ['secretAccessKey', 'Secret Access Key', P, true],
    ]),
  }],
  postgres: [{
    key: 'postgres', label: 'PostgreSQL Connection', oauth2Type: null,
    inputs: inputs([
      ['host', 'Host', S, true],
      ['port', 'Port', S, true, '5432'],
      ['database', 'Database', S, true],
      ['username', 'Username', S, true],
      ['password', 'Password', P, true],
      ['requireSSL', 'Require SSL', B, false, 'false'],
      ['timeout', 'Timeout', S, false, '5000'],
    ]),
  }],
  sftp: [{
    key: 'basic', label: 'Basic Username/Password', oauth2Type: null,
    inputs: inputs([
      ['host', 'Host', S, true],
      ['port', 'Port', S, true, '22'],
      ['username', 'Username', S, true],
      ['password', 'Password', P, true],
      ['timeout', 'Timeout', S, false, '3000'],
    ]),
  }],
  'google-cloud-storage': [{
    key: 'privateKey', label: 'Private Key', oauth2Type: null,
    inputs: inputs([
      ['clientEmail', 'Client Email', S, true],
      ['privateKey', 'Private Key', P, true],
      ['projectId', 'Project ID', S, true],
    ]),
  }],
  'google-cloud-pub-sub': [{
    key: 'privateKey', label: 'Private Key', oauth2Type: null,
    inputs: inputs([
      ['clientEmail', 'Client Email', S, true],
      ['privateKey', 'Private Key', P, true],
      ['projectId', 'Project ID', S, true],
      ['scopes', 'Scopes', S, false, 'https://www.googleapis.com/auth/pubsub'],
    ]),
  }],
  'google-gmail': [{
    key: 'oauth2', label: 'OAuth 2.0', oauth2Type: 'AUTHORIZATION_CODE',
    inputs: oauthInputs([['scopes', 'Scopes', S, false, 'https://mail.google.com/']]),
  }],
  'google-sheets': [{
    key: 'oauth2', label: 'OAuth 2.0', oauth2Type: 'AUTHORIZATION_CODE',
    inputs: oauthInputs([['scopes', 'Scopes', S, false, 'https://www.googleapis.com/auth/spreadsheets']]),
  }],
  slack: [{
    key: 'oauth2', label: 'OAuth 2.0', oauth2Type: 'AUTHORIZATION_CODE',
    inputs: oauthInputs([
      ['authorizeUrl', 'Authorize URL', S, true, 'https://slack.com/oauth/v2/authorize'],
      ['tokenUrl', 'Token URL', S, true, 'https://slack.com/api/oauth.v2.access'],
      ['revokeUrl', 'Revoke URL', S, false, 'https://slack.com/api/auth.revoke'],
      ['scopes', 'Scopes', S, false],
      ['isUser', 'Is User', B, false, 'false'],
      ['signingSecret', 'Signing Secret', P, false],
    ]),
  }],
  'atlassian-jira': [{
    key: 'oauth2', label: 'OAuth 2.0', oauth2Type: 'AUTHORIZATION_CODE',
    inputs: oauthInputs([
      ['authorizeUrl', 'Authorize URL', S, true, 'https://auth.atlassian.com/authorize?audience=api.atlassian.com&prompt=consent'],
      ['tokenUrl', 'Token URL', S, true, 'https://auth.atlassian.com/oauth/token'],
      ['scopes', 'Scopes', S, false],
      ['version', 'Version', S, false, '3'],
      ['apiSiteOverride', 'API Site Override', S, false],
    ]),
  }],
  dropbox: [{
    key: 'oauth', label: 'OAuth 2.0', oauth2Type: 'AUTHORIZATION_CODE',
    inputs: oauthInputs(),
  }],
  prismatic: [{
    key: 'apiKey', label: 'API Key', oauth2Type: null,
    inputs: inputs([['apiKey', 'API Key', P, true]]),
  }],
  databricks: [{
    key: 'personalAccessToken', label: 'Personal Access Token', oauth2Type: null,
    inputs: inputs([
      ['host', 'Host', S, true],
      ['apiKey', 'Personal Access Token', P, true],
    ]),
  }],
  zendesk: [{
    key: 'oauth2', label: 'OAuth 2.0', oauth2Type: 'AUTHORIZATION_CODE',
    inputs: oauthInputs([
      ['authorizeUrl', 'Authorize URL', S, true],
      ['tokenUrl', 'Token URL', S, true],
      ['scopes', 'Scopes', S, false, 'read write'],
    ]),
  }],
};

const INPUT_TYPES = new Set(['BOOLEAN', 'CODE', 'CONDITIONAL', 'CONNECTION', 'DATA', 'DATE', 'DYNAMICFIELDSELECTION',
  'DYNAMICOBJECTSELECTION', 'FLOW', 'JSONFORM', 'OBJECTFIELDMAP', 'OBJECTSELECTION', 'PASSWORD', 'STRING', 'TEMPLATE',
  'TEXT', 'TIMESTAMP']);

function catalogueConnections(componentKey) {
  const list = CATALOGUE[componentKey];
  return list ? JSON.parse(JSON.stringify(list)) : [];
}

// A connection as stored on a component (state format), checked and
// normalized. Throws on a malformed one.
function normalizeConnection(c, where) {
  if (!c || typeof c !== 'object' || typeof c.key !== 'string' || c.key === '') {
    throw new Error(`${where}: every connection needs a "key"`);
  }
  if (c.oauth2Type !== undefined && c.oauth2Type !== null && c.oauth2Type !== 'AUTHORIZATION_CODE'
      && c.oauth2Type !== 'CLIENT_CREDENTIALS') {
    throw new Error(`${where}: connection "${c.key}": oauth2Type must be AUTHORIZATION_CODE or CLIENT_CREDENTIALS`);
  }
  const ins = [];
  for (const i of Array.isArray(c.inputs) ? c.inputs : []) {
    if (!i || typeof i.key !== 'string') throw new Error(`${where}: connection "${c.key}": every input needs a "key"`);
    const type = String(i.type || 'STRING').toUpperCase();
    if (!INPUT_TYPES.has(type)) throw new Error(`${where}: connection "${c.key}" input "${i.key}": unknown type "${i.type}"`);
    ins.push({
      key: i.key,
      label: i.label || i.key,
      type,
      required: !!i.required,
      default: i.default === undefined || i.default === null ? null : String(i.default),
    });
  }
  return { key: c.key, label: c.label || c.key, oauth2Type: c.oauth2Type || null, inputs: ins };
}

// The value an input declared in a definition gives by default.
function definitionDefault(x) {
  const v = x && typeof x === 'object' ? x.value : x;
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

// The connection a definition's connection config variable uses:
// {component, key, label, oauth2Type, catalogued, inputs: [{key, label, type,
// required, default, writeOnly}]}. Inputs are those the definition declares
// (in its order, with its defaults) followed by the rest of the catalogue's.
function connectionSpec(component, cv) {
  const conn = cv.connection && typeof cv.connection === 'object' ? cv.connection : {};
  const key = typeof conn.key === 'string' ? conn.key : '';
  const known = component && Array.isArray(component.connections)
    ? component.connections.find((c) => c.key === key) : null;
  const declared = cv.inputs && typeof cv.inputs === 'object' && !Array.isArray(cv.inputs) ? cv.inputs : {};
  const out = [];
  const seen = new Set();
  const byKey = new Map(known ? known.inputs.map((i) => [i.key, i]) : []);
  for (const [name, x] of Object.entries(declared)) {
    const k = byKey.get(name);
    const dflt = definitionDefault(x);
    const type = k ? k.type : (WRITE_ONLY_NAME.test(name) ? P : S);
    out.push({
      key: name,
      label: k ? k.label : name,
      type,
      required: k ? k.required : true,
      default: dflt !== '' ? dflt : (k && k.default !== null ? k.default : ''),
      writeOnly: type === P,
    });
    seen.add(name);
  }
  if (known) {
    for (const k of known.inputs) {
      if (seen.has(k.key)) continue;
      out.push({ ...k, default: k.default ?? '', writeOnly: k.type === P });
    }
  }
  return {
    component,
    key,
    label: known ? known.label : key,
    catalogued: !!known,
    oauth2Type: known ? known.oauth2Type : (/^oauth/i.test(key) ? 'AUTHORIZATION_CODE' : null),
    inputs: out,
  };
}

// Parse `values` of an InputInstanceConfigVariable: a JSON list of
// {name, type, value} (or, leniently, an object of name -> value). Returns
// {inputs: {name: value}} or {error}.
function parseValues(text) {
  let v = text;
  if (typeof v === 'string') {
    try { v = JSON.parse(v); } catch { return { error: 'is not valid JSON' }; }
  }
  const out = {};
  if (Array.isArray(v)) {
    for (const x of v) {
      if (!x || typeof x !== 'object' || typeof x.name !== 'string' || x.name === '') {
        return { error: 'must be a list of {"name", "type", "value"}' };
      }
      if (x.type !== undefined && x.type !== null && String(x.type).toLowerCase() !== 'value') {
        return { error: `input "${x.name}": only inputs of type "value" can be set` };
      }
      if (Object.prototype.hasOwnProperty.call(out, x.name)) return { error: `input "${x.name}" is given more than once` };
      out[x.name] = x.value === undefined || x.value === null ? '' : (typeof x.value === 'string' ? x.value : JSON.stringify(x.value));
    }
    return { inputs: out };
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) out[k] = x === null || x === undefined ? '' : (typeof x === 'string' ? x : JSON.stringify(x));
    return { inputs: out };
  }
  return { error: 'must be a list of {"name", "type", "value"}' };
}

// The effective inputs of a connection: given ones over the defaults.
// Returns [{name, value, writeOnly, required}].
function effectiveInputs(spec, given) {
  const g = given || {};
  const out = spec.inputs.map((i) => ({
    name: i.key,
    value: Object.prototype.hasOwnProperty.call(g, i.key) ? g[i.key] : i.default,
    writeOnly: i.writeOnly,
    required: i.required,
  }));
  for (const [name, value] of Object.entries(g)) {
    if (!spec.inputs.some((i) => i.key === name)) {
      out.push({ name, value, writeOnly: WRITE_ONLY_NAME.test(name), required: false });
    }
  }
  return out;
}

// Every required input has a value.
function inputsComplete(spec, given) {
  return effectiveInputs(spec, given).every((i) => !i.required || (i.value !== null && i.value !== ''));
}

module.exports = {
  CATALOGUE, WRITE_ONLY_NAME, catalogueConnections, normalizeConnection, connectionSpec, parseValues,
  effectiveInputs, inputsComplete,
};
