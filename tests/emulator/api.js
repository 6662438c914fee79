'use strict';
// GraphQL layer: schema/prismatic.graphql parsed and validated by graphql-js,
// executed with resolvers over the Model. Connections paginate like the real
// server (graphene-django): `first`/`last` at most 100, `offset` (items to
// skip, counted after `after`), offset cursors ("arrayconnection:N" in
// base64), a default page of 100.

const fs = require('fs');
const path = require('path');
const {
  buildSchema, parse, validate, execute, specifiedRules, GraphQLError, Kind,
} = require('graphql');
const { iso, encodeId, stableUuid, instanceConfigVariableId, NotFound } = require('./model');
const C = require('./connections');
const E = require('./executions');

const DEFAULT_SCHEMA = path.join(__dirname, '..', '..', 'schema', 'prismatic.graphql');
const MAX_PAGE = 100;

// ---------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------

function offsetToCursor(n) {
  return Buffer.from(`arrayconnection:${n}`).toString('base64');
}

function cursorToOffset(c) {
  if (c === null || c === undefined || c === '') return null;
  const s = Buffer.from(String(c), 'base64').toString('utf8');
  const m = /^arrayconnection:(\d+)$/.exec(s);
  return m ? Number(m[1]) : null; // an unreadable cursor is ignored, as graphene does
}

function connection(items, args, fieldName, wrap) {
  const { first, last } = args;
  const offset = args.offset ?? 0;
  if (offset < 0) throw new GraphQLError('Argument "offset" must be a non-negative integer');
  for (const [name, v] of [['first', first], ['last', last]]) {
    if (v === null || v === undefined) continue;
    if (v < 0) throw new GraphQLError(`Argument "${name}" must be a non-negative integer`);
    if (v > MAX_PAGE) {
      throw new GraphQLError(`Requesting ${v} records on the \`${fieldName}\` connection exceeds the \`${name}\` limit of ${MAX_PAGE} records.`);
    }
  }
  const len = items.length;
  const after = cursorToOffset(args.after);
  const before = cursorToOffset(args.before);
  let start = (after === null ? 0 : Math.max(after + 1, 0)) + offset;
  let end = before === null ? len : Math.min(before, len);
  const upper = end;
  const lower = start;
  if (start > end) start = end;
  let useFirst = first;
  if ((first === null || first === undefined) && (last === null || last === undefined)) useFirst = MAX_PAGE;
  if (useFirst !== null && useFirst !== undefined) end = Math.min(end, start + useFirst);
  if (last !== null && last !== undefined) start = Math.max(start, end - last);
  const slice = items.slice(start, end);
  const nodes = wrap ? slice.map(wrap) : slice;
  let edges = null;
  return {
    nodes,
    get edges() {
      if (!edges) edges = nodes.map((node, i) => ({ node, cursor: offsetToCursor(start + i) }));
      return edges;
    },
    pageInfo: {
      hasNextPage: useFirst !== null && useFirst !== undefined ? end < upper : false,
      hasPreviousPage: last !== null && last !== undefined ? start > lower : false,
      startCursor: nodes.length ? offsetToCursor(start) : null,
      endCursor: nodes.length ? offsetToCursor(start + nodes.length - 1) : null,
    },
    totalCount: len,
  };
}

// ---------------------------------------------------------------------------
// Sorting
// ---------------------------------------------------------------------------

function cmpValues(a, b) {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : (an ? 1 : -1); // nulls last
  if (typeof a === 'string' && typeof b === 'string') {
    const la = a.toLowerCase();
    const lb = b.toLowerCase();
    if (la !== lb) return la < lb ? -1 : 1;
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  if (typeof a === 'boolean') return a === b ? 0 : (a ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Stable sort: the sortBy keys, then creation order.
function sortItems(items, sortBy, accessors, serialOf) {
  const keys = (sortBy || []).filter(Boolean).map((o) => ({
    get: accessors[o.field] || (() => null),
    dir: o.direction === 'DESC' ? -1 : 1,
  }));
  if (!keys.length) return items; // already in creation order
  return items.slice().sort((x, y) => {
    for (const k of keys) {
      const c = cmpValues(k.get(x), k.get(y));
      if (c) return c * k.dir;
    }
    return serialOf(x) - serialOf(y);
  });
}

function icontains(hay, needle) {
  return String(hay ?? '').toLowerCase().includes(String(needle).toLowerCase());
}

function given(v) {
  return v !== null && v !== undefined;
}

// ---------------------------------------------------------------------------
// Views: the objects graphql-js resolves fields on. A method is called with
// (args, context, info); a getter is read.
// ---------------------------------------------------------------------------

class CustomerView {
  constructor(m, c) { this.m = m; this.c = c; }
  get id() { return this.c.id; }
  get name() { return this.c.name; }
  get externalId() { return this.c.externalId; }
  get description() { return this.c.description; }
  get labels() { return this.c.labels; }
  get createdAt() { return iso(this.c.createdAt); }
  get updatedAt() { return iso(this.c.updatedAt); }
  instances(args) {
    return listInstances(this.m, { ...args, customer: this.c.id }, 'instances');
  }
}

class ComponentView {
  constructor(m, c) { this.m = m; this.c = c; }
  get id() { return this.c.id; }
  get key() { return this.c.key; }
  get label() { return this.c.label; }
  get description() { return this.c.description; }
  get category() { return this.c.category; }
  get public() { return this.c.public; }
  get versionNumber() { return this.c.versionNumber; }
  get versionIsLatest() { return true; }
  get versionCreatedAt() { return iso(this.c.createdAt); }
  get signature() { return stableUuid(`signature:${this.c.key}:${this.c.versionNumber}`).replace(/-/g, ''); }
  get customer() { return null; }
  connections(args) {
    let items = this.c.connections;
    if (given(args.key)) items = items.filter((x) => x.key === args.key);
    if (given(args.oauth2Type)) items = items.filter((x) => x.oauth2Type === args.oauth2Type);
    return connection(items, args, 'connections', (x) => new ConnectionView(this.m, this.c, x));
  }
}

// A component's connection. `conn` is a catalogue entry or a spec
// (connections.js) of a connection the catalogue does not describe.
class ConnectionView {
  constructor(m, comp, conn) { this.m = m; this.comp = comp; this.conn = conn; }
  get id() { return encodeId('Connection', stableUuid(`connection:${this.comp ? this.comp.id : ''}:${this.conn.key}`)); }
  get key() { return this.conn.key; }
  get label() { return this.conn.label; }
  get oauth2Type() { return this.conn.oauth2Type; }
  get component() {
    return this.comp ? new ComponentView(this.m, this.comp) : null;
  }
  inputs(args) {
    let items = this.conn.inputs;
    if (given(args.key)) items = items.filter((x) => x.key === args.key);
    const cid = this.id;
    return connection(items, args, 'inputs', (i) => ({
      id: encodeId('InputField', stableUuid(`input:${cid}:${i.key}`)),
      key: i.key,
      label: i.label,
      type: i.type,
      required: !!i.required,
      shown: true,
      default: i.default === null || i.default === undefined ? null : i.default,
      comments: null,
    }));
  }
}

class UserView {
  constructor(m) { this.m = m; }
  get id() { return this.m.user.id; }
  get name() { return this.m.user.name; }
  get email() { return this.m.user.email; }
  get externalId() { return null; }
  get tenantId() { return this.m.org.tenantId || ''; }
  get org() { return { id: this.m.org.id, name: this.m.org.name, labels: [] }; }
  get customer() { return null; }
}

class IntegrationView {
  constructor(m, rec) { this.m = m; this.rec = rec; }
  get src() { return this.rec.ver || this.rec.seq; }
  get id() { return this.src.id; }
  get name() { return this.src.name; }
  get description() { return this.rec.seq.isCodeNative ? this.src.description : (this.src.description ?? ''); }
  get category() { return this.src.category ?? ''; }
  get labels() { return this.src.labels; }
  get customer() {
    const c = this.rec.seq.customerId && this.m.customers.get(this.rec.seq.customerId);
    return c ? new CustomerView(this.m, c) : null;
  }
  get versionNumber() { return this.rec.ver ? this.rec.ver.versionNumber : this.rec.seq.versionNumber; }
  get versionComment() { return this.rec.ver ? this.rec.ver.comment : null; }
  get versionAttributes() { return this.rec.ver ? this.rec.ver.attributes : null; }
  get versionIsAvailable() { return this.rec.ver ? this.m.versionIsAvailable(this.rec.ver) : false; }
  get versionCreatedAt() { return this.rec.ver ? iso(this.rec.ver.createdAt) : null; }
  get versionCreatedBy() { return this.rec.ver ? new UserView(this.m) : null; }
  get hasUnpublishedChanges() { return this.rec.ver ? false : this.m.hasUnpublishedChanges(this.rec.seq); }
  get isCodeNative() { return !!this.rec.seq.isCodeNative; }
  get createdAt() { return iso(this.rec.ver ? this.rec.ver.createdAt : this.rec.seq.createdAt); }
  get updatedAt() { return iso(this.rec.ver ? this.rec.ver.createdAt : this.rec.seq.updatedAt); }
  definition(args) { return this.m.renderDefinition(this.rec, args); }
  versionSequence(args) {
    const m = this.m;
    let items = this.rec.seq.versions;
    if (given(args.versionNumber)) items = items.filter((v) => v.versionNumber === args.versionNumber);
    if (given(args.versionIsAvailable)) items = items.filter((v) => m.versionIsAvailable(v) === args.versionIsAvailable);
    items = sortItems(items, args.sortBy, {
      VERSION_NUMBER: (v) => v.versionNumber,
      PUBLISHED_AT: (v) => v.createdAt,
      CREATED_AT: (v) => v.createdAt,
      UPDATED_AT: (v) => v.createdAt,
      NAME: (v) => v.name,
    }, (v) => v.serial);
    const seq = this.rec.seq;
    return connection(items, args, 'versionSequence', (ver) => new IntegrationView(m, { seq, ver }));
  }
  flows(args) {
    const items = this.m.flowsOf(this.rec);
    return connection(items, args, 'flows', (f) => new FlowView(this.m, f));
  }
  requiredConfigVariables(args) {
    let items = this.m.definitionOf(this.rec).requiredConfigVars || [];
    if (given(args.key)) items = items.filter((cv) => cv.key === args.key);
    const recId = this.src.id;
    return connection(items, args, 'requiredConfigVariables', (cv) => requiredConfigVariableView(this.m, recId, cv));
  }
  testConfigVariables(args) {
    const sys = this.m.instances.get(this.rec.seq.systemInstanceId);
    const view = new InstanceView(this.m, sys);
    let items = view.configVariableViews();
    // prism sends the statuses in lower case (status: "pending").
    if (given(args.status)) items = items.filter((v) => v.status === String(args.status).toUpperCase());
    if (given(args.status_In)) items = items.filter((v) => args.status_In.map((x) => String(x).toUpperCase()).includes(v.status));
    return connection(items, args, 'testConfigVariables');
  }
  get systemInstance() {
    return new InstanceView(this.m, this.m.instances.get(this.rec.seq.systemInstanceId));
  }
  instances(args) {
    return listInstances(this.m, { ...args, integration: this.src.id }, 'instances');
  }
}

// Views of required config variables, cached per definition object (stored
// definitions are replaced, never mutated, when they change).
const rcvCache = new WeakMap();

const DATA_TYPES = new Set(['BOOLEAN', 'CODE', 'CONNECTION', 'CREDENTIAL', 'DATE', 'JSONFORM', 'NUMBER', 'OBJECTFIELDMAP',
  'OBJECTSELECTION', 'PICKLIST', 'SCHEDULE', 'STRING', 'TIMESTAMP']);

// A definition's dataType (connection, objectSelection, ...) as the enum
// RequiredConfigVariableDataType.
function dataTypeEnum(t) {
  const u = String(t ?? 'string').replace(/[^A-Za-z]/g, '').toUpperCase();
  return DATA_TYPES.has(u) ? u : 'STRING';
}

function requiredConfigVariableView(m, recId, cv) {
  let perDef = rcvCache.get(cv);
  if (perDef && perDef.recId === recId && perDef.gen === m.componentGen) return perDef.view;
  const isConn = cv.dataType === 'connection';
  const spec = isConn ? m.connectionSpec(cv) : null;
  const view = {
    id: encodeId('RequiredConfigVariable', stableUuid(`rcv:${recId}:${cv.key}`)),
    key: cv.key,
    dataType: dataTypeEnum(cv.dataType),
    connection: spec && spec.component ? new ConnectionView(m, spec.component, spec) : null,
    inputs: spec ? (args) => connection(spec.inputs.map((i) => expression(`rcv:${recId}:${cv.key}`, i.key, i.default, i.writeOnly)), args || {}, 'inputs') : null,
    defaultValue: cv.defaultValue === undefined || cv.defaultValue === null ? null
      : (typeof cv.defaultValue === 'string' ? cv.defaultValue : JSON.stringify(cv.defaultValue)),
    description: cv.description ?? '',
    orgOnly: !!cv.orgOnly,
    collectionType: ['KEYVALUELIST', 'VALUELIST'].includes(String(cv.collectionType || '').toUpperCase())
      ? String(cv.collectionType).toUpperCase() : null,
  };
  perDef = { recId, view, gen: m.componentGen };
  rcvCache.set(cv, perDef);
  return view;
}

class FlowView {
  constructor(m, f) { this.m = m; this.f = f; }
  get id() { return this.f.id; }
  get name() { return this.f.name; }
  get description() { return this.f.description; }
  get stableKey() { return this.f.stableKey; }
  get isSynchronous() { return this.f.isSynchronous; }
  get endpointSecurityType() { return this.f.endpointSecurityType; }
  testUrl(args, ctx) {
    return `${ctx && ctx.baseUrl ? ctx.baseUrl : 'http://127.0.0.1'}/trigger/${this.f.id}`;
  }
  get trigger() {
    const m = this.m;
    const step = this.f.trigger || { name: 'Trigger', action: { key: 'webhook', component: { key: 'webhook-triggers', isPublic: true } } };
    const action = step.action || {};
    const comp = action.component && typeof action.component.key === 'string'
      ? m.registerComponent({ key: action.component.key, public: action.component.isPublic !== false }) : null;
    const isSchedule = !!step.schedule || /schedule/i.test(String(action.key || ''));
    return {
      id: encodeId('IntegrationAction', stableUuid(`step:${this.f.id}:${step.name}`)),
      name: step.name,
      description: step.description ?? '',
      action: {
        id: encodeId('Action', stableUuid(`action:${comp ? comp.key : ''}:${action.key}`)),
        key: String(action.key || ''),
        label: String(action.key || ''),
        isTrigger: true,
        isPollingTrigger: false,
        scheduleSupport: isSchedule ? 'REQUIRED' : 'VALID',
        component: comp ? new ComponentView(m, comp) : null,
      },
    };
  }
}

class InstanceView {
  constructor(m, i) { this.m = m; this.i = i; }
  get id() { return this.i.id; }
  get name() { return this.i.name; }
  get description() { return this.i.description; }
  get labels() { return this.i.labels; }
  get enabled() { return this.i.enabled; }
  get customer() {
    const c = this.i.customerId ? this.m.customers.get(this.i.customerId) : this.m.systemCustomer;
    return new CustomerView(this.m, c || this.m.systemCustomer);
  }
  get integration() {
    if (this.i.isSystem) return new IntegrationView(this.m, { seq: this.m.integrations.get(this.i.versionId), ver: null });
    const ver = this.m.versions.get(this.i.versionId);
    return new IntegrationView(this.m, { seq: this.m.integrations.get(ver.integrationId), ver });
  }
  get deployedVersion() { return this.i.deployedVersion || 0; }
  get needsDeploy() { return this.i.needsDeploy; }
  get lastDeployedAt() { return iso(this.i.lastDeployedAt); }
  get lastExecutedAt() { return iso(this.i.lastExecutedAt); }
  get configState() { return this.m.configState(this.i); }
  get isSystem() { return this.i.isSystem; }
  get createdAt() { return iso(this.i.createdAt); }
  get updatedAt() { return iso(this.i.updatedAt); }
  configVariableViews() {
    const m = this.m;
    const inst = this.i;
    const def = m.instanceDefinition(inst);
    const recId = inst.versionId;
    if (!inst.cvIds) inst.cvIds = new Map();
    const out = [];
    const self = this;
    for (const cv of def.requiredConfigVars || []) {
      const v = inst.configVariables.get(cv.key) || { value: null, inputs: null };
      const st = m.configStatus(cv, v);
      let cvId = inst.cvIds.get(cv.key);
      if (!cvId) {
        cvId = instanceConfigVariableId(inst, cv.key);
        inst.cvIds.set(cv.key, cvId);
      }
      const isConn = cv.dataType === 'connection';
      const ccv = v.customerConfigVariableId ? m.customerConfigVars.get(v.customerConfigVariableId) : null;
      out.push({
        id: cvId,
        value: isConn ? (v.inputs || ccv ? null : v.value) : v.value,
        status: st.status,
        authorizeUrl: (args, ctx) => (st.pending && !ccv ? authorizeUrl(ctx, cvId) : null),
        scheduleType: cv.dataType === 'schedule' || v.scheduleType ? (v.scheduleType || (v.value ? 'CUSTOM' : null)) : null,
        timeZone: v.timeZone ?? null,
        meta: null,
        requiredConfigVariable: requiredConfigVariableView(m, recId, cv),
        inputs: isConn && !ccv
          ? (args) => connection(C.effectiveInputs(m.connectionSpec(cv), v.inputs || {})
            .map((i) => expression(cvId, i.name, i.value, i.writeOnly)), args || {}, 'inputs')
          : null,
        customerConfigVariable: ccv ? new CustomerConfigVariableView(m, ccv) : null,
        get instance() { return self; },
      });
    }
    return out;
  }
  configVariables(args) {
    let items = this.configVariableViews();
    if (given(args.status)) items = items.filter((v) => v.status === String(args.status).toUpperCase());
    if (given(args.status_In)) items = items.filter((v) => args.status_In.map((x) => String(x).toUpperCase()).includes(v.status));
    return connection(items, args, 'configVariables');
  }
  flowConfigs(args, ctx) {
    const rec = E.runningRecord(this.m, this.i) || this.integration.rec;
    const inst = this;
    const items = this.m.flowsOf(rec).map((f) => ({
      id: encodeId('InstanceFlowConfig', stableUuid(`ifc:${inst.i.id}:${f.name}`)),
      flow: new FlowView(this.m, f),
      apiKeys: [],
      webhookUrl: `${ctx && ctx.baseUrl ? ctx.baseUrl : 'http://127.0.0.1'}/trigger/${encodeId('InstanceFlowConfig', stableUuid(`ifc:${inst.i.id}:${f.name}`))}`,
      instance: inst,
    }));
    return connection(items, args, 'flowConfigs');
  }
}

function authorizeUrl(ctx, cvId) {
  const base = ctx && ctx.baseUrl ? ctx.baseUrl : 'http://127.0.0.1';
  return `${base}/__emulator/authorize?configVariable=${encodeURIComponent(cvId)}`;
}

// An input of a connection as the Expression type: write-only inputs come
// back with an empty value and hasValue.
function expression(ownerId, name, value, writeOnly) {
  const v = value === null || value === undefined ? '' : String(value);
  return {
    id: encodeId('Expression', stableUuid(`expr:${ownerId}:${name}`)),
    name,
    type: 'VALUE',
    value: writeOnly ? '' : v,
    hasValue: v !== '',
    meta: null,
  };
}

class CustomerConfigVariableView {
  constructor(m, v) { this.m = m; this.v = v; }
  get id() { return this.v.id; }
  get key() { return this.v.key; }
  get status() { return this.v.status; }
  get customer() {
    const c = this.m.customers.get(this.v.customerId);
    return c ? new CustomerView(this.m, c) : null;
  }
  get meta() { return null; }
  authorizeUrl(args, ctx) {
    return this.v.status === 'PENDING'
      ? `${ctx && ctx.baseUrl ? ctx.baseUrl : 'http://127.0.0.1'}/__emulator/authorize?customerConfigVariable=${encodeURIComponent(this.v.id)}`
      : null;
  }
  inputs(args) {
    // Write-only by name: a customer-level connection has no definition here.
    const items = Object.entries(this.v.inputs).map(([k, x]) => expression(this.v.id, k, x, C.WRITE_ONLY_NAME.test(k)));
    return connection(items, args, 'inputs');
  }
}

function listCustomerConfigVars(m, args) {
  const items = [];
  for (const v of m.customerConfigVars.values()) {
    if (given(args.customer) && v.customerId !== args.customer) continue;
    if (given(args.key) && v.key !== args.key) continue;
    if (given(args.isTest) && v.isTest !== args.isTest) continue;
    if (given(args.status) && v.status !== String(args.status).toUpperCase()) continue;
    if (given(args.status_In) && !args.status_In.map((x) => String(x).toUpperCase()).includes(v.status)) continue;
    items.push(v);
  }
  return connection(items, args, 'customerConfigVariables', (v) => new CustomerConfigVariableView(m, v));
}

// One flow config of an instance, found by id among its flowConfigs.
function flowConfigView(m, id) {
  for (const i of m.instances.values()) {
    if (i.isSystem) continue;
    const found = new InstanceView(m, i).flowConfigs({}, null).nodes.find((fc) => fc.id === id);
    if (found) return found;
  }
  return null;
}

class ExecutionView {
  constructor(m, e) { this.m = m; this.e = e; }
  get id() { return this.e.id; }
  get startedAt() { return iso(this.e.startedAt); }
  get endedAt() { return this.m.now() >= this.e.endsAt ? iso(this.e.endsAt) : null; }
  get error() { return this.m.now() >= this.e.endsAt ? this.e.error : null; }
  get status() { return E.executionStatus(this.e, this.m.now()); }
  get isTestExecution() { return true; }
  get flowConfig() { return this.e.flowConfigId ? flowConfigView(this.m, this.e.flowConfigId) : null; }
  get instance() {
    const i = this.m.instances.get(this.e.instanceId);
    return i ? new InstanceView(this.m, i) : null;
  }
  get flow() {
    try { return new FlowView(this.m, this.m.findFlow(this.e.flowId)); } catch { return null; }
  }
}

// ---------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------

function listInstances(m, args, fieldName) {
  let items = [];
  let integrationFilter = null;
  if (given(args.integration)) {
    const id = args.integration;
    if (m.integrations.has(id)) integrationFilter = (i) => (i.isSystem ? i.versionId === id : m.versions.get(i.versionId).integrationId === id);
    else integrationFilter = (i) => i.versionId === id;
  }
  let customerFilter = null;
  if (given(args.customer_ExternalId)) {
    const c = m.customerByExternalId.get(args.customer_ExternalId);
    const cid = c ? c.id : '\0none';
    customerFilter = cid;
  }
  for (const i of m.instances.values()) {
    if (given(args.customer) && (i.customerId ?? m.systemCustomer.id) !== args.customer) continue;
    if (customerFilter !== null && i.customerId !== customerFilter) continue;
    if (given(args.isSystem) && i.isSystem !== args.isSystem) continue;
    if (given(args.enabled) && i.enabled !== args.enabled) continue;
    if (given(args.needsDeploy) && i.needsDeploy !== args.needsDeploy) continue;
    if (given(args.name) && i.name !== args.name) continue;
    if (given(args.name_Icontains) && !icontains(i.name, args.name_Icontains)) continue;
    if (given(args.description_Icontains) && !icontains(i.description, args.description_Icontains)) continue;
    if (given(args.labels_Contains) && !i.labels.includes(args.labels_Contains)) continue;
    if (integrationFilter && !integrationFilter(i)) continue;
    items.push(i);
  }
  const custName = (i) => { const c = i.customerId && m.customers.get(i.customerId); return c ? c.name : null; };
  const intName = (i) => (i.isSystem ? m.integrations.get(i.versionId).name : m.versions.get(i.versionId).name);
  items = sortItems(items, args.sortBy, {
    NAME: (i) => i.name,
    CREATED_AT: (i) => i.createdAt,
    UPDATED_AT: (i) => i.updatedAt,
    DESCRIPTION: (i) => i.description,
    ENABLED: (i) => i.enabled,
    CUSTOMER: custName,
    INTEGRATION: intName,
    CATEGORY: (i) => (i.isSystem ? m.integrations.get(i.versionId).category : m.versions.get(i.versionId).category),
    VERSION: (i) => (i.isSystem ? null : m.versions.get(i.versionId).versionNumber),
    LAST_EXECUTED_AT: (i) => i.lastExecutedAt,
    INSTANCE_TYPE: () => 'INTEGRATION',
  }, (i) => i.serial);
  return connection(items, args, fieldName, (i) => new InstanceView(m, i));
}

function listIntegrations(m, args) {
  const items = [];
  const customerFilter = given(args.customer) ? args.customer : null;
  const accept = (rec) => {
    const src = rec.ver || rec.seq;
    if (given(args.name) && src.name !== args.name) return false;
    if (given(args.name_Icontains) && !icontains(src.name, args.name_Icontains)) return false;
    if (given(args.description_Icontains) && !icontains(src.description, args.description_Icontains)) return false;
    if (given(args.category) && (src.category ?? '') !== args.category) return false;
    if (given(args.customer_Isnull) && (rec.seq.customerId === null) !== args.customer_Isnull) return false;
    if (given(args.versionNumber) && (rec.ver ? rec.ver.versionNumber : rec.seq.versionNumber) !== args.versionNumber) return false;
    if (given(args.versionIsAvailable) && (rec.ver ? m.versionIsAvailable(rec.ver) : false) !== args.versionIsAvailable) return false;
    if (given(args.hasUnpublishedChanges) && (rec.ver ? false : m.hasUnpublishedChanges(rec.seq)) !== args.hasUnpublishedChanges) return false;
    if (given(args.isCodeNative) && !!rec.seq.isCodeNative !== args.isCodeNative) return false;
    if (given(args.labels_Contains) && !src.labels.includes(args.labels_Contains)) return false;
    return true;
  };
  for (const seq of m.integrations.values()) {
    // `customer`: integrations available to that customer (org-owned or its own).
    if (customerFilter !== null && seq.customerId !== null && seq.customerId !== customerFilter) continue;
    const draft = { seq, ver: null };
    if (accept(draft)) items.push(draft);
    if (args.allVersions) for (const ver of seq.versions) { const r = { seq, ver }; if (accept(r)) items.push(r); }
  }
  const src = (r) => r.ver || r.seq;
  const sorted = sortItems(items, args.sortBy, {
    NAME: (r) => src(r).name,
    CATEGORY: (r) => src(r).category,
    DESCRIPTION: (r) => src(r).description,
    CREATED_AT: (r) => src(r).createdAt,
    UPDATED_AT: (r) => (r.ver ? r.ver.createdAt : r.seq.updatedAt),
    VERSION_NUMBER: (r) => (r.ver ? r.ver.versionNumber : r.seq.versionNumber),
    PUBLISHED_AT: (r) => (r.ver ? r.ver.createdAt : (r.seq.versions.length ? r.seq.versions[r.seq.versions.length - 1].createdAt : null)),
    CUSTOMER: (r) => { const c = r.seq.customerId && m.customers.get(r.seq.customerId); return c ? c.name : null; },
  }, (r) => src(r).serial);
  return connection(sorted, args, 'integrations', (r) => new IntegrationView(m, r));
}

function listCustomers(m, args) {
  let items = [];
  const all = args.isSystem === true ? [m.systemCustomer, ...m.customers.values()] : m.customers.values();
  for (const c of all) {
    if (given(args.name) && c.name !== args.name) continue;
    if (given(args.name_Icontains) && !icontains(c.name, args.name_Icontains)) continue;
    if (given(args.externalId) && c.externalId !== args.externalId) continue;
    if (given(args.description_Icontains) && !icontains(c.description, args.description_Icontains)) continue;
    if (given(args.isSystem) && c.isSystem !== args.isSystem) continue;
    if (given(args.labels_Contains) && !c.labels.includes(args.labels_Contains)) continue;
    items.push(c);
  }
  items = sortItems(items, args.sortBy, {
    NAME: (c) => c.name,
    CREATED_AT: (c) => c.createdAt,
    UPDATED_AT: (c) => c.updatedAt,
    DESCRIPTION: (c) => c.description,
  }, (c) => c.serial);
  return connection(items, args, 'customers', (c) => new CustomerView(m, c));
}

function listComponents(m, args) {
  let items = [];
  for (const c of m.components.values()) {
    if (given(args.key) && c.key !== args.key) continue;
    if (given(args.public) && c.public !== args.public) continue;
    if (given(args.label_Icontains) && !icontains(c.label, args.label_Icontains)) continue;
    if (given(args.versionNumber) && c.versionNumber !== args.versionNumber) continue;
    items.push(c);
  }
  items = sortItems(items, args.sortBy, {
    LABEL: (c) => c.label,
    CATEGORY: (c) => c.category,
    DESCRIPTION: (c) => c.description,
    VERSION_NUMBER: (c) => c.versionNumber,
    VERSION_CREATED_AT: (c) => c.createdAt,
    CUSTOMER: () => null,
  }, (c) => c.serial);
  return connection(items, args, 'components', (c) => new ComponentView(m, c));
}

// ---------------------------------------------------------------------------
// Root resolvers
// ---------------------------------------------------------------------------

function payload(result, key, view) {
  if (result.errors && result.errors.length) return { [key]: null, errors: result.errors };
  return { [key]: view(result[key]), errors: [] };
}

function rootValue(m) {
  const iv = (rec) => new IntegrationView(m, rec);
  const inst = (i) => new InstanceView(m, i);
  const cust = (c) => new CustomerView(m, c);
  return {
    authenticatedUser: () => new UserView(m),
    customer: ({ id }) => cust(id === m.systemCustomer.id ? m.systemCustomer : m.getCustomer(id)),
    customers: (args) => listCustomers(m, args),
    customerConfigVariable: ({ id }) => {
      const v = m.customerConfigVars.get(id);
      if (!v) throw new NotFound();
      return new CustomerConfigVariableView(m, v);
    },
    customerConfigVariables: (args) => listCustomerConfigVars(m, args),
    integration: ({ id }) => iv(m.integrationRecord(id)),
    integrations: (args) => listIntegrations(m, args),
    instance: ({ id }) => inst(m.getInstance(id)),
    instances: (args) => listInstances(m, args, 'instances'),
    components: (args) => listComponents(m, args),
    executionResult: ({ id }) => new ExecutionView(m, m.getExecution(id)),

    importIntegration: ({ input }) => payload(m.importIntegration(input), 'integration', iv),
    createIntegration: ({ input }) => payload(m.createIntegration(input), 'integration', iv),
    updateIntegration: ({ input }) => payload(m.updateIntegration(input), 'integration', iv),
    publishIntegration: ({ input }) => payload(m.publishIntegration(input), 'integration', iv),
    updateIntegrationVersionAvailability: ({ input }) => payload(m.updateIntegrationVersionAvailability(input), 'integration', iv),
    deleteIntegration: ({ input }) => payload(m.deleteIntegration(input), 'integration', iv),
    validateIntegrationSchema: ({ input }) => m.validateIntegrationSchema(input),
    testIntegrationFlow: ({ input }) => {
      const r = m.testIntegrationFlow(input);
      return { testIntegrationFlowResult: { execution: new ExecutionView(m, r.testIntegrationFlowResult.execution) }, errors: [] };
    },
    testInstanceFlowConfig: ({ input }) => {
      const r = E.testInstanceFlowConfig(m, input);
      if (!r.testInstanceFlowConfigResult) return r;
      const x = r.testInstanceFlowConfigResult;
      return { testInstanceFlowConfigResult: { ...x, execution: new ExecutionView(m, x.execution), flowConfig: flowConfigView(m, x.flowConfigId) }, errors: [] };
    },
    createCustomer: ({ input }) => payload(m.createCustomer(input), 'customer', cust),
    updateCustomer: ({ input }) => payload(m.updateCustomer(input), 'customer', cust),
    deleteCustomer: ({ input }) => payload(m.deleteCustomer(input), 'customer', cust),
    createInstance: ({ input }) => payload(m.createInstance(input), 'instance', inst),
    updateInstance: ({ input }) => payload(m.updateInstance(input), 'instance', inst),
    updateInstanceConfigVariables: ({ input }) => payload(m.updateInstanceConfigVariables(input), 'instance', inst),
    deployInstance: ({ input }) => payload(m.deployInstance(input), 'instance', inst),
    deleteInstance: ({ input }) => payload(m.deleteInstance(input), 'instance', inst),
  };
}

// ---------------------------------------------------------------------------
// Executor with a cache of parsed and validated documents
// ---------------------------------------------------------------------------

class GraphQLService {
  constructor(model, { schemaFile } = {}) {
    this.model = model;
    this.schemaFile = schemaFile || DEFAULT_SCHEMA;
    this.schema = buildSchema(fs.readFileSync(this.schemaFile, 'utf8'));
    this.root = rootValue(model);
    this.cache = new Map();
  }

  // Parse and validate a query (cached). Returns {document, errors}.
  prepare(query) {
    let entry = this.cache.get(query);
    if (entry) return entry;
    try {
      const document = parse(query);
      const errors = validate(this.schema, document, specifiedRules);
      entry = errors.length ? { errors } : { document };
    } catch (e) {
      entry = { errors: [e instanceof GraphQLError ? e : new GraphQLError(e.message)] };
    }
    if (this.cache.size > 500) this.cache.clear();
    this.cache.set(query, entry);
    return entry;
  }

  // Root field names of the operation a request would run (for counters and
  // fault rules). Null when the document cannot be parsed.
  rootFields(query, operationName) {
    let document;
    const prepared = this.cache.get(query);
    if (prepared && prepared.document) document = prepared.document;
    else {
      try { document = parse(query); } catch { return null; }
    }
    const ops = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const op = operationName ? ops.find((o) => o.name && o.name.value === operationName) : ops[0];
    if (!op) return null;
    const fragments = new Map(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
    const out = [];
    const seen = new Set();
    const walk = (sel) => {
      for (const s of sel.selections) {
        if (s.kind === Kind.FIELD) { if (!out.includes(s.name.value)) out.push(s.name.value); }
        else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
        else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
          seen.add(s.name.value);
          const f = fragments.get(s.name.value);
          if (f) walk(f.selectionSet);
        }
      }
    };
    walk(op.selectionSet);
    return { fields: out, operation: op, document };
  }

  async run({ query, variables, operationName }, context) {
    if (typeof query !== 'string' || query.trim() === '') {
      return { errors: [{ message: 'Must provide query string.' }] };
    }
    const prepared = this.prepare(query);
    if (prepared.errors) return { errors: prepared.errors.map((e) => e.toJSON()) };
    const result = await execute({
      schema: this.schema,
      document: prepared.document,
      rootValue: this.root,
      contextValue: context || {},
      variableValues: variables || {},
      operationName: operationName || undefined,
    });
    const out = {};
    if (result.errors) out.errors = result.errors.map((e) => e.toJSON());
    if ('data' in result) out.data = result.data;
    return out;
  }
}

module.exports = { GraphQLService, connection, offsetToCursor, cursorToOffset, DEFAULT_SCHEMA, MAX_PAGE };
