import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkBatchEntries } from '../../src/api/messages/batch-entries';

describe('checking the messages of a batch', () => {
  test('valid entries come back as messages, in order, with their idempotency key', async () => {
    const checked = await checkBatchEntries(
      [
        { eventType: 'a.b', payload: { z: 1, a: 2 } },
        { id: 'evt_1', eventType: 'a.b', payload: {}, orderingKey: 'k', idempotencyKey: 'key-1' },
      ],
      1_000,
    );
    assert.deepEqual(checked.map((c) => c.index), [0, 1]);
    assert.ok('dto' in checked[0] && 'dto' in checked[1]);
    assert.deepEqual(Object.keys(checked[0].dto.payload), ['z', 'a'], 'the payload as sent, keys in order');
    assert.equal(checked[1].dto.idempotencyKey, 'key-1');
    assert.equal(checked[1].dto.orderingKey, 'k');
  });

  test('each bad entry is named by index and field, without touching the others', async () => {
    const checked = await checkBatchEntries(
      [
        null,
        [1],
        { eventType: 'a b', payload: {} },
        { eventType: 'a.b' },
        { eventType: 'a.b', payload: 'text' },
        { eventType: 'a.b', payload: {}, extra: true },
        { eventType: 'a.b', payload: {}, idempotencyKey: '' },
        { eventType: 'a.b', payload: {}, id: '..' },
        { eventType: 'a.b', payload: { big: 'x'.repeat(2_000) } },
        { eventType: 'a.b', payload: {} },
      ],
      1_000,
    );
    assert.deepEqual(
      checked.map((c) => ('error' in c ? [c.index, c.status, c.error.code, c.error.field] : [c.index, 'ok'])),
      [
        [0, 400, 'invalid_field', 'messages[0]'],
        [1, 400, 'invalid_field', 'messages[1]'],
        [2, 400, 'invalid_field', 'messages[2].eventType'],
        [3, 400, 'invalid_field', 'messages[3].payload'],
        [4, 400, 'invalid_field', 'messages[4].payload'],
        [5, 400, 'invalid_field', 'messages[5].extra'],
        [6, 400, 'invalid_field', 'messages[6].idempotencyKey'],
        [7, 400, 'invalid_field', 'messages[7].id'],
        [8, 413, 'payload_too_large', 'messages[8]'],
        [9, 'ok'],
      ],
    );
    const eventType = checked[2];
    assert.ok('error' in eventType);
    assert.match(eventType.error.message, /^messages\[2\]\.eventType must match/);
  });
});
