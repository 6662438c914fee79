'use strict';
// Integration definitions: parsing, validation, and the server-side
// normalization that Prismatic applies on import. The stored definition is
// the normalized one, so `integration.definition` returns YAML with defaults
// filled in, LATEST component versions pinned to numbers and keys reordered:
// a byte comparison with the imported file shows false drift, as it does on
// the real server.

const YAML = require('./yaml');

const DEFAULT_DEFINITION_VERSION = 7;

function isMap(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function clone(v) {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

// Parse YAML text. Returns {definition} or {errors: [messages]}.
function parseDefinition(text) {
  if (typeof text !== 'string' || text.trim() === '') {
    return { errors: ['The definition is empty.'] };
  }
  let doc;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    return { errors: [`The definition is not valid YAML: ${e.message}`] };
  }
  const errors = validateDefinition(doc);
  if (errors.length) return { errors };
  return { definition: doc };
}

function isNonEmptyString(v) {
  return typeof v === 'string' && v.trim() !== '';
}

// Structural checks the server makes before accepting a definition.
function validateDefinition(doc) {
  const errs = [];
  if (!isMap(doc)) {
    return ['The definition must be a YAML mapping.'];
  }
  if (!isNonEmptyString(doc.name)) errs.push("The definition is missing the required field 'name'.");
  if (doc.definitionVersion !== undefined &&
      !(Number.isInteger(doc.definitionVersion) && doc.definitionVersion >= 1)) {
    errs.push("'definitionVersion' must be a positive integer.");
  }
  for (const k of ['description', 'category', 'documentation']) {
    if (doc[k] !== undefined && doc[k] !== null && typeof doc[k] !== 'string') errs.push(`'${k}' must be a string.`);
  }
  if (doc.labels !== undefined && doc.labels !== null &&
      !(Array.isArray(doc.labels) && doc.labels.every((l) => typeof l === 'string'))) {
    errs.push("'labels' must be a list of strings.");
  }
  if (doc.endpointType !== undefined &&
      !['flow_specific', 'instance_specific', 'shared_instance'].includes(doc.endpointType)) {
    errs.push("'endpointType' must be one of flow_specific, instance_specific, shared_instance.");
  }
  const cvKeys = new Set();
  if (doc.requiredConfigVars !== undefined && doc.requiredConfigVars !== null) {
    if (!Array.isArray(doc.requiredConfigVars)) errs.push("'requiredConfigVars' must be a list.");
    else {
      doc.requiredConfigVars.forEach((cv, i) => {
        if (!isMap(cv) || !isNonEmptyString(cv.key)) {
          errs.push(`requiredConfigVars[${i}] must be a mapping with a 'key'.`);
          return;
        }
        if (cvKeys.has(cv.key)) errs.push(`requiredConfigVars[${i}]: duplicate config variable key '${cv.key}'.`);
        cvKeys.add(cv.key);
      });
    }
  }
  if (doc.configPages !== undefined && doc.configPages !== null) {
    if (!Array.isArray(doc.configPages)) errs.push("'configPages' must be a list.");
    else {
      doc.configPages.forEach((p, i) => {
        if (!isMap(p) || !isNonEmptyString(p.name)) errs.push(`configPages[${i}] must be a mapping with a 'name'.`);
        else if (p.elements !== undefined && !Array.isArray(p.elements)) errs.push(`configPages[${i}].elements must be a list.`);
      });
    }
  }
  if (doc.flows !== undefined && doc.flows !== null) {
    if (!Array.isArray(doc.flows)) errs.push("'flows' must be a list.");
    else {
      const names = new Set();
      doc.flows.forEach((f, i) => {
        if (!isMap(f) || !isNonEmptyString(f.name)) {
          errs.push(`flows[${i}] must be a mapping with a 'name'.`);
          return;
        }
        if (names.has(f.name)) errs.push(`flows[${i}]: duplicate flow name '${f.name}'.`);
        names.add(f.name);
        if (f.steps !== undefined && f.steps !== null) {
          if (!Array.isArray(f.steps)) errs.push(`flows[${i}].steps must be a list.`);
          else validateSteps(f.steps, `flows[${i}].steps`, errs);
        }
      });
    }
  }
  return errs;
}

function validateSteps(steps, path, errs) {
  steps.forEach((s, j) => {
    const p = `${path}[${j}]`;
    if (!isMap(s) || !isNonEmptyString(s.name)) {
      errs.push(`${p} must be a mapping with a 'name'.`);
      return;
    }
    if (s.action !== undefined && s.action !== null) {
      if (!isMap(s.action) || !isNonEmptyString(s.action.key) || !isMap(s.action.component) ||
          !isNonEmptyString(s.action.component.key)) {
        errs.push(`${p}.action must have a 'key' and a 'component' with a 'key'.`);
      }
    }
    if (s.inputs !== undefined && s.inputs !== null && !isMap(s.inputs)) errs.push(`${p}.inputs must be a mapping.`);
    if (Array.isArray(s.steps)) validateSteps(s.steps, `${p}.steps`, errs);
    if (Array.isArray(s.branches)) {
      s.branches.forEach((b, k) => {
        if (isMap(b) && Array.isArray(b.steps)) validateSteps(b.steps, `${p}.branches[${k}].steps`, errs);
      });
    }
  });
}

// ---------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------

// Key order of the server's YAML: alphabetical, except that a reference's
// `key` comes before its `component` (action, connection, dataSource).
function orderKeys(v) {
  if (Array.isArray(v)) return v.map(orderKeys);
  if (!isMap(v)) return v;
  const keys = Object.keys(v).sort();
  if (keys.includes('key') && keys.includes('component')) {
    keys.splice(keys.indexOf('key'), 1);
    keys.splice(keys.indexOf('component'), 0, 'key');
  }
  const out = {};
  for (const k of keys) if (v[k] !== undefined) out[k] = orderKeys(v[k]);
  return out;
}

function pinComponent(component, registry) {
  if (!isMap(component)) return component;
  const c = { ...component };
  if (c.isPublic === undefined) c.isPublic = true;
  if (c.version === undefined || c.version === null || c.version === 'LATEST') {
    c.version = registry.latestVersion(c.key, c.isPublic !== false);
  }
  return c;
}

function normalizeStep(step, isFirst, registry) {
  const s = { ...step };
  if (s.description === undefined || s.description === null) s.description = '';
  if (s.inputs === undefined || s.inputs === null) s.inputs = {};
  if (isFirst && s.isTrigger === undefined) s.isTrigger = true;
  if (isMap(s.action) && s.action.component) {
    s.action = { ...s.action, component: pinComponent(s.action.component, registry) };
  }
  if (Array.isArray(s.steps)) s.steps = s.steps.map((x) => normalizeStep(x, false, registry));
  if (Array.isArray(s.branches)) {
    s.branches = s.branches.map((b) => (isMap(b) && Array.isArray(b.steps)
      ? { ...b, steps: b.steps.map((x) => normalizeStep(x, false, registry)) } : b));
  }
  return s;
}

function normalizeConfigVar(cv, registry) {
  const c = { ...cv };
  if (c.dataType === undefined || c.dataType === null) c.dataType = 'string';
  if (c.orgOnly === undefined) c.orgOnly = false;
  if (c.dataType === 'connection' && c.onPremiseConnectionConfig === undefined) c.onPremiseConnectionConfig = 'disallowed';
  for (const ref of ['connection', 'dataSource']) {
    if (isMap(c[ref]) && c[ref].component) c[ref] = { ...c[ref], component: pinComponent(c[ref].component, registry) };
  }
  return c;
}

// The definition as the server stores it. `registry` resolves LATEST
// component versions (latestVersion(key, isPublic) -> int).
function normalizeDefinition(doc, registry) {
  const d = clone(doc);
  const out = { ...d };
  out.definitionVersion = d.definitionVersion ?? DEFAULT_DEFINITION_VERSION;
  out.name = String(d.name);
  out.description = d.description ?? '';
  out.category = d.category ?? '';
  out.documentation = d.documentation ?? '';
  out.endpointType = d.endpointType ?? 'flow_specific';
  out.requiredConfigVars = (Array.isArray(d.requiredConfigVars) ? d.requiredConfigVars : [])
    .map((cv) => normalizeConfigVar(cv, registry));
  if (Array.isArray(d.configPages)) {
    out.configPages = d.configPages.map((p) => ({ tagline: '', elements: [], ...p }));
  } else {
    // The server lays every config variable out on one page when none is given.
    out.configPages = out.requiredConfigVars.length
      ? [{ name: 'Configuration', tagline: '', elements: out.requiredConfigVars.map((cv) => ({ type: 'configVar', value: cv.key })) }]
      : [];
  }
  out.flows = (Array.isArray(d.flows) ? d.flows : []).map((f) => ({
    ...f,
    description: f.description ?? '',
    isSynchronous: f.isSynchronous ?? false,
    endpointSecurityType: f.endpointSecurityType ?? 'customer_optional',
    steps: (Array.isArray(f.steps) ? f.steps : []).map((s, i) => normalizeStep(s, i === 0, registry)),
  }));
  if (d.labels === null || (Array.isArray(d.labels) && d.labels.length === 0)) delete out.labels;
  return orderKeys(out);
}

// Replace every pinned component version by LATEST (useLatestComponentVersions).
function withLatestComponents(v) {
  if (Array.isArray(v)) return v.map(withLatestComponents);
  if (!isMap(v)) return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'component' && isMap(x) && x.key !== undefined && 'version' in x) out[k] = { ...x, version: 'LATEST' };
    else out[k] = withLatestComponents(x);
  }
  return out;
}

// Every component referenced by a definition: [{key, isPublic}].
function componentRefs(doc) {
  const refs = [];
  const walk = (v) => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (!isMap(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'component' && isMap(x) && typeof x.key === 'string') refs.push({ key: x.key, isPublic: x.isPublic !== false });
      else walk(x);
    }
  };
  walk(doc);
  return refs;
}

module.exports = {
  parseDefinition,
  validateDefinition,
  normalizeDefinition,
  withLatestComponents,
  componentRefs,
  orderKeys,
  isMap,
  clone,
  DEFAULT_DEFINITION_VERSION,
};
