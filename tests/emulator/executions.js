'use strict';
// Test executions of an instance's flows: Prismatic's Test Flow
// (`testInstanceFlowConfig`) and Get Execution (`executionResult`).
//
// An instance has one flow config per flow of the version it runs (the
// deployed version; api.js lists them as `Instance.flowConfigs`, with ids
// derived from the instance id and the flow name, so they survive a
// redeploy). Testing one starts an execution that ends after
// `executionMs` (server option --execution-ms) with status SUCCESS, unless
// an execution fault rule matches it:
//
//   {"execution": {"customer": "<externalId>", "instance": "<name>",
//                  "flow": "<flow name>", "status": "ERROR" | "HANG",
//                  "error": "<text>", "version": N}, "times": N}
//
// ERROR ends the execution with that error; HANG leaves it running for
// ever (status PENDING, endedAt null). `version` (optional, an emulator
// extra) matches only while the instance runs that version number, so a
// test can make a new version fail and its predecessor pass. The rules live
// in the server's fault list (GET /__emulator/faults shows their hits and
// remaining `times`; DELETE removes them).

const { stableUuid, encodeId, newId } = require('./model');

const EXECUTION_KEYS = new Set(['customer', 'instance', 'flow', 'status', 'error', 'version']);

// Returns null when r is a valid execution rule, else the reason.
function validateExecutionRule(r) {
  for (const k of Object.keys(r)) {
    if (k !== 'execution' && k !== 'times') return `unknown key "${k}" in an execution rule (it takes "execution" and "times")`;
  }
  if (r.times !== undefined && r.times !== null && !(Number.isInteger(r.times) && r.times >= 0)) return '"times" must be a non-negative integer';
  const e = r.execution;
  if (!e || typeof e !== 'object' || Array.isArray(e)) return '"execution" must be an object';
  for (const k of Object.keys(e)) if (!EXECUTION_KEYS.has(k)) return `unknown key "${k}" in "execution"`;
  for (const k of ['customer', 'instance', 'flow']) {
    if (e[k] !== undefined && (typeof e[k] !== 'string' || e[k] === '')) return `"execution.${k}" must be a non-empty string`;
  }
  if (e.status !== 'ERROR' && e.status !== 'HANG') return '"execution.status" must be "ERROR" or "HANG"';
  if (e.error !== undefined && typeof e.error !== 'string') return '"execution.error" must be a string';
  if (e.version !== undefined && !(Number.isInteger(e.version) && e.version > 0)) return '"execution.version" must be a version number';
  return null;
}

function flowConfigId(instanceId, flowName) {
  return encodeId('InstanceFlowConfig', stableUuid(`ifc:${instanceId}:${flowName}`));
}

// The integration record (sequence + version) an instance runs: its
// deployed version when it has one, else the version it is pinned to.
function runningRecord(m, inst) {
  const pinned = m.versions.get(inst.versionId);
  if (!pinned) return null;
  const seq = m.integrations.get(pinned.integrationId);
  if (!seq) return null;
  const deployed = inst.deployedVersion ? seq.versions.find((v) => v.versionNumber === inst.deployedVersion) : null;
  return { seq, ver: deployed || pinned };
}

// The instance and flow a flow config id names, or null.
function findFlowConfig(m, id) {
  for (const inst of m.instances.values()) {
    if (inst.isSystem) continue;
    const rec = runningRecord(m, inst);
    if (!rec) continue;
    for (const f of m.flowsOf(rec)) {
      if (flowConfigId(inst.id, f.name) === id) return { inst, flow: f };
    }
  }
  return null;
}

function ruleMatches(m, rule, inst, flow) {
  const e = rule.execution;
  if (e.flow !== undefined && e.flow !== flow.name) return false;
  if (e.instance !== undefined && e.instance !== inst.name) return false;
  if (e.customer !== undefined) {
    const c = inst.customerId ? m.customers.get(inst.customerId) : null;
    if (!c || c.externalId !== e.customer) return false;
  }
  if (e.version !== undefined && e.version !== inst.deployedVersion) return false;
  return true;
}

// Takes one use of the first execution rule that matches, or returns null.
function takeRule(m, inst, flow) {
  const rules = typeof m.faultRules === 'function' ? m.faultRules() : [];
  for (const r of rules) {
    if (!r.execution) continue;
    if (r.times !== null && r.remaining <= 0) continue;
    if (!ruleMatches(m, r, inst, flow)) continue;
    if (r.times !== null) r.remaining -= 1;
    r.hits += 1;
    return r;
  }
  return null;
}

const err = (field, message) => ({ field, messages: [message] });

// testInstanceFlowConfig: starts an execution of one flow of one deployed instance.
function testInstanceFlowConfig(m, input) {
  const found = input && input.id ? findFlowConfig(m, String(input.id)) : null;
  if (!found) return { errors: [err('id', 'Record not found.')] };
  const { inst, flow } = found;
  // Assumption: an instance that was never deployed has nothing to run.
  if (!inst.deployedVersion) return { errors: [err('__all__', 'The Instance is not deployed.')] };
  if (inst.enabled === false) return { errors: [err('__all__', 'The Instance is disabled.')] };
  const now = m.now();
  const rule = takeRule(m, inst, flow);
  const hang = !!rule && rule.execution.status === 'HANG';
  const failure = rule && rule.execution.status === 'ERROR'
    ? (rule.execution.error || `Flow "${flow.name}" failed.`) : null;
  const exec = {
    id: newId('InstanceExecutionResult'),
    startedAt: now,
    endsAt: hang ? Infinity : now + m.executionMs,
    error: failure,
    flowId: flow.id,
    instanceId: inst.id,
    flowConfigId: flowConfigId(inst.id, flow.name),
    isTest: true,
  };
  m.executions.set(exec.id, exec);
  if (m.executions.size > 10000) m.executions.delete(m.executions.keys().next().value);
  return {
    testInstanceFlowConfigResult: {
      execution: exec,
      flowConfigId: exec.flowConfigId,
      instanceId: inst.id,
      flowName: flow.name,
      statusCode: 200,
      body: JSON.stringify({ executionId: exec.id }),
      headers: JSON.stringify({ 'content-type': 'application/json' }),
    },
    errors: [],
  };
}

// The status ExecutionStatus names for an execution at time now.
function executionStatus(e, now) {
  if (now < e.endsAt) return 'PENDING';
  return e.error ? 'ERROR' : 'SUCCESS';
}

module.exports = { validateExecutionRule, testInstanceFlowConfig, executionStatus, flowConfigId, runningRecord };
