import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { buildWebhookRequest, webhookBody } from '../../activities/webhook-request';

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

describe('the request body, built from the payload as PostgreSQL stores it', () => {
  test('is byte for byte what JSON.stringify of the parsed payload gives, for any JSON object', () => {
    fc.assert(
      fc.property(fc.string(), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), (eventType, payload) => {
        // What the API stores: JSON.stringify of the parsed request's payload.
        const stored = JSON.stringify(payload);
        const timestamp = '2026-12-01T11:51:43.123Z';
        assert.equal(webhookBody(eventType, timestamp, stored), JSON.stringify({ type: eventType, timestamp, data: JSON.parse(stored) as unknown }));
      }),
      { numRuns: 500 },
    );
  });

  test('carries a signature the standardwebhooks package accepts', () => {
    const payload = JSON.stringify({ text: 'naïve – 😀', nested: [[1, 2.5, null], { '': true }], 'key with "quotes"': '\u0000\n' });
    const { headers, body } = buildWebhookRequest(
      { messageId: 'msg_body', eventType: 'body.check', messageTimestamp: '2026-12-01T11:51:43.123Z' },
      payload,
      { secret: SECRET, headers: { 'x-tenant': 't1' }, previousSecret: null, previousSecretExpiresAt: null },
      Date.now(),
    );
    const verified = new Webhook(SECRET).verify(body, headers) as { data: unknown };
    assert.deepEqual(verified.data, JSON.parse(payload));
    assert.equal(headers['x-tenant'], 't1');
  });
});
