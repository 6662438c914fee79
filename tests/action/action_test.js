// The GitHub Action and the CI examples: action.yml and every workflow
// parse as YAML; every `with:` an example passes to the Action is an input
// the Action declares, and the required ones are given; the problem
// matcher's regexp finds file, line, column, severity and message in real
// `prismsync validate` output (the golden files of testdata/manifests/invalid,
// which the validate.invalid.* tests keep equal to what the binary prints)
// and nothing else.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const test = require('node:test');
const assert = require('node:assert/strict');

const root = path.resolve(__dirname, '..', '..');
const YAML = require(require.resolve('yaml', {
  paths: [path.join(root, 'tests', 'schema'), path.join(root, 'tests', 'emulator')],
}));

function parse(file) {
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'), { uniqueKeys: true });
  assert.deepEqual(doc.errors.map(String), [], `${file} parses as YAML`);
  return doc.toJS();
}

const action = parse(path.join(root, 'action.yml'));
const inputs = action.inputs || {};

test('action.yml is a composite action with the inputs users need', () => {
  assert.equal(action.runs.using, 'composite');
  for (const name of ['version', 'verb', 'args', 'working-directory', 'comment'])
    assert.ok(inputs[name], `input ${name}`);
  assert.equal(inputs.version.required, true, 'version is required: installs are pinned');
  for (const [name, input] of Object.entries(inputs))
    assert.ok(input.description && input.description.length > 10, `input ${name} is described`);
  // Every script a step runs exists and is executable.
  for (const step of action.runs.steps) {
    const m = /\$GITHUB_ACTION_PATH\/([\w./-]+)/.exec(step.run || '');
    assert.ok(m, `step '${step.name}' runs a script of the action`);
    const script = path.join(root, m[1]);
    assert.ok(fs.existsSync(script), `${m[1]} exists`);
    assert.ok(fs.statSync(script).mode & 0o111, `${m[1]} is executable`);
    // Inputs reach scripts through env, never pasted into the script text.
    assert.doesNotMatch(step.run, /\$\{\{/, `step '${step.name}' has no expression in run`);
  }
});

const workflows = fs.readdirSync(path.join(root, 'examples', 'github-actions'))
  .filter((f) => /\.ya?ml$/.test(f));

test('the example workflows use the Action with inputs it declares', () => {
  assert.ok(workflows.length >= 3, 'plan, apply and drift examples');
  for (const file of workflows) {
    const wf = parse(path.join(root, 'examples', 'github-actions', file));
    let uses = 0;
    for (const [jobName, job] of Object.entries(wf.jobs)) {
      for (const step of job.steps) {
        if (!step.uses || !/(^\.\/?$|\/prismsync@)/.test(step.uses))
          continue;
        uses++;
        const withs = step.with || {};
        for (const key of Object.keys(withs))
          assert.ok(inputs[key], `${file} job ${jobName}: '${key}' is an input of the Action`);
        for (const [name, input] of Object.entries(inputs))
          if (input.required)
            assert.ok(name in withs, `${file} job ${jobName}: required input '${name}' is given`);
        assert.match(String(withs.version), /^\d+\.\d+\.\d+$/, `${file}: a pinned version`);
        assert.ok(!(/\b(build|clone)\b/.test(step.run || '')), `${file}: no build from source`);
      }
      for (const step of job.steps)
        assert.doesNotMatch(step.run || '', /git clone|cmake/, `${file}: installs with the Action, not from source`);
    }
    assert.ok(uses > 0, `${file} uses the Action`);
  }
});

test('the GitLab example parses and installs a pinned release package', () => {
  const ci = parse(path.join(root, 'examples', 'gitlab-ci.yml'));
  const text = fs.readFileSync(path.join(root, 'examples', 'gitlab-ci.yml'), 'utf8');
  assert.doesNotMatch(text, /git clone|cmake/, 'no build from source');
  assert.match(String(ci.variables && ci.variables.PRISMSYNC_VERSION), /^\d+\.\d+\.\d+$/);
});

const matcher = JSON.parse(fs.readFileSync(path.join(root, 'action', 'problem-matcher.json'), 'utf8'));

test('the problem matcher reads real validate output', () => {
  assert.equal(matcher.problemMatcher.length, 1);
  const m = matcher.problemMatcher[0];
  assert.equal(m.owner, 'prismsync');
  const p = m.pattern[0];
  const re = new RegExp(p.regexp);
  const dir = path.join(root, 'testdata', 'manifests', 'invalid');
  let matched = 0, severities = new Set();
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.expected'))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      // What a reader sees in a diagnostic line, found without the matcher.
      const d = /^(\S[^:]*):(\d+):(\d+): (error|warning): (.+)$/.exec(line);
      const got = re.exec(line);
      if (!d) {
        assert.equal(got, null, `${f}: '${line}' is not a diagnostic and must not match`);
        continue;
      }
      assert.ok(got, `${f}: '${line}' matches`);
      matched++;
      severities.add(got[p.severity]);
      assert.equal(got[p.file], d[1], `${f}: file`);
      assert.equal(got[p.line], d[2], `${f}: line`);
      assert.equal(got[p.column], d[3], `${f}: column`);
      assert.equal(got[p.severity], d[4], `${f}: severity`);
      assert.equal(got[p.message], d[5], `${f}: message`);
      assert.ok(Number(got[p.line]) >= 1 && Number(got[p.column]) >= 1);
      // The file named is one a user has (paths are relative to the manifest).
      assert.ok(fs.existsSync(path.join(dir, got[p.file])) || /not found|no such/.test(d[5]),
        `${f}: ${got[p.file]} exists`);
    }
  }
  assert.ok(matched >= 40, `matched ${matched} diagnostics`);
  assert.deepEqual([...severities].sort(), ['error', 'warning']);
});

// The options that change what a plan contains; output options (--format,
// --out, --detailed-exitcode) and --auto-approve do not.
function planningOptions(args) {
  const words = args.split(/\s+/).filter(Boolean);
  const kept = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (/^(--prune|--allow-dirty)$/.test(w)) kept.push(w);
    else if (/^(-f|--file|--git-ref|--target|--select|--env|--changed-since)$/.test(w)) kept.push(`${w} ${words[++i]}`);
    else if (/^--(file|git-ref|target|select|env|changed-since)=/.test(w)) kept.push(w);
  }
  return kept.sort().join(' ');
}
const expand = (s, vars) => String(s || '')
  .replace(/\$\{\{\s*env\.(\w+)\s*\}\}/g, (_, n) => vars[n] ?? '')
  .replace(/\$\{?(\w+)\}?/g, (m, n) => (n in vars ? vars[n] : m));

test('the GitHub examples apply what the pull request planned', () => {
  const load = (f) => parse(path.join(root, 'examples', 'github-actions', f));
  const step = (wf, verb) => Object.values(wf.jobs).flatMap((j) => j.steps)
    .find((s) => s.with && s.with.verb === verb);
  const plan = load('plan.yml'), apply = load('apply.yml');
  const p = step(plan, 'plan'), a = step(apply, 'apply');
  assert.ok(p && a, 'a plan step and an apply step');
  assert.equal(planningOptions(expand(p.with.args, plan.env || {})),
    planningOptions(expand(a.with.args, apply.env || {})), 'plan and apply take the same options');
  assert.equal(p.with['working-directory'] || '.', a.with['working-directory'] || '.');
});

test('the GitLab example applies what the merge request planned', () => {
  const ci = parse(path.join(root, 'examples', 'gitlab-ci.yml'));
  const line = (job, verb) => ci[job].script.find((s) => new RegExp(`prismsync ${verb}\\b`).test(s));
  const p = line('plan', 'plan'), a = line('apply', 'apply');
  assert.ok(p && a, 'plan and apply jobs run prismsync');
  assert.equal(planningOptions(expand(p, ci.variables)), planningOptions(expand(a, ci.variables)),
    'plan and apply take the same options');
});

test("the GitLab validate job turns validate's output into a Code Quality report", (t) => {
  const { execFileSync } = require('node:child_process');
  try { execFileSync('jq', ['--version']); } catch { t.skip('jq is not installed'); return; }
  const ci = parse(path.join(root, 'examples', 'gitlab-ci.yml'));
  const cmd = ci.validate.script.find((s) => /gl-code-quality-report/.test(s));
  assert.ok(cmd, 'a command writes gl-code-quality-report.json');
  assert.ok(ci.validate.artifacts.reports.codequality, 'declared as a codequality report');
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'glcq-'));
  const expected = fs.readFileSync(
    path.join(root, 'testdata', 'manifests', 'invalid', 'config-forms.expected'), 'utf8');
  fs.writeFileSync(path.join(dir, 'validate.log'), expected);
  execFileSync('sh', ['-c', cmd], { cwd: dir });
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'gl-code-quality-report.json'), 'utf8'));
  const diags = expected.split('\n').filter((l) => /^\S+:\d+:\d+: (error|warning): /.test(l));
  assert.equal(report.length, diags.length);
  assert.ok(report.some((r) => r.severity === 'minor') && report.some((r) => r.severity === 'major'));
  const [file, lineNo] = diags[0].split(':');
  assert.equal(report[0].location.path, file);
  assert.equal(report[0].location.lines.begin, Number(lineNo));
  assert.equal(new Set(report.map((r) => r.fingerprint)).size, report.length, 'fingerprints are unique');
  fs.rmSync(dir, { recursive: true });
});

// Environments: plan and apply run per environment with the same options,
// over the same environments, and every apply is behind an environment gate.
test('the environment examples plan and apply each environment alike', () => {
  const envsOf = (job) => (job.strategy && job.strategy.matrix && job.strategy.matrix.env) || [];
  const wf = parse(path.join(root, 'examples', 'github-actions', 'environments.yml'));
  const withOf = (job) => job.steps.find((s) => s.with && s.with.verb).with;
  const opts = (job, env) => planningOptions(expand(withOf(job).args, wf.env || {})
    .replace(/\$\{\{\s*matrix\.env\s*\}\}/g, env));
  const plan = wf.jobs.plan;
  const applies = Object.values(wf.jobs).filter((j) => withOf(j).verb === 'apply');
  assert.ok(envsOf(plan).length >= 2, 'the plan job is a matrix over environments');
  assert.ok(envsOf(wf.jobs.drift).length >= 2, 'so is drift');
  const applied = [];
  for (const job of applies) {
    assert.ok(job.environment, 'each apply job is gated by a GitHub environment');
    for (const env of envsOf(job).length ? envsOf(job) : [String(withOf(job).args).match(/--env (\S+)/)[1]]) {
      applied.push(env);
      assert.equal(opts(job, env), opts(plan, env), `apply of ${env} takes the options its plan took`);
    }
  }
  assert.deepEqual(applied.sort(), [...envsOf(plan)].sort(), 'every planned environment is applied');
  assert.ok(wf.jobs['apply-production'].needs, 'production waits for staging');

  const gl = parse(path.join(root, 'examples', 'gitlab-ci-environments.yml'));
  const glEnvs = (job) => job.parallel.matrix[0].PRISMSYNC_ENV;
  const script = (job, verb) => job.script.find((s) => new RegExp(`prismsync ${verb}\\b`).test(s));
  const glOpts = (job, verb, env) => planningOptions(expand(script(job, verb), { ...gl.variables, PRISMSYNC_ENV: env }));
  for (const env of glEnvs(gl.plan)) {
    const job = env === 'staging' ? gl['apply-staging'] : gl['apply-production'];
    assert.ok(job.environment, `the apply of ${env} is a GitLab environment`);
    assert.equal(glOpts(job, 'apply', env), glOpts(gl.plan, 'plan', env), `GitLab: ${env} applies what it planned`);
  }
  assert.equal(gl['apply-production'].rules[0].when, 'manual', 'production applies are started by hand');
  assert.match(script(gl.drift, 'drift'), /--all-envs/);
  assert.match(String(gl.variables.PRISMSYNC_VERSION), /^\d+\.\d+\.\d+$/);
});
