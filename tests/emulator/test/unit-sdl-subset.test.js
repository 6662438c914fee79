'use strict';
// The SDL-subset checker (sdl-subset.js) finds each kind of difference.

const test = require('node:test');
const assert = require('node:assert');
const { buildSchema } = require('graphql');
const { compareSchemas } = require('../sdl-subset');

const REAL = `
schema { query: Q mutation: M }
type Q { a(first: Int, offset: Int, req: ID!): [T!] b: String u: U }
type M { m(input: In!): T }
type T { id: ID! n: Int! l: [String!] e: E }
type T2 { id: ID! }
union U = T | T2
input In { key: String! value: String }
enum E { X Y }
`;

function diff(ours) {
  return compareSchemas(buildSchema(ours), buildSchema(REAL));
}

test('a subset passes', () => {
  assert.deepEqual(diff(`schema { query: Q mutation: M }
    type Q { a(first: Int, req: ID!): [T!] u: U }
    type M { m(input: In!): T }
    type T { id: ID! e: E }
    type T2 { id: ID! }
    union U = T | T2
    input In { key: String! }
    enum E { X }`), []);
});

test('every kind of difference is named', () => {
  const out = diff(`schema { query: Q mutation: M }
    type Q { a(first: String, extra: Int): [T] b: String! c: Int u: U }
    type M { m(input: In!): T }
    type T { id: ID! n: Int l: [String] e: E more: Int }
    type Extra { x: Int }
    union U = T | Extra
    input In { key: String! other: Int value: Int }
    enum E { X Z }`);
  const want = [
    'field Q.a: type [T] here, [T!] in the real schema',
    'argument Q.a(first): type String here, Int in the real schema',
    'argument Q.a(extra): not in the real schema',
    'argument Q.a(req): required (ID!) in the real schema, missing here',
    'field Q.b: type String! here, String in the real schema',
    'field Q.c: not in the real schema',
    'field T.n: type Int here, Int! in the real schema',
    'field T.l: type [String] here, [String!] in the real schema',
    'field T.more: not in the real schema',
    'type Extra: not in the real schema',
    'union U: member Extra not in the real schema',
    'input In.other: input field not in the real schema',
    'input In.value: type Int here, String in the real schema',
    'enum E.Z: value not in the real schema',
  ];
  for (const w of want) assert.ok(out.includes(w), `missing "${w}" in:\n${out.join('\n')}`);
});

test('a type of another kind and a root type of another name are named', () => {
  const out = diff(`schema { query: Query }
    type Query { b: String }
    type In { key: String! }`);
  assert.ok(out.includes('schema: query root type is Query here, Q in the real schema'), out.join('\n'));
  assert.ok(out.includes('In: a type here, a input in the real schema'), out.join('\n'));
});
