'use strict';
// Validates every JSON plan and drift report the test suite wrote against
// schema/plan.schema.json (drift --all-envs reports against
// schema/drift-environments.schema.json, whose sections are plan documents):
//
//   node tests/schema/validate_plans.js DIR [DIR...]
//
// Each *.json file in the directories is one output of prismsync (the unit
// tests of the renderers and the integration tests write them there). At
// least one file must exist, so the check cannot pass by finding nothing.
// Prints one line per file and closes with "N passed, M failed".

const fs = require('node:fs');
const path = require('node:path');
const Ajv = require('ajv');

const ROOT = path.resolve(__dirname, '..', '..');
const readSchema = (name) => JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', name), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(readSchema('plan.schema.json'));
const validatePlan = ajv.getSchema('urn:prismsync:schema:plan:1');
// drift --all-envs: one drift report per environment, each a plan-schema document.
const validateEnvs = ajv.compile(readSchema('drift-environments.schema.json'));

let passed = 0;
let failed = 0;
const dirs = process.argv.slice(2);
const files = [];
for (const dir of dirs) {
  if (!fs.existsSync(dir)) continue;
  for (const name of fs.readdirSync(dir).sort()) {
    if (name.endsWith('.json')) files.push(path.join(dir, name));
  }
}
if (files.length === 0) {
  console.log(`no JSON outputs found in ${dirs.join(', ')}`);
  failed++;
}
for (const file of files) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`FAIL ${file}: not JSON: ${e.message}`);
    failed++;
    continue;
  }
  const validate = doc && doc.kind === 'drift-environments' ? validateEnvs : validatePlan;
  if (validate(doc)) {
    console.log(`ok   ${file}`);
    passed++;
  } else {
    console.log(`FAIL ${file}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
    failed++;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
