#!/bin/sh
# The round-trip law and adoption without side effects on an org built from
# every real-world definition (../shared/realworld beside the checkout),
# instances on three customers, every connection input set through ${env:}
# and OAuth 2.0 connections authorized: export, set the variables
# .env.example names, plan (only ownership labels), apply (no import,
# publish or deploy), plan (no changes). Skipped (exit 77) without the corpus.
. "$(dirname "$0")/lib.sh"
IT_DIR=$(cd "$(dirname "$0")" && pwd)
. "$IT_DIR/export_lib.sh"
corpus="${PRISMSYNC_REALWORLD:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/realworld}/definitions"
if [ ! -d "$corpus" ]; then
	echo "no real-world corpus at $corpus: skipped"
	exit 77
fi
export NO_COLOR=1
repo="$TMP/rw"
mkdir -p "$repo/defs"
cp "$corpus"/*.yml "$repo/defs/"
export NO_COLOR=1

# The manifest, the environment holding every connection input, and the
# list of OAuth 2.0 connections (customer, instance, key) apply must wait on.
"$NODE" - "$repo" "$EMULATOR_DIR/yaml.js" <<'JS' || exit 1
const fs = require('fs');
const path = require('path');
const [repo, yamlPath] = process.argv.slice(2);
const YAML = require(yamlPath);
const customers = ['rw-north', 'rw-south', 'rw-west'];
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
JS
. "$repo/env.sh"

emu_start --publish-delay-ms 50
run "$PRISMSYNC" apply -f "$repo/prismsync.yaml" --auto-approve
expect_rc 0 "the real-world org is built"
jq -c '.[]' "$repo/pending.json" | while read -r p; do
	ctl POST /__emulator/authorize "$p" >/dev/null
done
run "$PRISMSYNC" apply -f "$repo/prismsync.yaml" --auto-approve
expect_rc 0 "authorized connections deploy"
ninst=$(ctl GET /__emulator/state | jq '.instances | length')

# A user adopting it has none of the variables the build used.
for v in $(sed -n 's/^export \([A-Z_0-9]*\)=.*/\1/p' "$repo/env.sh"); do unset "$v"; done
roundtrip "real world"
expect_eq "$(grep -c '^  - name: ' "$TMP/export/prismsync.yaml")" "$ninst" "every instance is exported"
expect_eq "$(ls "$TMP/export/integrations" | wc -l | tr -d ' ')" "$(ls "$corpus"/*.yml | wc -l | tr -d ' ')" "one definition file per integration"
finish
