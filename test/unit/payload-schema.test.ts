import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compilePayloadSchema, firstViolation } from '../../src/domain/event-types/payload-schema';
import { InvalidFieldError } from '../../src/domain/errors';

describe('payload schemas', () => {
  test('each pattern keeps its own meaning, and a backtracking-prone one runs in linear time', () => {
    const validate = compilePayloadSchema({
      type: 'object',
      properties: { id: { type: 'string', pattern: '^inv_' }, code: { type: 'string', pattern: '^[A-Z]{3}$' }, evil: { type: 'string', pattern: '^(a+)+$' } },
    });
    assert.equal(validate({ id: 'inv_1', code: 'EUR' }), true);
    assert.equal(validate({ id: 'bill_1' }), false);
    assert.deepEqual(firstViolation(validate), { pointer: '/id', message: 'must match pattern "^inv_"' });
    assert.equal(validate({ code: 'EURO' }), false);
    const started = Date.now();
    assert.equal(validate({ evil: `${'a'.repeat(20_000)}!` }), false);
    assert.ok(Date.now() - started < 2_000, `${Date.now() - started} ms`);
  });

  test('a missing property points at the property; names with / and ~ are escaped', () => {
    const validate = compilePayloadSchema({ type: 'object', properties: { nested: { type: 'object', required: ['a/b~c'] } } });
    assert.equal(validate({ nested: { 'a/b~c': 1 } }), true);
    assert.equal(validate({ nested: {} }), false);
    assert.equal(firstViolation(validate)?.pointer, '/nested/a~1b~0c');
  });

  test('remote references, other drafts, unknown keywords and non-objects are refused naming schema', () => {
    for (const schema of [{ $ref: 'https://example.com/s.json' }, { $ref: 'other.json' }, { $schema: 'http://json-schema.org/draft-07/schema#' }, { typo: 1 }, [], 'string']) {
      assert.throws(() => compilePayloadSchema(schema), (error) => error instanceof InvalidFieldError && error.field === 'schema', JSON.stringify(schema));
    }
    assert.equal(compilePayloadSchema({ type: 'object', $defs: { amount: { type: 'integer' } }, properties: { a: { $ref: '#/$defs/amount' } } })({ a: 'x' }), false, 'a local $ref works');
  });

  test('keywords whose check grows faster than the payload must be bounded', () => {
    const refused = (schema: object, reason: RegExp): void =>
      assert.throws(() => compilePayloadSchema(schema), (error) => error instanceof InvalidFieldError && error.field === 'schema' && reason.test(error.message), JSON.stringify(schema));
    // 40,000 distinct numbers took 2.4 s to check against this.
    refused({ type: 'object', properties: { ids: { type: 'array', uniqueItems: true } } }, /uniqueItems needs maxItems of at most 1000/);
    refused({ type: 'array', uniqueItems: true, maxItems: 100_000 }, /uniqueItems needs maxItems/);
    const patterns = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`^p${i}_`, { type: 'string' }]));
    refused({ type: 'object', patternProperties: patterns }, /at most 20 patternProperties/);
    const bounded = compilePayloadSchema({ type: 'array', uniqueItems: true, maxItems: 1000 });
    assert.deepEqual([bounded([1, 2]), bounded([1, 1])], [true, false]);
  });
});
