import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { temporal } from '@temporalio/proto';
import { Webhook } from 'standardwebhooks';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { MessageView } from '../src/api/messages/message.view';
import { startReceiver, type TestReceiver } from './support/receiver';
import { Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

// The largest HOOKWAY_MAX_PAYLOAD_BYTES allows; Temporal refuses a workflow input of more than 2 MiB.
const MAX_BYTES = 16 * 1024 * 1024;

/** A request body just under `limit` bytes (UTF-8), with a payload of varied JSON, multi-byte text included. */
function nearlyFullRequest(eventType: string, limit: number): { eventType: string; payload: Record<string, unknown> } {
  const payload: Record<string, unknown> = {
    order: { id: 'ord_16mib', lines: [[1, 2.5, null, true], { sku: 'naïve – 😀', qty: 3 }] },
    filler: '',
  };
  const room = limit - 512 - Buffer.byteLength(JSON.stringify({ eventType, payload }));
  // Base64 is one byte per character, so the body's size is exact.
  payload.filler = randomBytes(Math.ceil((room * 3) / 4)).toString('base64').slice(0, room);
  return { eventType, payload };
}

describe('a message of the largest accepted size', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  let receiver: TestReceiver;

  before(async () => {
    receiver = await startReceiver();
    hookway = await startTestHookway({ HOOKWAY_MAX_PAYLOAD_BYTES: String(MAX_BYTES) });
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await receiver.close();
    await hookway.stop();
    await hookway.dropDatabase();
  });

  test('is delivered byte-exact and signed, and its workflow history stays small', async (t) => {
    const endpoint: EndpointView = await scenario.endpoint({ url: receiver.url, eventTypes: ['big.payload'], timeoutMs: 120_000 });
    const request = nearlyFullRequest('big.payload', MAX_BYTES);
    const requestBytes = Buffer.byteLength(JSON.stringify(request));
    assert.ok(requestBytes > MAX_BYTES - 1024 && requestBytes <= MAX_BYTES, `request of ${requestBytes} bytes`);

    const sent = await hookway.api<MessageView>('POST', '/v1/messages', request);
    assert.equal(sent.status, 202, JSON.stringify(sent.body).slice(0, 500));
    const message = sent.body;
    const [received] = await receiver.waitForRequests(1, 120_000);

    assert.equal(received.headers['webhook-id'], message.id);
    const expected = JSON.stringify({ type: 'big.payload', timestamp: message.createdAt, data: request.payload });
    assert.equal(received.rawBody.length, expected.length);
    assert.ok(received.rawBody === expected, 'the receiver got the body byte for byte');
    const verified = new Webhook(endpoint.secret ?? '').verify(received.rawBody, received.headers) as { data: { filler: string } };
    assert.equal(verified.data.filler, request.payload.filler);
    await scenario.settled(message, 'succeeded');

    const handle = hookway.client.workflow.getHandle(message.deliveries[0].workflowId);
    await handle.result();
    const historyBytes = temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish().length;
    t.diagnostic(`request of ${requestBytes} bytes; workflow history of ${historyBytes} bytes`);
    assert.ok(historyBytes < 64 * 1024, `the workflow history holds ${historyBytes} bytes`);
  });
});
