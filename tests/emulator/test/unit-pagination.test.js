'use strict';
// Relay pagination as the real API: first at most 100, offset cursors,
// nodes + edges + pageInfo + totalCount, a stable sortBy.

const test = require('node:test');
const assert = require('node:assert/strict');
const H = require('./helpers');

function customersState(n) {
  const customers = [];
  for (let i = 1; i <= n; i++) {
    // names sort differently from creation order; some names collide in case
    customers.push({ name: `c-${String((i * 37) % 1000).padStart(3, '0')}-${i}`, externalId: `ext-${i}`, labels: i % 2 ? ['odd'] : [] });
  }
  return { customers };
}

const PAGE = `query($first: Int, $after: String, $sort: [CustomerOrder]) {
  customers(first: $first, after: $after, sortBy: $sort, isSystem: false) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
    nodes { id name externalId }
  }
}`;

async function pageAll(q, first, sort) {
  const seen = [];
  let after = '';
  let pages = 0;
  for (;;) {
    const c = (await q(PAGE, { first, after, sort })).customers;
    pages++;
    assert.equal(c.nodes.length, c.edges.length);
    c.edges.forEach((e, i) => assert.equal(e.node.id, c.nodes[i].id));
    if (c.nodes.length) assert.equal(c.pageInfo.endCursor, c.edges[c.edges.length - 1].cursor);
    else assert.equal(c.pageInfo.endCursor, null);
    seen.push(...c.nodes);
    if (!c.pageInfo.hasNextPage) return { seen, pages, total: c.totalCount };
    assert.equal(c.nodes.length, first ?? 100, 'only the last page may be short');
    after = c.pageInfo.endCursor;
    if (pages > 1000) throw new Error('runaway');
  }
}

for (const n of [0, 1, 100, 101, 250]) {
  test(`pagination over ${n} customers`, async (t) => {
    const s = await H.startInProcess({ state: customersState(n) });
    t.after(() => s.stop());
    const token = await H.getToken(s.url);
    const q = (query, vars) => H.gql(s.url, token, query, vars);

    const all = await pageAll(q, 100);
    assert.equal(all.total, n);
    assert.equal(all.seen.length, n);
    assert.equal(new Set(all.seen.map((c) => c.id)).size, n, 'no duplicates');
    assert.equal(all.pages, Math.max(1, Math.ceil(n / 100)));
    // creation order by default
    assert.deepEqual(all.seen.map((c) => c.externalId), Array.from({ length: n }, (_, i) => `ext-${i + 1}`));

    // no `first`: a page of 100
    const dflt = (await q(PAGE, {})).customers;
    assert.equal(dflt.nodes.length, Math.min(n, 100));
    assert.equal(dflt.pageInfo.hasNextPage, n > 100);

    // small pages, sorted by name descending: stable and complete
    const sorted = await pageAll(q, 7, [{ field: 'NAME', direction: 'DESC' }]);
    const names = sorted.seen.map((c) => c.name);
    const expected = all.seen.map((c) => c.name).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? 1 : a.toLowerCase() > b.toLowerCase() ? -1 : 0));
    assert.deepEqual(names, expected);

    // first: 0
    const zero = (await q(PAGE, { first: 0 })).customers;
    assert.deepEqual(zero.nodes, []);
    assert.equal(zero.totalCount, n);
    assert.equal(zero.pageInfo.hasNextPage, n > 0);

    // after the last item: an empty page
    if (n > 0) {
      const lastCursor = Buffer.from(`arrayconnection:${n - 1}`).toString('base64');
      const end = (await q(PAGE, { first: 10, after: lastCursor })).customers;
      assert.deepEqual(end.nodes, []);
      assert.equal(end.pageInfo.hasNextPage, false);
    }
  });
}

test('first above 100 is an error, as on the real API', async (t) => {
  const s = await H.startInProcess({ state: customersState(3) });
  t.after(() => s.stop());
  const token = await H.getToken(s.url);
  const r = await H.gqlRaw(s.url, token, '{ customers(first: 101) { nodes { id } } }');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.data, null, 'customers is non-null, so the error propagates to data');
  assert.equal(r.body.errors[0].message, 'Requesting 101 records on the `customers` connection exceeds the `first` limit of 100 records.');
  const r2 = await H.gqlRaw(s.url, token, '{ instances(first: 250) { nodes { id } } }');
  assert.match(r2.body.errors[0].message, /exceeds the `first` limit of 100/);
  const neg = await H.gqlRaw(s.url, token, '{ customers(first: -1) { nodes { id } } }');
  assert.ok(neg.body.errors);
  const ok = await H.gql(s.url, token, '{ customers(first: 100, after: "not-a-cursor") { totalCount nodes { id } } }');
  assert.equal(ok.customers.nodes.length, 3, 'an unreadable cursor starts at the beginning');
});

test('instances and integrations paginate with filters and sortBy', async (t) => {
  const { generate, parseArgs } = require('../genorg');
  const state = generate(parseArgs(['--integrations', '3', '--customers', '120', '--instances', '250']));
  const s = await H.startInProcess({ state });
  t.after(() => s.stop());
  const token = await H.getToken(s.url);
  const q = (query, vars) => H.gql(s.url, token, query, vars);
  const Q = `query($after: String, $customer: ID, $integration: ID) {
    instances(first: 100, after: $after, isSystem: false, customer: $customer, integration: $integration,
              sortBy: [{field: NAME, direction: ASC}]) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id name customer { id } integration { id versionNumber } }
    }
  }`;
  let after = null;
  const ids = new Set();
  let prevName = '';
  for (;;) {
    const c = (await q(Q, { after })).instances;
    assert.equal(c.totalCount, 250);
    for (const n of c.nodes) {
      ids.add(n.id);
      assert.ok(n.name.toLowerCase() >= prevName.toLowerCase());
      prevName = n.name;
    }
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  assert.equal(ids.size, 250);
  const cust = state.customers[0].id;
  const byCustomer = (await q(Q, { customer: cust })).instances;
  assert.ok(byCustomer.totalCount >= 2);
  assert.ok(byCustomer.nodes.every((n) => n.customer.id === cust));
  const integ = state.integrations[1];
  const byIntegration = (await q(Q, { integration: integ.id })).instances;
  assert.ok(byIntegration.totalCount > 0);
  const byVersion = (await q(Q, { integration: integ.versions[integ.versions.length - 1].id })).instances;
  assert.equal(byVersion.totalCount, byIntegration.totalCount);
  const ints = (await q('{ integrations(first: 2, customer_Isnull: true, sortBy: [{field: NAME, direction: DESC}]) { totalCount pageInfo { hasNextPage } nodes { name } } }')).integrations;
  assert.deepEqual(ints.nodes.map((n) => n.name), ['Integration 0003', 'Integration 0002']);
  assert.equal(ints.totalCount, 3);
  assert.equal(ints.pageInfo.hasNextPage, true);
  const allVersions = (await q('{ integrations(allVersions: true) { totalCount } }')).integrations.totalCount;
  assert.equal(allVersions, 3 * 3, 'drafts plus two published versions each');
});

const OFFSET_PAGE = `query($first: Int, $offset: Int, $after: String) {
  customers(first: $first, offset: $offset, after: $after, isSystem: false) {
    totalCount pageInfo { hasNextPage endCursor } nodes { externalId }
  }
}`;

test('offset pages: page 1 gives totalCount, the rest read in parallel, nothing twice or missing', async (t) => {
  const n = 250;
  const s = await H.startInProcess({ state: customersState(n) });
  t.after(() => s.stop());
  const token = await H.getToken(s.url);
  const q = (vars) => H.gql(s.url, token, OFFSET_PAGE, vars).then((d) => d.customers);
  const first = await q({ first: 100, offset: 0 });
  assert.equal(first.totalCount, n);
  assert.equal(first.pageInfo.hasNextPage, true);
  const offsets = [];
  for (let o = 100; o < first.totalCount; o += 100) offsets.push(o);
  const rest = await Promise.all(offsets.map((offset) => q({ first: 100, offset })));
  const all = [first, ...rest].flatMap((p) => p.nodes.map((x) => x.externalId));
  assert.deepEqual(all, Array.from({ length: n }, (_, i) => `ext-${i + 1}`));
  assert.deepEqual(rest.map((p) => p.pageInfo.hasNextPage), [true, false]);
  // The cursor of an offset page continues from where it ended.
  assert.equal(Buffer.from(rest[0].pageInfo.endCursor, 'base64').toString(), 'arrayconnection:199');

  // Past the end: an empty page. With `after`, offset counts from the cursor.
  const past = await q({ first: 100, offset: 300 });
  assert.deepEqual([past.nodes, past.pageInfo.hasNextPage, past.totalCount], [[], false, n]);
  const after = Buffer.from('arrayconnection:9').toString('base64');
  assert.deepEqual((await q({ first: 2, offset: 5, after })).nodes.map((x) => x.externalId), ['ext-16', 'ext-17']);
  // No `first`: a page of 100 from the offset.
  assert.equal((await q({ offset: 120 })).nodes[0].externalId, 'ext-121');
  // More than 100 or a negative offset: errors.
  const big = await H.gqlRaw(s.url, token, '{ customers(first: 101, offset: 100) { nodes { id } } }');
  assert.match(big.body.errors[0].message, /exceeds the `first` limit of 100/);
  const neg = await H.gqlRaw(s.url, token, '{ customers(first: 10, offset: -1) { nodes { id } } }');
  assert.match(neg.body.errors[0].message, /offset/);
});

test('offset on nested connections: versionSequence and configVariables', async (t) => {
  const { generate, parseArgs } = require('../genorg');
  const s = await H.startInProcess({ state: generate(parseArgs(['--integrations', '1', '--instances', '1', '--customers', '1', '--versions', '5'])) });
  t.after(() => s.stop());
  const token = await H.getToken(s.url);
  const d = await H.gql(s.url, token, `{ integrations { nodes {
    versionSequence(first: 2, offset: 1, sortBy: [{field: VERSION_NUMBER, direction: DESC}]) { totalCount nodes { versionNumber } } } }
    instances(isSystem: false) { nodes { configVariables(first: 1, offset: 2) { totalCount nodes { requiredConfigVariable { key } } } } } }`);
  const vs = d.integrations.nodes[0].versionSequence;
  assert.deepEqual([vs.totalCount, vs.nodes.map((v) => v.versionNumber)], [5, [4, 3]]);
  const cv = d.instances.nodes[0].configVariables;
  assert.deepEqual([cv.totalCount, cv.nodes.map((v) => v.requiredConfigVariable.key)], [3, ['Page Size']]);
});
