// Writes REPO/prismsync.yaml managing every definition of REPO/defs/ as
// instances of the given customers, with every connection input from
// ${env:NAME}; REPO/env.sh exporting those variables; and REPO/pending.json,
// the OAuth 2.0 connections (customer, instance, key) that wait for a person.
//
//   node realworld_manifest.js REPO YAML_JS CUSTOMER...
const fs = require('fs');
const path = require('path');
const [repo, yamlPath, ...customers] = process.argv.slice(2);
const YAML = require(yamlPath);
const q = (s) => JSON.stringify(String(s));
let m = 'version: 1\nowner: realworld\ncustomers:\n';
for (const c of customers) m += `  - externalId: ${c}\n    name: ${q('Customer ' + c)}\n`;
m += 'integrations:\n';
const files = fs.readdirSync(path.join(repo, 'defs')).filter((f) => f.endsWith('.yml')).sort();
for (const f of files) m += `  - definition: defs/${f}\n`;
m += 'instances:\n';
let env = '';
const pending = [];
let n = 0;
for (const f of files) {
  const def = YAML.parse(fs.readFileSync(path.join(repo, 'defs', f), 'utf8'));
  for (const c of customers) {
    m += `  - name: ${q(def.name)}\n    customer: ${c}\n    integration: ${q(def.name)}\n`;
    const vars = def.requiredConfigVars || [];
    if (vars.length) m += '    configVariables:\n';
    for (const v of vars) {
      if (v.dataType === 'connection') {
        m += `      ${q(v.key)}:\n        inputs:\n`;
        for (const name of Object.keys(v.inputs || {})) {
          const ev = `RW_SECRET_${++n}`;
          env += `export ${ev}='rwsecret-${n}-${(n * 7919).toString(36)}-zq'\n`;
          m += `          ${q(name)}: \${env:${ev}}\n`;
        }
        if (/^oauth/i.test((v.connection || {}).key || '')) pending.push({ customer: c, name: def.name, key: v.key });
      } else if (v.defaultValue === undefined || v.defaultValue === null || v.defaultValue === '') {
        const value = v.dataType === 'boolean' ? 'false' : v.dataType === 'number' ? '1'
          : v.dataType === 'jsonForm' ? '{}' : `value of ${v.key}`;
        m += `      ${q(v.key)}: ${q(value)}\n`;
      }
    }
  }
}
fs.writeFileSync(path.join(repo, 'prismsync.yaml'), m);
fs.writeFileSync(path.join(repo, 'env.sh'), env);
fs.writeFileSync(path.join(repo, 'pending.json'), JSON.stringify(pending));
