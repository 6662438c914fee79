'use strict';
// The emulated Prismatic organization: one in-memory model that every
// GraphQL resolver and control endpoint reads and changes.
//
// Semantics (see ../../../shared/PRISMATIC_API.md and README.md here):
// - An Integration is a draft plus its published versions. importIntegration
//   overwrites the draft (or creates an Integration); publishIntegration
//   snapshots the draft as version N = the draft's versionNumber, with its own
//   id, available after `publishDelayMs`.
// - Instances are bound to a published version. Updates set needsDeploy;
//   deployInstance clears it and sets deployedVersion and lastDeployedAt.
// - Every Integration has a hidden test Instance (isSystem), owned by the
//   org's hidden system Customer.
// - Connection config variables hold inputs; OAuth 2.0 authorization-code
//   connections stay PENDING until authorized (connections.js).
// - Code-native Integrations have no definition; their config variables come
//   from the state document.

const crypto = require('crypto');
const D = require('./definition');
const YAML = require('./yaml');
const C = require('./connections');

const STATE_FORMAT = 'prismsync-emulator-state';
const STATE_VERSION = 1;

class NotFound extends Error {
  constructor() { super('Record not found'); }
}

// ---------------------------------------------------------------------------
// ids and time
// ---------------------------------------------------------------------------

function encodeId(type, uuid) {
  return Buffer.from(`${type}:${uuid}`).toString('base64');
}

function decodeId(id) {
  if (typeof id !== 'string' || id === '') return null;
  let s;
  try { s = Buffer.from(id, 'base64').toString('utf8'); } catch { return null; }
  const i = s.indexOf(':');
  if (i <= 0) return null;
  return { type: s.slice(0, i), uuid: s.slice(i + 1) };
}

function newId(type) {
  return encodeId(type, crypto.randomUUID());
}

// A UUID derived from text (stable ids for derived records such as flows).
function stableUuid(text) {
  const h = crypto.createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// Prismatic's DateTime format: 2024-05-01T12:00:00.123000+00:00
function iso(ms) {
  if (ms === null || ms === undefined) return null;
  const s = new Date(ms).toISOString();
  return `${s.slice(0, 23)}000+00:00`;
}

function parseTime(v, fallback) {
  if (v === null || v === undefined || v === '') return fallback;
  if (typeof v === 'number') return v;
  const t = Date.parse(v);
  return Number.isNaN(t) ? fallback : t;
}

function hashInt(text, mod) {
  const h = crypto.createHash('md5').update(text).digest();
  return h.readUInt32BE(0) % mod;
}

function err(field, ...messages) {
  return { field, messages };
}

const SCHEDULE_TYPES = new Set(['NONE', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'CUSTOM']);
let timeZones = null;
function isTimeZone(tz) {
  if (!timeZones) {
    try { timeZones = new Set(Intl.supportedValuesOf('timeZone')); } catch { timeZones = new Set(); }
    timeZones.add('UTC');
  }
  if (timeZones.has(tz)) return true;
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; }
}

function labelsOf(v) {
  if (v === undefined) return undefined;
  if (v === null) return [];
  return v.filter((x) => x !== null && x !== undefined).map(String);
}

// Default public components; unknown ones referenced by a definition are
// registered on import (as if they existed in the public catalogue).
const DEFAULT_COMPONENTS = [
  ['webhook-triggers', 'Webhook', 'Triggers'],
  ['schedule-triggers', 'Schedule', 'Triggers'],
  ['management-triggers', 'Management Triggers', 'Triggers'],
  ['http', 'HTTP', 'Application Connectors'],
  ['loop', 'Loop', 'Logic'],
  ['branch', 'Branch', 'Logic'],
  ['code', 'Code Block', 'Logic'],
  ['collection-tools', 'Collection Tools', 'Data Platforms'],
  ['change-data-format', 'Change Data Format', 'Data Platforms'],
  ['text-manipulation', 'Text Manipulation', 'Data Platforms'],
  ['math', 'Math', 'Data Platforms'],
  ['log', 'Log', 'Logic'],
  ['persist-data', 'Persist Data', 'Data Platforms'],
  ['slack', 'Slack', 'Application Connectors'],
  ['salesforce', 'Salesforce', 'Application Connectors'],
  ['hubspot', 'HubSpot', 'Application Connectors'],
  ['sftp', 'SFTP', 'Application Connectors'],
  ['aws-s3', 'Amazon S3', 'Application Connectors'],
  ['dropbox', 'Dropbox', 'Application Connectors'],
  ['github', 'GitHub', 'Application Connectors'],
  ['jira', 'Jira', 'Application Connectors'],
  ['google-drive', 'Google Drive', 'Application Connectors'],
];

function componentLabel(key) {
  return key.split(/[-_]/).map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w)).join(' ');
}

// ---------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------

class Model {
  constructor(options = {}) {
    // A connection written with a plain `value` (no `values`) counts as set
    // and ACTIVE; see README "Assumptions".
    this.legacyConnectionValue = options.legacyConnectionValue ?? false;
    this.publishDelayMs = options.publishDelayMs ?? 500;
    this.executionMs = options.executionMs ?? 300;
    this.clock = options.clock || Date.now;
    this.load(options.state || null);
  }

  now() { return this.clock(); }

  // ----- state -----------------------------------------------------------

  emptyState() {
    this.serial = 0;
    this.org = { id: encodeId('Organization', stableUuid('emulator-org')), name: 'Emulated Org', tenantId: 'emulator' };
    this.user = { id: encodeId('User', stableUuid('emulator-user')), name: 'Emulator User', email: 'emulator@prismsync.test' };
    this.customers = new Map();
    this.components = new Map();
    this.componentsByKey = new Map();
    this.integrations = new Map(); // draft id -> seq
    this.versions = new Map(); // version id -> ver
    this.instances = new Map(); // id -> instance (system ones included)
    this.executions = new Map();
    this.flowIndex = new Map(); // flow id -> {recordId, name}
    this.customerByName = new Map();
    this.customerByExternalId = new Map();
    this.customerConfigVars = new Map(); // id -> customer-level connection
    this.componentGen = (this.componentGen || 0) + 1;
    // The org's hidden Customer that owns the Integrations' test Instances.
    this.systemCustomer = {
      id: encodeId('Customer', stableUuid('emulator-system-customer')),
      name: 'Test Customer',
      externalId: null,
      description: '',
      labels: [],
      isSystem: true,
      createdAt: 0,
      updatedAt: 0,
      serial: 0,
    };
  }

  nextSerial() { return ++this.serial; }

  // Load a state document (the format of GET /__emulator/state and --seed).
  load(state) {
    this.emptyState();
    const now = this.now();
    if (!state) {
      for (const [key, label, category] of DEFAULT_COMPONENTS) this.registerComponent({ key, label, category });
      return;
    }
    if (!D.isMap(state)) throw new Error('state must be a JSON object');
    if (state.format !== undefined && state.format !== STATE_FORMAT) throw new Error(`unknown state format "${state.format}"`);
    if (state.version !== undefined && state.version !== STATE_VERSION) throw new Error(`unsupported state version ${state.version}`);
    if (D.isMap(state.org)) Object.assign(this.org, pick(state.org, ['id', 'name', 'tenantId']));
    if (D.isMap(state.user)) Object.assign(this.user, pick(state.user, ['id', 'name', 'email']));
    const comps = Array.isArray(state.components) ? state.components : null;
    if (comps) for (const c of comps) this.registerComponent(c);
    else for (const [key, label, category] of DEFAULT_COMPONENTS) this.registerComponent({ key, label, category });

    for (const c of state.customers || []) {
      const cust = {
        id: c.id || newId('Customer'),
        name: String(c.name),
        externalId: c.externalId ?? null,
        description: c.description ?? '',
        labels: labelsOf(c.labels) || [],
        isSystem: !!c.isSystem,
        createdAt: parseTime(c.createdAt, now),
        updatedAt: parseTime(c.updatedAt, now),
        serial: this.nextSerial(),
      };
      if (!c.name) throw new Error('every customer needs a name');
      if (this.customerByName.has(cust.name)) throw new Error(`duplicate customer name "${cust.name}"`);
      if (cust.externalId && this.customerByExternalId.has(cust.externalId)) throw new Error(`duplicate customer externalId "${cust.externalId}"`);
      this.addCustomer(cust);
      for (const v of Array.isArray(c.configVariables) ? c.configVariables : []) this.loadCustomerConfigVar(cust, v, now);
    }

    for (const it of state.integrations || []) {
      if (it.isCodeNative) { this.loadCodeNative(it, now); continue; }
      let def = it.definition;
      if (typeof def === 'string') {
        const p = D.parseDefinition(def);
        if (p.errors) throw new Error(`integration "${it.name}": ${p.errors.join(' ')}`);
        def = p.definition;
      }
      if (!D.isMap(def)) def = { name: it.name || 'Integration' };
      const ndef = D.normalizeDefinition({ ...def, name: it.name ?? def.name }, this);
      const customerId = it.customerId ?? null;
      if (customerId && !this.customers.has(customerId)) throw new Error(`integration "${ndef.name}": unknown customerId`);
      const seq = {
        id: it.id || newId('Integration'),
        name: it.name ?? ndef.name,
        description: it.description ?? ndef.description ?? '',
        category: it.category ?? ndef.category ?? '',
        labels: labelsOf(it.labels) || labelsOf(def.labels) || [],
        customerId,
        definition: ndef,
        versionNumber: 1,
        createdAt: parseTime(it.createdAt, now),
        updatedAt: parseTime(it.updatedAt, now),
        versions: [],
        rev: 0,
        serial: this.nextSerial(),
        systemInstanceId: null,
      };
      this.integrations.set(seq.id, seq);
      this.loadVersions(seq, it, now, (v) => {
        let vdef = v.definition;
        if (typeof vdef === 'string') {
          const p = D.parseDefinition(vdef);
          if (p.errors) throw new Error(`integration "${seq.name}" version ${v.versionNumber}: ${p.errors.join(' ')}`);
          vdef = p.definition;
        }
        const vnorm = D.isMap(vdef) ? D.normalizeDefinition(vdef, this) : D.clone(seq.definition);
        return {
          name: v.name ?? vnorm.name ?? seq.name,
          description: v.description ?? vnorm.description ?? seq.description,
          category: v.category ?? vnorm.category ?? seq.category,
          labels: labelsOf(v.labels) || labelsOf(vnorm.labels) || seq.labels.slice(),
          definition: vnorm,
        };
      });
    }

    for (const s of state.instances || []) {
      let customerId = s.customerId;
      if (!customerId && s.customerExternalId) {
        const c = this.customerByExternalId.get(s.customerExternalId);
        customerId = c && c.id;
      }
      if (!customerId || !this.customers.has(customerId)) throw new Error(`instance "${s.name}": unknown customer`);
      let ver = s.integrationVersionId ? this.versions.get(s.integrationVersionId) : null;
      if (!ver) {
        let seq = s.integrationId ? this.integrations.get(s.integrationId) : null;
        if (!seq && s.integrationName) seq = [...this.integrations.values()].find((x) => x.name === s.integrationName);
        if (seq) {
          ver = s.versionNumber ? seq.versions.find((v) => v.versionNumber === Number(s.versionNumber))
            : seq.versions[seq.versions.length - 1];
        }
      }
      if (!ver) throw new Error(`instance "${s.name}": unknown integration version`);
      const inst = {
        id: s.id || newId('Instance'),
        name: String(s.name),
        description: s.description ?? '',
        labels: labelsOf(s.labels) || [],
        customerId,
        versionId: ver.id,
        enabled: s.enabled ?? true,
        needsDeploy: s.needsDeploy ?? !s.deployedVersion,
        deployedVersion: s.deployedVersion || null,
        lastDeployedAt: parseTime(s.lastDeployedAt, null),
        lastExecutedAt: parseTime(s.lastExecutedAt, null),
        createdAt: parseTime(s.createdAt, now),
        updatedAt: parseTime(s.updatedAt, now),
        isSystem: false,
        configVariables: new Map(),
        serial: this.nextSerial(),
      };
      this.instances.set(inst.id, inst);
      try { this.applyConfigValues(inst, ver.definition, s.configVariables || {}, 'reset'); } catch (e) {
        throw new Error(`instance "${inst.name}": ${e.message}`, { cause: e });
      }
    }
    this.storeDefinitionTexts();
  }

  // The service keeps each definition as stored text; the emulator renders it
  // from its model on first read and caches it. Rendering every definition of
  // a loaded state here keeps that cost out of the first reads after a reset
  // (about 2.5 ms a definition: seconds for a thousand integrations), so a
  // first read costs what a later one does, as it does against the service.
  storeDefinitionTexts() {
    for (const seq of this.integrations.values()) {
      if (seq.isCodeNative) continue;
      this.renderDefinition({ seq, ver: null });
      for (const ver of seq.versions) this.renderDefinition({ seq, ver });
    }
  }

  // The published versions of a state document's integration, then its draft
  // number and hidden test instance. fields(v) gives what differs between a
  // YAML and a code-native integration: name, description, category, labels,
  // definition (and any extra field of the record).
  loadVersions(seq, it, now, fields) {
    let maxVersion = 0;
    for (const v of it.versions || []) {
      const ver = {
        id: v.id || newId('Integration'),
        integrationId: seq.id,
        versionNumber: Number(v.versionNumber),
        ...fields(v),
        comment: v.comment ?? null,
        attributes: v.attributes === undefined || v.attributes === null ? null
          : (typeof v.attributes === 'string' ? v.attributes : JSON.stringify(v.attributes)),
        createdAt: parseTime(v.createdAt, now),
        availableAt: parseTime(v.availableAt, parseTime(v.createdAt, now)),
        availableOverride: typeof v.available === 'boolean' ? v.available : null,
        serial: this.nextSerial(),
      };
      if (!Number.isInteger(ver.versionNumber) || ver.versionNumber < 1) throw new Error(`integration "${seq.name}": bad versionNumber`);
      seq.versions.push(ver);
      this.versions.set(ver.id, ver);
      maxVersion = Math.max(maxVersion, ver.versionNumber);
    }
    seq.versions.sort((a, b) => a.versionNumber - b.versionNumber);
    seq.versionNumber = Math.max(Number(it.versionNumber) || 0, maxVersion + 1, 1);
    const sys = this.createSystemInstance(seq, it.systemInstance && it.systemInstance.id);
    if (it.systemInstance && D.isMap(it.systemInstance.configVariables)) {
      this.applyConfigValues(sys, seq.definition, it.systemInstance.configVariables, 'partial');
    }
  }

  loadCustomerConfigVar(cust, v, now) {
    if (!D.isMap(v) || typeof v.key !== 'string' || v.key === '') throw new Error(`customer "${cust.name}": every config variable needs a "key"`);
    const status = v.status === undefined || v.status === null ? 'ACTIVE' : String(v.status).toUpperCase();
    if (!['ACTIVE', 'ERROR', 'FAILED', 'PENDING'].includes(status)) throw new Error(`customer "${cust.name}" config variable "${v.key}": unknown status "${v.status}"`);
    const inputs = {};
    if (D.isMap(v.inputs)) for (const [k, x] of Object.entries(v.inputs)) inputs[k] = x === null || x === undefined ? '' : String(x);
    const ccv = {
      id: v.id || newId('CustomerConfigVariable'),
      customerId: cust.id,
      key: v.key,
      status,
      inputs,
      isTest: v.isTest === true,
      createdAt: parseTime(v.createdAt, now),
      serial: this.nextSerial(),
    };
    if (this.customerConfigVars.has(ccv.id)) throw new Error(`duplicate customer config variable id "${ccv.id}"`);
    this.customerConfigVars.set(ccv.id, ccv);
  }

  // A code-native Integration: no definition; `configVars` (the draft's, and
  // each version's or the draft's) give its config variables.
  loadCodeNative(it, now) {
    if (!it.name) throw new Error('every integration needs a name');
    const shadow = (configVars, name) => ({
      name,
      requiredConfigVars: (Array.isArray(configVars) ? configVars : []).map((cv, i) => {
        if (!D.isMap(cv) || typeof cv.key !== 'string') throw new Error(`integration "${name}": configVars[${i}] needs a "key"`);
        return { dataType: 'string', orgOnly: false, ...cv };
      }),
      flows: [],
    });
    const customerId = it.customerId ?? null;
    if (customerId && !this.customers.has(customerId)) throw new Error(`integration "${it.name}": unknown customerId`);
    const seq = {
      id: it.id || newId('Integration'),
      name: String(it.name),
      description: it.description ?? null,
      category: it.category ?? '',
      labels: labelsOf(it.labels) || [],
      customerId,
      isCodeNative: true,
      definition: shadow(it.configVars, it.name),
      versionNumber: 1,
      createdAt: parseTime(it.createdAt, now),
      updatedAt: parseTime(it.updatedAt, now),
      versions: [],
      rev: 0,
      serial: this.nextSerial(),
      systemInstanceId: null,
    };
    this.integrations.set(seq.id, seq);
    this.loadVersions(seq, it, now, (v) => ({
      name: v.name ?? seq.name,
      description: v.description === undefined ? seq.description : v.description,
      category: v.category ?? seq.category,
      labels: labelsOf(v.labels) || seq.labels.slice(),
      definition: v.configVars ? shadow(v.configVars, seq.name) : D.clone(seq.definition),
      ownConfigVars: !!v.configVars,
    }));
  }

  toJSON() {
    // A published version as the state format writes it; versionIsAvailable is
    // read-only, computed from availableAt (and `available`, an explicit override).
    const versionJSON = (v) => ({
      id: v.id,
      versionNumber: v.versionNumber,
      name: v.name,
      description: v.description,
      category: v.category,
      labels: v.labels.slice(),
      comment: v.comment,
      attributes: v.attributes,
      createdAt: iso(v.createdAt),
      availableAt: iso(v.availableAt),
      versionIsAvailable: this.versionIsAvailable(v),
      ...(v.availableOverride !== null && v.availableOverride !== undefined ? { available: v.availableOverride } : {}),
    });
    const out = {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      org: { ...this.org },
      user: { ...this.user },
      customers: [],
      components: [],
      integrations: [],
      instances: [],
    };
    const ccvByCustomer = new Map();
    for (const v of this.customerConfigVars.values()) {
      if (!ccvByCustomer.has(v.customerId)) ccvByCustomer.set(v.customerId, []);
      ccvByCustomer.get(v.customerId).push({ id: v.id, key: v.key, status: v.status, inputs: { ...v.inputs }, isTest: v.isTest, createdAt: iso(v.createdAt) });
    }
    for (const c of this.customers.values()) {
      const o = {
        id: c.id, name: c.name, externalId: c.externalId, description: c.description, labels: c.labels.slice(),
        isSystem: c.isSystem, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt),
      };
      if (ccvByCustomer.has(c.id)) o.configVariables = ccvByCustomer.get(c.id);
      out.customers.push(o);
    }
    for (const c of this.components.values()) {
      const o = {
        id: c.id, key: c.key, label: c.label, description: c.description, category: c.category,
        public: c.public, versionNumber: c.versionNumber,
      };
      if (c.ownConnections) o.connections = D.clone(c.connections);
      out.components.push(o);
    }
    for (const seq of this.integrations.values()) {
      const sys = this.instances.get(seq.systemInstanceId);
      if (seq.isCodeNative) {
        out.integrations.push({
          id: seq.id,
          name: seq.name,
          description: seq.description,
          category: seq.category,
          labels: seq.labels.slice(),
          customerId: seq.customerId,
          isCodeNative: true,
          versionNumber: seq.versionNumber,
          createdAt: iso(seq.createdAt),
          updatedAt: iso(seq.updatedAt),
          configVars: D.clone(seq.definition.requiredConfigVars),
          systemInstance: { id: sys.id, configVariables: configValuesJSON(sys) },
          versions: seq.versions.map((v) => ({
            ...versionJSON(v),
            ...(v.ownConfigVars ? { configVars: D.clone(v.definition.requiredConfigVars) } : {}),
          })),
        });
        continue;
      }
      out.integrations.push({
        id: seq.id,
        name: seq.name,
        description: seq.description,
        category: seq.category,
        labels: seq.labels.slice(),
        customerId: seq.customerId,
        versionNumber: seq.versionNumber,
        createdAt: iso(seq.createdAt),
        updatedAt: iso(seq.updatedAt),
        definition: D.clone(seq.definition),
        systemInstance: { id: sys.id, configVariables: configValuesJSON(sys) },
        versions: seq.versions.map((v) => ({ ...versionJSON(v), definition: D.clone(v.definition) })),
      });
    }
    for (const i of this.instances.values()) {
      if (i.isSystem) continue;
      const ver = this.versions.get(i.versionId);
      out.instances.push({
        id: i.id,
        name: i.name,
        description: i.description,
        labels: i.labels.slice(),
        customerId: i.customerId,
        integrationId: ver.integrationId,
        integrationVersionId: i.versionId,
        versionNumber: ver.versionNumber,
        enabled: i.enabled,
        needsDeploy: i.needsDeploy,
        deployedVersion: i.deployedVersion,
        lastDeployedAt: iso(i.lastDeployedAt),
        configState: this.configState(i),
        createdAt: iso(i.createdAt),
        updatedAt: iso(i.updatedAt),
        configVariables: configValuesJSON(i),
      });
    }
    return out;
  }

  // ----- components ------------------------------------------------------

  registerComponent(c) {
    const isPublic = c.public !== false;
    const mapKey = `${isPublic ? 'public' : 'private'}:${c.key}`;
    if (this.componentsByKey.has(mapKey)) return this.componentsByKey.get(mapKey);
    const own = Array.isArray(c.connections);
    const connections = own
      ? c.connections.map((x) => C.normalizeConnection(x, `component "${c.key}"`))
      : (isPublic ? C.catalogueConnections(String(c.key)) : []);
    const comp = {
      id: c.id || encodeId('Component', stableUuid(`component:${mapKey}`)),
      key: String(c.key),
      label: c.label || componentLabel(String(c.key)),
      description: c.description ?? `The ${c.label || componentLabel(String(c.key))} component`,
      category: c.category ?? null,
      public: isPublic,
      versionNumber: Number(c.versionNumber) || 1 + hashInt(mapKey, 40),
      connections,
      ownConnections: own,
      createdAt: this.now(),
      serial: this.nextSerial(),
    };
    this.components.set(comp.id, comp);
    this.componentsByKey.set(mapKey, comp);
    this.componentGen += 1;
    return comp;
  }

  // Used by definition normalization to pin LATEST.
  latestVersion(key, isPublic) {
    return this.registerComponent({ key, public: isPublic }).versionNumber;
  }

  // ----- customers -------------------------------------------------------

  addCustomer(c) {
    this.customers.set(c.id, c);
    this.customerByName.set(c.name, c);
    if (c.externalId) this.customerByExternalId.set(c.externalId, c);
  }

  getCustomer(id) {
    const c = this.customers.get(id);
    if (!c) throw new NotFound();
    return c;
  }

  createCustomer(input) {
    const errors = [];
    const name = input.name;
    if (typeof name !== 'string' || name.trim() === '') errors.push(err('name', 'This field may not be blank.'));
    else if (this.customerByName.has(name)) errors.push(err('name', 'A Customer with this name already exists.'));
    const externalId = input.externalId === undefined || input.externalId === '' ? null : input.externalId;
    if (externalId !== null && this.customerByExternalId.has(externalId)) {
      errors.push(err('externalId', 'A Customer with this external ID already exists.'));
    }
    if (errors.length) return { errors };
    const now = this.now();
    const c = {
      id: newId('Customer'),
      name,
      externalId,
      description: input.description ?? '',
      labels: labelsOf(input.labels) || [],
      isSystem: false,
      createdAt: now,
      updatedAt: now,
      serial: this.nextSerial(),
    };
    this.addCustomer(c);
    return { customer: c };
  }

  updateCustomer(input) {
    const c = this.getCustomer(input.id);
    const errors = [];
    if (input.name !== undefined && input.name !== null) {
      if (input.name.trim() === '') errors.push(err('name', 'This field may not be blank.'));
      else {
        const other = this.customerByName.get(input.name);
        if (other && other !== c) errors.push(err('name', 'A Customer with this name already exists.'));
      }
    }
    let externalId;
    if (input.externalId !== undefined) {
      externalId = input.externalId === '' ? null : input.externalId;
      if (externalId !== null) {
        const other = this.customerByExternalId.get(externalId);
        if (other && other !== c) errors.push(err('externalId', 'A Customer with this external ID already exists.'));
      }
    }
    if (errors.length) return { errors };
    if (input.name !== undefined && input.name !== null && input.name !== c.name) {
      this.customerByName.delete(c.name);
      c.name = input.name;
      this.customerByName.set(c.name, c);
    }
    if (externalId !== undefined && externalId !== c.externalId) {
      if (c.externalId) this.customerByExternalId.delete(c.externalId);
      c.externalId = externalId;
      if (externalId) this.customerByExternalId.set(externalId, c);
    }
    if (input.description !== undefined) c.description = input.description ?? '';
    if (input.labels !== undefined) c.labels = labelsOf(input.labels);
    c.updatedAt = this.now();
    return { customer: c };
  }

  deleteCustomer(input) {
    const c = this.getCustomer(input.id);
    for (const seq of this.integrations.values()) {
      if (seq.customerId === c.id) {
        return { errors: [err('__all__', 'Cannot delete a Customer that owns Integrations.')] };
      }
    }
    // Deleting a Customer deletes its Instances.
    for (const [id, inst] of this.instances) if (inst.customerId === c.id) this.instances.delete(id);
    this.customers.delete(c.id);
    this.customerByName.delete(c.name);
    if (c.externalId) this.customerByExternalId.delete(c.externalId);
    return { customer: { ...c } };
  }

  // ----- integrations ----------------------------------------------------

  // {seq, ver} for a draft or published version id; throws NotFound.
  integrationRecord(id) {
    const seq = this.integrations.get(id);
    if (seq) return { seq, ver: null };
    const ver = this.versions.get(id);
    if (ver) return { seq: this.integrations.get(ver.integrationId), ver };
    throw new NotFound();
  }

  createSystemInstance(seq, id) {
    const now = this.now();
    const inst = {
      id: id || newId('Instance'),
      name: `${seq.name} Test Instance`,
      description: '',
      labels: [],
      customerId: null,
      versionId: seq.id,
      enabled: true,
      needsDeploy: false,
      deployedVersion: null,
      lastDeployedAt: now,
      lastExecutedAt: null,
      createdAt: now,
      updatedAt: now,
      isSystem: true,
      configVariables: new Map(),
      serial: this.nextSerial(),
    };
    this.applyConfigValues(inst, seq.definition, {}, 'reset');
    this.instances.set(inst.id, inst);
    seq.systemInstanceId = inst.id;
    return inst;
  }

  definitionOf(rec) {
    return rec.ver ? rec.ver.definition : rec.seq.definition;
  }

  importIntegration(input) {
    const parsed = D.parseDefinition(input.definition);
    if (parsed.errors) return { errors: [err('definition', ...parsed.errors)] };
    const doc = parsed.definition;
    let seq = null;
    if (input.integrationId !== undefined && input.integrationId !== null) {
      const rec = this.integrationRecord(input.integrationId);
      if (rec.ver) {
        return { errors: [err('integrationId', 'A published Integration version cannot be changed; import into the Integration\'s draft.')] };
      }
      if (rec.seq.isCodeNative) {
        return { errors: [err('integrationId', 'A code-native Integration has no YAML definition; publish it with its own tooling.')] };
      }
      seq = rec.seq;
    }
    let customerId = null;
    if (input.customer !== undefined && input.customer !== null) {
      if (!this.customers.has(input.customer)) return { errors: [err('customer', 'Customer not found.')] };
      customerId = input.customer;
    }
    const ndef = D.normalizeDefinition(doc, this);
    const now = this.now();
    if (seq) {
      seq.definition = ndef;
      seq.name = ndef.name;
      seq.description = ndef.description;
      seq.category = ndef.category;
      if (doc.labels !== undefined) seq.labels = labelsOf(doc.labels);
      if (customerId) seq.customerId = customerId;
      seq.updatedAt = now;
      seq.rev++;
      // Import redeploys the test instance with the new draft.
      const sys = this.instances.get(seq.systemInstanceId);
      sys.name = `${seq.name} Test Instance`;
      this.rekeyConfig(sys, ndef);
      sys.lastDeployedAt = now;
      sys.updatedAt = now;
    } else {
      seq = {
        id: newId('Integration'),
        name: ndef.name,
        description: ndef.description,
        category: ndef.category,
        labels: labelsOf(doc.labels) || [],
        customerId,
        definition: ndef,
        versionNumber: 1,
        createdAt: now,
        updatedAt: now,
        versions: [],
        rev: 0,
        serial: this.nextSerial(),
        systemInstanceId: null,
      };
      this.integrations.set(seq.id, seq);
      this.createSystemInstance(seq);
    }
    return { integration: { seq, ver: null } };
  }

  createIntegration(input) {
    if (typeof input.name !== 'string' || input.name.trim() === '') return { errors: [err('name', 'This field may not be blank.')] };
    if (input.definition !== undefined && input.definition !== null) {
      return this.importIntegration({ definition: input.definition, customer: input.customer });
    }
    const doc = { definitionVersion: 7, name: input.name, description: input.description ?? '' };
    if (input.labels) doc.labels = input.labels;
    return this.importIntegration({ definition: YAML.stringify(doc), customer: input.customer });
  }

  updateIntegration(input) {
    const rec = this.integrationRecord(input.id);
    if (rec.ver) return { errors: [err('__all__', 'A published Integration version cannot be changed.')] };
    const seq = rec.seq;
    if (input.definition !== undefined && input.definition !== null) {
      const r = this.importIntegration({ definition: input.definition, integrationId: seq.id });
      if (r.errors) return r;
    }
    if (input.name !== undefined && input.name !== null) {
      if (input.name.trim() === '') return { errors: [err('name', 'This field may not be blank.')] };
      seq.name = input.name;
    }
    if (input.description !== undefined) seq.description = input.description ?? '';
    if (input.category !== undefined) seq.category = input.category ?? '';
    if (input.labels !== undefined) seq.labels = labelsOf(input.labels);
    if (input.customer !== undefined) {
      if (input.customer !== null && !this.customers.has(input.customer)) return { errors: [err('customer', 'Customer not found.')] };
      seq.customerId = input.customer;
    }
    if (Array.isArray(input.testConfigVariables)) {
      const sys = this.instances.get(seq.systemInstanceId);
      const e = this.checkConfigInput(seq.definition, input.testConfigVariables);
      if (e) return { errors: [e] };
      this.applyConfigValues(sys, seq.definition, inputToValues(input.testConfigVariables), 'partial');
    }
    seq.updatedAt = this.now();
    seq.rev++;
    return { integration: rec };
  }

  publishIntegration(input) {
    const rec = this.integrationRecord(input.id);
    if (rec.ver) return { errors: [err('id', 'Only the draft of an Integration can be published.')] };
    const seq = rec.seq;
    let attributes = null;
    if (input.attributes !== undefined && input.attributes !== null) {
      let parsed;
      try { parsed = JSON.parse(input.attributes); } catch { parsed = undefined; }
      if (!D.isMap(parsed)) return { errors: [err('attributes', 'attributes must be a JSON object.')] };
      attributes = JSON.stringify(parsed);
    }
    const now = this.now();
    const ver = {
      id: newId('Integration'),
      integrationId: seq.id,
      versionNumber: seq.versionNumber,
      name: seq.name,
      description: seq.description,
      category: seq.category,
      labels: seq.labels.slice(),
      definition: seq.isCodeNative ? D.clone(seq.definition) : this.renderDefinitionObject({ seq, ver: null }),
      comment: input.comment ?? null,
      attributes,
      createdAt: now,
      availableAt: now + this.publishDelayMs,
      availableOverride: null,
      ownConfigVars: !!seq.isCodeNative,
      serial: this.nextSerial(),
    };
    seq.versions.push(ver);
    this.versions.set(ver.id, ver);
    seq.versionNumber += 1;
    seq.updatedAt = now;
    seq.rev++;
    return { integration: { seq, ver } };
  }

  updateIntegrationVersionAvailability(input) {
    const rec = this.integrationRecord(input.id);
    if (!rec.ver) return { errors: [err('id', 'Only a published Integration version has an availability.')] };
    rec.ver.availableOverride = !!input.available;
    return { integration: rec };
  }

  versionIsAvailable(ver) {
    if (ver.availableOverride !== null && ver.availableOverride !== undefined) return ver.availableOverride;
    return this.now() >= ver.availableAt;
  }

  latestAvailableVersion(seq) {
    for (let i = seq.versions.length - 1; i >= 0; i--) {
      if (this.versionIsAvailable(seq.versions[i])) return seq.versions[i];
    }
    return null;
  }

  deleteIntegration(input) {
    const rec = this.integrationRecord(input.id);
    if (rec.ver) return { errors: [err('id', 'Delete the Integration through its draft id.')] };
    const seq = rec.seq;
    for (const inst of this.instances.values()) {
      if (inst.isSystem) continue;
      const ver = this.versions.get(inst.versionId);
      if (ver && ver.integrationId === seq.id) {
        return { errors: [err('__all__', 'Cannot delete an Integration that has Instances; delete the Instances first.')] };
      }
    }
    const snapshot = { seq: { ...seq, versions: [] }, ver: null };
    for (const v of seq.versions) this.versions.delete(v.id);
    this.instances.delete(seq.systemInstanceId);
    this.integrations.delete(seq.id);
    return { integration: snapshot };
  }

  validateIntegrationSchema(input) {
    const parsed = D.parseDefinition(input.definition);
    if (parsed.errors) return { result: { isValid: false }, errors: [err('definition', ...parsed.errors)] };
    return { result: { isValid: true }, errors: [] };
  }

  // The definition object served for a record: the stored definition with
  // the record's name/description/category/labels.
  renderDefinitionObject(rec, { version, useLatestComponentVersions } = {}) {
    const src = rec.ver ? rec.ver : rec.seq;
    const def = D.clone(this.definitionOf(rec));
    def.name = src.name;
    def.description = src.description;
    def.category = src.category ?? '';
    if (src.labels && src.labels.length) def.labels = src.labels.slice();
    else delete def.labels;
    if (version !== undefined && version !== null) def.definitionVersion = version;
    const out = useLatestComponentVersions ? D.withLatestComponents(def) : def;
    return D.orderKeys(out);
  }

  renderDefinition(rec, args = {}) {
    if (rec.seq.isCodeNative) return null;
    const version = args.version ?? D.DEFAULT_DEFINITION_VERSION;
    if (!Number.isInteger(version) || version < 1 || version > D.DEFAULT_DEFINITION_VERSION) {
      throw new Error(`Unsupported definition version ${version}.`);
    }
    const target = rec.ver || rec.seq;
    const key = `${rec.ver ? 'v' : `d${rec.seq.rev}`}|${version}|${!!args.useLatestComponentVersions}`;
    if (!target.yamlCache) target.yamlCache = new Map();
    let text = target.yamlCache.get(key);
    if (text === undefined) {
      text = YAML.stringify(this.renderDefinitionObject(rec, { version, useLatestComponentVersions: args.useLatestComponentVersions }));
      if (target.yamlCache.size > 8) target.yamlCache.clear();
      target.yamlCache.set(key, text);
    }
    return text;
  }

  hasUnpublishedChanges(seq) {
    if (seq.isCodeNative) return seq.versions.length === 0;
    if (seq.hucRev === seq.rev && seq.hucValue !== undefined) return seq.hucValue;
    const last = seq.versions[seq.versions.length - 1];
    let value = true;
    if (last) {
      const a = JSON.stringify(this.renderDefinitionObject({ seq, ver: null }));
      const b = JSON.stringify(this.renderDefinitionObject({ seq, ver: last }));
      value = a !== b;
    }
    seq.hucRev = seq.rev;
    seq.hucValue = value;
    return value;
  }

  // Flows of a record, derived from its definition.
  flowsOf(rec) {
    const def = this.definitionOf(rec);
    const recordId = rec.ver ? rec.ver.id : rec.seq.id;
    const flows = [];
    for (const f of def.flows || []) {
      const id = encodeId('IntegrationFlow', stableUuid(`flow:${recordId}:${f.name}`));
      this.flowIndex.set(id, { recordId, name: f.name });
      flows.push({
        id,
        name: f.name,
        description: f.description ?? '',
        stableKey: f.stableKey ?? stableUuid(`flowkey:${rec.seq.id}:${f.name}`),
        isSynchronous: !!f.isSynchronous,
        endpointSecurityType: String(f.endpointSecurityType || 'customer_optional').toUpperCase(),
        trigger: (f.steps || []).find((st) => st && st.isTrigger) || (f.steps || [])[0] || null,
        rec,
      });
    }
    return flows;
  }

  findFlow(id) {
    let entry = this.flowIndex.get(id);
    if (!entry) {
      // Not seen yet: derive the flows of every record once.
      for (const seq of this.integrations.values()) {
        this.flowsOf({ seq, ver: null });
        for (const ver of seq.versions) this.flowsOf({ seq, ver });
      }
      entry = this.flowIndex.get(id);
    }
    if (!entry) throw new NotFound();
    let rec;
    try { rec = this.integrationRecord(entry.recordId); } catch { throw new NotFound(); }
    const flow = this.flowsOf(rec).find((f) => f.id === id);
    if (!flow) throw new NotFound();
    return flow;
  }

  testIntegrationFlow(input) {
    const flow = this.findFlow(input.id);
    const now = this.now();
    const exec = {
      id: newId('InstanceExecutionResult'),
      startedAt: now,
      endsAt: now + this.executionMs,
      error: null,
      flowId: flow.id,
      instanceId: flow.rec.seq.systemInstanceId,
    };
    this.executions.set(exec.id, exec);
    if (this.executions.size > 10000) this.executions.delete(this.executions.keys().next().value);
    return { testIntegrationFlowResult: { execution: exec }, errors: [] };
  }

  getExecution(id) {
    const e = this.executions.get(id);
    if (!e) throw new NotFound();
    return e;
  }

  // ----- instances -------------------------------------------------------

  getInstance(id) {
    const i = this.instances.get(id);
    if (!i) throw new NotFound();
    return i;
  }

  // The published version an instance input names: a version id, or an
  // Integration id meaning its latest available version.
  resolveVersionInput(id, field) {
    let rec;
    try { rec = this.integrationRecord(id); } catch { return { error: err(field, 'Integration not found.') }; }
    if (!rec.ver) {
      const v = this.latestAvailableVersion(rec.seq);
      if (!v) return { error: err(field, 'The Integration has no available published version.') };
      return { ver: v };
    }
    if (!this.versionIsAvailable(rec.ver)) {
      return { error: err(field, `Version ${rec.ver.versionNumber} of the Integration is not available.`) };
    }
    return { ver: rec.ver };
  }

  // The connection (connections.js spec) a connection config variable uses.
  connectionSpec(cv) {
    let spec = specCache.get(cv);
    if (spec && spec.gen === this.componentGen) return spec.spec;
    const ref = cv.connection && D.isMap(cv.connection.component) ? cv.connection.component : null;
    const comp = ref && typeof ref.key === 'string'
      ? this.componentsByKey.get(`${ref.isPublic === false ? 'private' : 'public'}:${ref.key}`) || null : null;
    spec = { gen: this.componentGen, spec: C.connectionSpec(comp, cv) };
    specCache.set(cv, spec);
    return spec.spec;
  }

  // Check the config variables of a mutation input. `customerId`: the
  // Instance's Customer (customer-level connections must be its own).
  checkConfigInput(def, list, customerId) {
    const byKey = new Map((def.requiredConfigVars || []).map((cv) => [cv.key, cv]));
    const seen = new Set();
    for (const cv of list || []) {
      if (!cv || typeof cv.key !== 'string') return err('configVariables', 'Every config variable needs a key.');
      const rcv = byKey.get(cv.key);
      if (!rcv) return err('configVariables', `The Integration has no config variable "${cv.key}".`);
      if (seen.has(cv.key)) return err('configVariables', `Config variable "${cv.key}" is given more than once.`);
      seen.add(cv.key);
      const isConn = rcv.dataType === 'connection';
      if (given(cv.values)) {
        if (!isConn) return err('configVariables', `Config variable "${cv.key}" is not a connection; set its "value".`);
        const parsed = C.parseValues(cv.values);
        if (parsed.error) return err('configVariables', `The values of config variable "${cv.key}" ${parsed.error}.`);
        const spec = this.connectionSpec(rcv);
        if (spec.inputs.length) {
          const names = new Set(spec.inputs.map((i) => i.key));
          for (const name of Object.keys(parsed.inputs)) {
            if (!names.has(name)) {
              return err('configVariables', `Connection "${cv.key}" has no input "${name}"; its inputs are: ${[...names].join(', ')}.`);
            }
          }
        }
      }
      if (given(cv.customerConfigVariableId)) {
        if (!isConn) return err('configVariables', `Config variable "${cv.key}" is not a connection.`);
        const ccv = this.customerConfigVars.get(cv.customerConfigVariableId);
        if (!ccv || (customerId && ccv.customerId !== customerId)) {
          return err('configVariables', `Config variable "${cv.key}": the Customer has no such customer config variable.`);
        }
      }
      if (given(cv.scheduleType) && !SCHEDULE_TYPES.has(cv.scheduleType)) {
        return err('configVariables', `Config variable "${cv.key}": scheduleType must be one of ${[...SCHEDULE_TYPES].join(', ')}.`);
      }
      if (given(cv.timeZone) && cv.timeZone !== '' && !isTimeZone(cv.timeZone)) {
        return err('configVariables', `Config variable "${cv.key}": "${cv.timeZone}" is not a valid time zone.`);
      }
    }
    return null;
  }

  // The stored value of one config variable after `g` is written over `prev`.
  storeConfigValue(cv, prev, g) {
    const isConn = cv.dataType === 'connection';
    const out = {
      value: g.value === undefined || g.value === null ? null : String(g.value),
      inputs: null,
      scheduleType: g.scheduleType ?? null,
      timeZone: g.timeZone ?? null,
      customerConfigVariableId: null,
      authorized: false,
    };
    if (!isConn) return out;
    if (given(g.customerConfigVariableId)) {
      out.value = null;
      out.customerConfigVariableId = g.customerConfigVariableId;
      return out;
    }
    let inputs = null;
    if (D.isMap(g.inputs)) {
      inputs = {};
      for (const [k, x] of Object.entries(g.inputs)) inputs[k] = x === null || x === undefined ? '' : String(x);
    } else if (given(g.values)) {
      const parsed = C.parseValues(g.values);
      if (parsed.error) throw new Error(`config variable "${cv.key}": values ${parsed.error}`);
      inputs = parsed.inputs;
    }
    if (inputs) {
      out.value = null;
      out.inputs = inputs;
      const spec = this.connectionSpec(cv);
      // Authorization survives a write that leaves the inputs as they were.
      const same = prev && prev.inputs && prev.authorized
        && JSON.stringify(C.effectiveInputs(spec, prev.inputs)) === JSON.stringify(C.effectiveInputs(spec, inputs));
      out.authorized = g.authorized !== undefined ? !!g.authorized : !!same;
    }
    return out;
  }

  // mode 'reset': variables not given get their defaults;
  // mode 'partial': only the given ones change.
  applyConfigValues(inst, def, values, mode) {
    const next = new Map();
    for (const cv of def.requiredConfigVars || []) {
      const g = values[cv.key];
      const prev = inst.configVariables.get(cv.key);
      if (g !== undefined) {
        next.set(cv.key, this.storeConfigValue(cv, prev, D.isMap(g) ? g : { value: g }));
      } else if (mode === 'partial' && prev) {
        next.set(cv.key, prev);
      } else {
        next.set(cv.key, defaultConfigValue(cv));
      }
    }
    inst.configVariables = next;
  }

  // After a version change: keep the values of keys that still exist.
  rekeyConfig(inst, def) {
    const values = {};
    for (const [k, v] of inst.configVariables) values[k] = v;
    const next = new Map();
    for (const cv of def.requiredConfigVars || []) {
      const v = values[cv.key];
      next.set(cv.key, v ? { ...v } : defaultConfigValue(cv));
    }
    inst.configVariables = next;
  }

  instanceDefinition(inst) {
    if (inst.isSystem) return this.integrations.get(inst.versionId).definition;
    return this.versions.get(inst.versionId).definition;
  }

  // {configured, status, pending} of one config variable of an Instance.
  //   configured: it has what it needs (a value; a connection's required inputs)
  //   status: InstanceConfigVariableStatus
  //   pending: an OAuth 2.0 connection waiting for a person to authorize it
  configStatus(cv, v) {
    const val = v || defaultConfigValue(cv);
    if (cv.dataType !== 'connection') {
      const configured = val.value !== null && val.value !== undefined;
      return { configured, status: configured ? 'ACTIVE' : null, pending: false };
    }
    if (val.customerConfigVariableId) {
      const ccv = this.customerConfigVars.get(val.customerConfigVariableId);
      if (!ccv) return { configured: false, status: 'PENDING', pending: false };
      return { configured: true, status: ccv.status, pending: ccv.status === 'PENDING' };
    }
    if (!val.inputs && val.value && this.legacyConnectionValue) return { configured: true, status: 'ACTIVE', pending: false };
    const spec = this.connectionSpec(cv);
    const complete = spec.inputs.length > 0 ? C.inputsComplete(spec, val.inputs) : !!val.inputs;
    if (!complete) return { configured: false, status: 'PENDING', pending: false };
    if (spec.oauth2Type === 'AUTHORIZATION_CODE' && !val.authorized) return { configured: true, status: 'PENDING', pending: true };
    return { configured: true, status: 'ACTIVE', pending: false };
  }

  // Keys of required variables that are unset, and of connections waiting
  // to be authorized.
  configProblems(inst) {
    const def = this.instanceDefinition(inst);
    const unset = [];
    const pending = [];
    for (const cv of def.requiredConfigVars || []) {
      const st = this.configStatus(cv, inst.configVariables.get(cv.key));
      if (!st.configured) unset.push(cv.key);
      else if (st.pending) pending.push(cv.key);
    }
    return { unset, pending };
  }

  configState(inst) {
    const p = this.configProblems(inst);
    return p.unset.length || p.pending.length ? 'NEEDS_INSTANCE_CONFIGURATION' : 'FULLY_CONFIGURED';
  }

  // Mark an OAuth 2.0 connection authorized, as a person would in the web
  // app. Returns null or an error text.
  authorize(inst, key) {
    const def = this.instanceDefinition(inst);
    const cv = (def.requiredConfigVars || []).find((x) => x.key === key);
    if (!cv) return `the Instance has no config variable "${key}"`;
    if (cv.dataType !== 'connection') return `config variable "${key}" is not a connection`;
    const v = inst.configVariables.get(key);
    if (v && v.customerConfigVariableId) {
      const ccv = this.customerConfigVars.get(v.customerConfigVariableId);
      if (ccv) ccv.status = 'ACTIVE';
      return null;
    }
    const st = this.configStatus(cv, v);
    if (!st.configured) return `connection "${key}" has required inputs without a value; set them first`;
    if (v) v.authorized = true;
    return null;
  }

  authorizeCustomerConfigVar(id) {
    const ccv = this.customerConfigVars.get(id);
    if (!ccv) return 'no such customer config variable';
    ccv.status = 'ACTIVE';
    return null;
  }

  // Find the Instance and key a config variable id (InstanceConfigVariable)
  // stands for.
  findInstanceConfigVariable(id) {
    const d = decodeId(id);
    if (!d || d.type !== 'InstanceConfigVariable') return null;
    for (const inst of this.instances.values()) {
      for (const key of inst.configVariables.keys()) {
        if (instanceConfigVariableId(inst, key) === id) return { inst, key };
      }
    }
    return null;
  }

  createInstance(input) {
    const errors = [];
    if (typeof input.name !== 'string' || input.name.trim() === '') errors.push(err('name', 'This field may not be blank.'));
    if (!this.customers.has(input.customer)) errors.push(err('customer', 'Customer not found.'));
    const r = this.resolveVersionInput(input.integration, 'integration');
    if (r.error) errors.push(r.error);
    if (errors.length) return { errors };
    const e = this.checkConfigInput(r.ver.definition, input.configVariables, input.customer);
    if (e) return { errors: [e] };
    const now = this.now();
    const inst = {
      id: newId('Instance'),
      name: input.name,
      description: input.description ?? '',
      labels: labelsOf(input.labels) || [],
      customerId: input.customer,
      versionId: r.ver.id,
      enabled: true,
      needsDeploy: true,
      deployedVersion: null,
      lastDeployedAt: null,
      lastExecutedAt: null,
      createdAt: now,
      updatedAt: now,
      isSystem: false,
      configVariables: new Map(),
      serial: this.nextSerial(),
    };
    this.applyConfigValues(inst, r.ver.definition, inputToValues(input.configVariables), 'reset');
    this.instances.set(inst.id, inst);
    return { instance: inst };
  }

  updateInstance(input) {
    const inst = this.getInstance(input.id);
    const has = (k) => input[k] !== undefined && input[k] !== null;
    const errors = [];
    if (has('name') && input.name.trim() === '') errors.push(err('name', 'This field may not be blank.'));
    let ver = null;
    if (has('integration')) {
      if (inst.isSystem) errors.push(err('integration', 'The test Instance always runs the draft.'));
      else {
        const r = this.resolveVersionInput(input.integration, 'integration');
        if (r.error) errors.push(r.error);
        else if (r.ver.integrationId !== this.versions.get(inst.versionId).integrationId) {
          errors.push(err('integration', 'An Instance can only switch to a version of its own Integration.'));
        } else ver = r.ver;
      }
    }
    const def = ver ? ver.definition : this.instanceDefinition(inst);
    if (has('configVariables')) {
      const e = this.checkConfigInput(def, input.configVariables, inst.customerId);
      if (e) errors.push(e);
    }
    if (errors.length) return { errors };
    let changed = false;
    if (has('name')) { inst.name = input.name; changed = true; }
    if (input.description !== undefined) { inst.description = input.description ?? ''; changed = true; }
    if (has('labels')) { inst.labels = labelsOf(input.labels); changed = true; }
    if (ver) { inst.versionId = ver.id; this.rekeyConfig(inst, ver.definition); changed = true; }
    if (has('configVariables')) {
      this.applyConfigValues(inst, def, inputToValues(input.configVariables), 'reset');
      changed = true;
    }
    if (has('flowConfigs') || has('configMode') || has('globalDebug')) changed = true;
    // Assumption [L]: enabling or disabling alone does not set needsDeploy.
    if (has('enabled')) inst.enabled = !!input.enabled;
    if (changed && !input.preserveDeployState && !inst.isSystem) inst.needsDeploy = true;
    inst.updatedAt = this.now();
    return { instance: inst };
  }

  updateInstanceConfigVariables(input) {
    const inst = this.getInstance(input.id);
    const def = this.instanceDefinition(inst);
    const list = input.configVariables || [];
    const e = this.checkConfigInput(def, list, inst.customerId);
    if (e) return { errors: [e] };
    this.applyConfigValues(inst, def, inputToValues(list), 'partial');
    if (!inst.isSystem) inst.needsDeploy = true;
    inst.updatedAt = this.now();
    return { instance: inst };
  }

  deployInstance(input) {
    const inst = this.getInstance(input.id);
    if (inst.isSystem) return { errors: [err('__all__', 'The test Instance is deployed by importing the Integration.')] };
    const ver = this.versions.get(inst.versionId);
    const problems = this.configProblems(inst);
    // Assumption: `force` deploys past unset variables, never past a
    // connection that waits for authorization (it has no tokens to run with).
    if (problems.unset.length && !input.force) {
      return { errors: [err('__all__', `The Instance is not fully configured; set: ${problems.unset.join(', ')}.`)] };
    }
    if (problems.pending.length) {
      return { errors: [err('__all__', `The Instance is not fully configured; connections awaiting authorization: ${problems.pending.join(', ')}.`)] };
    }
    const now = this.now();
    inst.deployedVersion = ver.versionNumber;
    inst.lastDeployedAt = now;
    inst.needsDeploy = false;
    inst.updatedAt = now;
    return { instance: inst };
  }

  deleteInstance(input) {
    const inst = this.getInstance(input.id);
    if (inst.isSystem) return { errors: [err('__all__', 'The test Instance of an Integration cannot be deleted.')] };
    this.instances.delete(inst.id);
    return { instance: { ...inst } };
  }
}

function pick(o, keys) {
  const out = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function given(v) {
  return v !== null && v !== undefined;
}

const specCache = new WeakMap();

function instanceConfigVariableId(inst, key) {
  return encodeId('InstanceConfigVariable', stableUuid(`icv:${inst.id}:${key}`));
}

function defaultConfigValue(cv) {
  const dv = cv.dataType === 'connection' ? null : cv.defaultValue;
  return {
    value: dv === undefined || dv === null ? null : (typeof dv === 'string' ? dv : JSON.stringify(dv)),
    inputs: null,
    scheduleType: null,
    timeZone: null,
    customerConfigVariableId: null,
    authorized: false,
  };
}

function inputToValues(list) {
  const out = {};
  for (const cv of list || []) {
    out[cv.key] = {
      value: cv.value === undefined ? null : cv.value,
      values: cv.values === undefined ? null : cv.values,
      scheduleType: cv.scheduleType ?? null,
      timeZone: cv.timeZone ?? null,
      customerConfigVariableId: cv.customerConfigVariableId ?? null,
    };
  }
  return out;
}

function configValuesJSON(inst) {
  const out = {};
  for (const [k, v] of inst.configVariables) {
    const o = { value: v.value };
    if (v.inputs) o.inputs = { ...v.inputs };
    if (v.customerConfigVariableId) o.customerConfigVariableId = v.customerConfigVariableId;
    if (v.authorized) o.authorized = true;
    if (v.scheduleType) o.scheduleType = v.scheduleType;
    if (v.timeZone) o.timeZone = v.timeZone;
    out[k] = o;
  }
  return out;
}

module.exports = { Model, NotFound, encodeId, decodeId, newId, stableUuid, iso, instanceConfigVariableId, STATE_FORMAT, STATE_VERSION };
