import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '../../src/api/common/json-depth';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const arrays = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);
const objects = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

/** The reference: depth of a parsed value, counted recursively (fine for the small values generated). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Object.values(value);
  return 1 + children.reduce<number>((deepest, child) => Math.max(deepest, depthOf(child)), 0);
}

describe('JSON nesting depth, read from the raw bytes without recursion', () => {
  test('64 levels of arrays or objects pass, 65 do not', () => {
    assert.equal(MAX_JSON_DEPTH, 64);
    assert.equal(jsonNestsDeeperThan(bytes(arrays(64)), 64), false);
    assert.equal(jsonNestsDeeperThan(bytes(arrays(65)), 64), true);
    assert.equal(jsonNestsDeeperThan(bytes(objects(64)), 64), false);
    assert.equal(jsonNestsDeeperThan(bytes(objects(65)), 64), true);
    assert.equal(jsonNestsDeeperThan(bytes(`{"a":[${'{"b":['.repeat(31)}${']}'.repeat(31)}]}`), 64), false);
    assert.equal(jsonNestsDeeperThan(bytes(`{"a":[${'{"b":['.repeat(32)}${']}'.repeat(32)}]}`), 64), true);
  });

  test('6,000 and 100,000 levels are refused without overflowing the stack', () => {
    for (const levels of [6_000, 100_000]) {
      assert.equal(jsonNestsDeeperThan(bytes(arrays(levels)), 64), true);
      assert.equal(jsonNestsDeeperThan(bytes(objects(levels)), 64), true);
      // Unclosed, as an attacker need not close anything.
      assert.equal(jsonNestsDeeperThan(bytes('['.repeat(levels)), 64), true);
    }
  });

  test('brackets inside strings do not count, escaped quotes and backslashes included', () => {
    assert.equal(jsonNestsDeeperThan(bytes(JSON.stringify({ s: '['.repeat(100_000) + '{'.repeat(100_000) })), 64), false);
    assert.equal(jsonNestsDeeperThan(bytes(JSON.stringify({ s: `"${'['.repeat(1000)}` })), 64), false);
    assert.equal(jsonNestsDeeperThan(bytes(JSON.stringify({ [`k"[${'{'.repeat(100)}`]: 1 })), 64), false);
    // `\\` ends in a backslash: the quote after it closes the string and the brackets after it count.
    assert.equal(jsonNestsDeeperThan(bytes(`{"s":"\\\\","n":${arrays(64)}}`), 64), true);
    assert.equal(jsonNestsDeeperThan(bytes(`{"s":"\\\\","n":${arrays(63)}}`), 64), false);
    // Multi-byte UTF-8 characters around brackets change nothing.
    assert.equal(jsonNestsDeeperThan(bytes(JSON.stringify({ '€': ['😀[', { 'é': '{' }] })), 2), true);
    assert.equal(jsonNestsDeeperThan(bytes(JSON.stringify({ '€': ['😀[', '{é'] })), 2), false);
  });

  test('agrees with the depth of the parsed value for any JSON (property-based)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8, stringUnit: 'binary' }), fc.integer({ min: 0, max: 9 }), (value, limit) => {
        const text = JSON.stringify(value);
        assert.equal(jsonNestsDeeperThan(bytes(text), limit), depthOf(value) > limit, text);
      }),
      { numRuns: 2000 },
    );
  });
});
