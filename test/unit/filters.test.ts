import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CelFilter, FILTER_MAX_LENGTH, FilterSyntaxError } from '../../src/domain/filters/cel-filter';
import { patternMatches, SUBSCRIPTION_PATTERN, subscriptionMatches } from '../../src/domain/filters/event-type-match';
import { expressionArbitrary, payloadArbitrary, referenceMatches, toCel } from '../support/filter-expressions';

const at = new Date('2026-03-01T12:00:00Z');
const invoice = { type: 'invoice.paid', data: { amount: 1200, currency: 'EUR', lines: [{ sku: 'a' }, { sku: 'b' }] }, timestamp: at };

function refusedAt(column: number, reason: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof FilterSyntaxError && error.position === column && reason.test(error.reason);
}

describe('CEL filters', () => {
  test('the documented example matches what it says, and nothing else', () => {
    const filter = CelFilter.compile('type == "invoice.paid" && data.amount > 1000 && data.currency in ["EUR", "USD"]');
    assert.deepEqual(filter.evaluate(invoice), { matches: true });
    assert.deepEqual(filter.evaluate({ ...invoice, data: { ...invoice.data, amount: 999 } }), { matches: false });
    assert.deepEqual(filter.evaluate({ ...invoice, data: { ...invoice.data, currency: 'GBP' } }), { matches: false });
    assert.deepEqual(filter.evaluate({ ...invoice, type: 'invoice.created' }), { matches: false });
  });

  test('timestamp is the acceptance time, comparable with CEL timestamps; has() and macros work', () => {
    assert.equal(CelFilter.compile('timestamp > timestamp("2026-01-01T00:00:00Z")').evaluate(invoice).matches, true);
    assert.equal(CelFilter.compile('timestamp.getFullYear() == 2025').evaluate(invoice).matches, false);
    assert.equal(CelFilter.compile('has(data.refund) || data.lines.exists(l, l.sku == "b")').evaluate(invoice).matches, true);
    assert.equal(CelFilter.compile('data.lines.all(l, l.sku.startsWith("a"))').evaluate(invoice).matches, false);
    assert.equal(CelFilter.compile('type.matches("^invoice\\\\.")').evaluate(invoice).matches, true);
  });

  test('a missing field, a wrong type or a non-boolean result is false with the reason, never a throw', () => {
    const missing = CelFilter.compile('data.customer.tier == "gold"').evaluate(invoice);
    assert.equal(missing.matches, false);
    assert.match(missing.error ?? '', /customer/);
    assert.equal(CelFilter.compile('data.currency > 3').evaluate(invoice).matches, false);
    assert.ok(CelFilter.compile('data.currency > 3').evaluate(invoice).error);
    assert.deepEqual(CelFilter.compile('data.amount').evaluate(invoice), { matches: false, error: 'the expression did not yield a boolean' });
    assert.equal(CelFilter.compile('1.0 / (data.amount - 1200.0) > 0.0').evaluate(invoice).matches, true, 'double division by zero is +Inf');
    assert.equal(CelFilter.compile('1 / 0 == 1').evaluate(invoice).matches, false);
  });

  test('syntax errors, unknown names and unknown functions are refused with their column', () => {
    assert.throws(() => CelFilter.compile('data.amount >'), refusedAt(13, /expect/));
    assert.throws(() => CelFilter.compile('type == "a" && payload.x == 1'), refusedAt(16, /undeclared reference to 'payload'/));
    assert.throws(() => CelFilter.compile('data.amount > 1 && sqrt(data.amount) > 2'), refusedAt(20, /undeclared function 'sqrt'/));
    assert.throws(() => CelFilter.compile(''), refusedAt(1, /empty/));
    assert.throws(() => CelFilter.compile('   '), refusedAt(1, /empty/));
  });

  test('cost bounds: length, size, depth and nested comprehensions', () => {
    assert.throws(() => CelFilter.compile(`type == "${'a'.repeat(FILTER_MAX_LENGTH)}"`), refusedAt(FILTER_MAX_LENGTH + 1, /longer than/));
    const wide = Array.from({ length: 60 }, (_, i) => `data.a != ${i}`).join(' && ');
    assert.ok(wide.length <= FILTER_MAX_LENGTH);
    assert.throws(() => CelFilter.compile(wide), (error) => error instanceof FilterSyntaxError && /more than 200 terms/.test(error.reason));
    assert.throws(() => CelFilter.compile(`${Array(30).fill('1').join(' + ')} == 30`), (error) => error instanceof FilterSyntaxError && /nested deeper/.test(error.reason));
    assert.throws(
      () => CelFilter.compile('data.lines.all(a, data.lines.all(b, a == b))'),
      (error) => error instanceof FilterSyntaxError && /comprehension .* inside another/.test(error.reason),
    );
    // Quadratic in the payload: 40,000 numbers would take 40 s of the API's one thread at each message.
    assert.throws(() => CelFilter.compile('data.xs.all(x, x in data.xs)'), refusedAt(21, /only the element variable can be named, not 'data'/));
    assert.throws(() => CelFilter.compile('data.xs.exists(x, x == type)'), /not 'type'/);
    const xs = Array.from({ length: 40_000 }, (_, i) => i);
    assert.equal(CelFilter.compile('data.xs.all(x, x >= 0 && x < 40000)').evaluate({ type: 't', data: { xs }, timestamp: at }).matches, true);
  });

  test('random expressions evaluate as a plain JS reading of the same tree, on random payloads', () => {
    fc.assert(
      fc.property(expressionArbitrary, fc.array(payloadArbitrary, { minLength: 1, maxLength: 8 }), fc.constantFrom('order.created', 'order.paid'), (expr, payloads, type) => {
        const filter = CelFilter.compile(toCel(expr));
        for (const data of payloads.map((p) => ({ ...p }))) {
          assert.equal(filter.evaluate({ type, data, timestamp: at }).matches, referenceMatches(expr, type, data), `${toCel(expr)} on ${JSON.stringify(data)}`);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('event-type wildcards', () => {
  test('a trailing .* takes every type under the prefix, not the prefix itself nor its look-alikes', () => {
    assert.ok(patternMatches('invoice.*', 'invoice.paid'));
    assert.ok(patternMatches('invoice.*', 'invoice.line.added'));
    assert.ok(!patternMatches('invoice.*', 'invoice'));
    assert.ok(!patternMatches('invoice.*', 'invoice.'));
    assert.ok(!patternMatches('invoice.*', 'invoices.paid'));
    assert.ok(!patternMatches('invoice.*', 'xinvoice.paid'));
    assert.ok(!patternMatches('in_oice.*', 'invoice.paid'), 'an underscore is a character, not a LIKE wildcard');
    assert.ok(patternMatches('invoice.paid', 'invoice.paid'));
    assert.ok(!patternMatches('invoice.paid', 'invoice.paid.late'));
    assert.ok(subscriptionMatches(null, 'anything'));
    assert.ok(subscriptionMatches(['a.b', 'invoice.*'], 'invoice.x'));
    assert.ok(!subscriptionMatches(['a.b'], 'invoice.x'));
  });

  test('subscription patterns: event types, or a prefix and .*; no other star', () => {
    for (const ok of ['invoice.paid', 'invoice.*', 'a.*', 'a:b.*', `${'a'.repeat(254)}.*`, 'a'.repeat(256)]) assert.ok(SUBSCRIPTION_PATTERN.test(ok), ok);
    for (const bad of ['*', '.*', 'invoice*', 'invoice.*.paid', '*.paid', 'invoice.**', `${'a'.repeat(255)}.*`, 'in voice.*']) assert.ok(!SUBSCRIPTION_PATTERN.test(bad), bad);
  });
});

describe('the filter examples of docs/api.md', () => {
  test('each compiles and matches a message it describes', () => {
    const message = {
      type: 'invoice.paid',
      data: { amount: 1200, currency: 'EUR', customer: { tier: 'gold' }, lines: [{ sku: 'PRO-1' }], region: 'eu-west' },
      timestamp: new Date('2026-03-01T10:00:00Z'),
    };
    for (const example of [
      'type == "invoice.paid" && data.amount > 1000 && data.currency in ["EUR", "USD"]',
      'data.customer.tier == "gold" || has(data.priority)',
      'data.lines.exists(l, l.sku.startsWith("PRO-"))',
      'timestamp.getHours("Europe/Paris") >= 9 && data.region.matches("^eu-")',
      'has(data.customer) && data.customer.tier == "gold"',
    ]) {
      assert.deepEqual(CelFilter.compile(example).evaluate(message), { matches: true }, example);
    }
  });
});
