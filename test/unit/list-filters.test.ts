import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseDeliveryStatus, parseInstant, parseTextFilter, parseTimeRange } from '../../src/api/common/list-filters';
import { parsePage } from '../../src/api/common/pagination';
import { InvalidFieldError } from '../../src/domain/errors';

function refusedNaming(field: string): (error: unknown) => boolean {
  return (error) => error instanceof InvalidFieldError && error.field === field;
}

describe('list query values', () => {
  test('a page is 1 to 100 items, 50 unless asked; after is one id', () => {
    assert.deepEqual(parsePage(undefined, undefined), { limit: 50, after: undefined });
    assert.deepEqual(parsePage('1', 'msg_a'), { limit: 1, after: 'msg_a' });
    assert.deepEqual(parsePage('100', undefined), { limit: 100, after: undefined });
    for (const limit of ['0', '101', '250', '1.5', 'abc', '', '-1', '1e3']) assert.throws(() => parsePage(limit, undefined), refusedNaming('limit'), limit);
    assert.throws(() => parsePage(undefined, ''), refusedNaming('after'));
    assert.throws(() => parsePage(undefined, ['a', 'b'] as unknown as string), refusedNaming('after'));
  });

  test('an instant is an ISO-8601 timestamp with Z or an offset, and a real calendar date', () => {
    assert.equal(parseInstant('since', '2026-01-15T09:30:00Z')?.toISOString(), '2026-01-15T09:30:00.000Z');
    assert.equal(parseInstant('since', '2026-01-15T11:30:00.123456+02:00')?.toISOString(), '2026-01-15T09:30:00.123Z');
    assert.equal(parseInstant('since', '2026-01-15T09:30Z')?.toISOString(), '2026-01-15T09:30:00.000Z');
    assert.equal(parseInstant('since', '2024-02-29T00:00:00-05:00')?.toISOString(), '2024-02-29T05:00:00.000Z');
    assert.equal(parseInstant('since', undefined), undefined);
    for (const bad of ['yesterday', '2026-01-15', '2026-01-15T09:30:00', '2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-15T25:00:00Z', '1768469400000', '']) {
      assert.throws(() => parseInstant('until', bad), refusedNaming('until'), bad);
    }
  });

  test('every instant a client can print is read back as the same instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (at) => {
        assert.equal(parseInstant('since', at.toISOString())?.getTime(), at.getTime());
      }),
    );
  });

  test('until must come after since', () => {
    assert.deepEqual(parseTimeRange(undefined, undefined), { since: undefined, until: undefined });
    assert.throws(() => parseTimeRange('2026-01-16T00:00:00Z', '2026-01-15T00:00:00Z'), refusedNaming('until'));
    assert.throws(() => parseTimeRange('2026-01-15T00:00:00Z', '2026-01-15T00:00:00Z'), refusedNaming('until'));
    assert.throws(() => parseTimeRange('nope', '2026-01-15T00:00:00Z'), refusedNaming('since'));
  });

  test('a status is one a delivery can have; a text filter is non-empty and at most 256 characters', () => {
    for (const status of ['pending', 'succeeded', 'dead_lettered']) assert.equal(parseDeliveryStatus(status), status);
    assert.equal(parseDeliveryStatus(undefined), undefined);
    for (const bad of ['failed', 'PENDING', '']) assert.throws(() => parseDeliveryStatus(bad), refusedNaming('status'), bad);
    assert.equal(parseTextFilter('eventType', 'invoice.paid'), 'invoice.paid');
    assert.throws(() => parseTextFilter('eventType', ''), refusedNaming('eventType'));
    assert.throws(() => parseTextFilter('eventType', 'e'.repeat(257)), refusedNaming('eventType'));
  });
});
