import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import { startReceiver, type TestReceiver } from './support/receiver';
import { Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

describe('secrets', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  let receiver: TestReceiver;

  before(async () => {
    hookway = await startTestHookway({ HOOKWAY_SECRET_ROTATION_OVERLAP: '2s' });
    scenario = new Scenario(hookway);
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    await hookway.stop();
    await hookway.dropDatabase();
  });

  test('endpoint secrets and custom headers are encrypted at rest', async () => {
    const endpoint = await scenario.endpoint({ url: receiver.url, eventTypes: ['sec.rest'], headers: { authorization: 'Bearer downstream-credential' } });
    const { rows } = await hookway.db.query<{ secret: string; headers: unknown }>('SELECT secret, headers FROM endpoints WHERE id = $1', [endpoint.id]);
    const raw = JSON.stringify(rows[0]);
    assert.ok(!raw.includes((endpoint.secret ?? '').slice(6)), 'the secret is not stored in clear');
    assert.ok(!raw.includes('downstream-credential'), 'the header value is not stored in clear');
    assert.match(rows[0].secret, /^enc:v1:/);

    await scenario.settled(await scenario.send('sec.rest'), 'succeeded');
    const request = receiver.requests.at(-1);
    assert.equal(request?.headers.authorization, 'Bearer downstream-credential', 'the receiver still gets the decrypted header');
    assert.doesNotThrow(() => new Webhook(endpoint.secret ?? '').verify(request?.rawBody ?? '', request?.headers ?? {}));
  });

  test('after a rotation both secrets sign until the overlap ends, then only the new one', async () => {
    const endpoint = await scenario.endpoint({ url: receiver.url, eventTypes: ['sec.rotate'] });
    const rotated = await hookway.api<{ secret: string; previousSecretExpiresAt: string }>('POST', `/v1/endpoints/${endpoint.id}/secret/rotate`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, endpoint.secret);
    assert.ok(Date.parse(rotated.body.previousSecretExpiresAt) > Date.now());

    await scenario.settled(await scenario.send('sec.rotate'), 'succeeded');
    const during = receiver.requests.at(-1);
    assert.ok(during);
    assert.equal(during.headers['webhook-signature'].split(' ').length, 2, 'two signatures, space-separated');
    assert.doesNotThrow(() => new Webhook(rotated.body.secret).verify(during.rawBody, during.headers), 'the new secret verifies');
    assert.doesNotThrow(() => new Webhook(endpoint.secret ?? '').verify(during.rawBody, during.headers), 'the old secret still verifies');

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()) + 500));
    await scenario.settled(await scenario.send('sec.rotate'), 'succeeded');
    const afterOverlap = receiver.requests.at(-1);
    assert.ok(afterOverlap);
    assert.equal(afterOverlap.headers['webhook-signature'].split(' ').length, 1);
    assert.doesNotThrow(() => new Webhook(rotated.body.secret).verify(afterOverlap.rawBody, afterOverlap.headers));
    assert.throws(() => new Webhook(endpoint.secret ?? '').verify(afterOverlap.rawBody, afterOverlap.headers), 'the old secret no longer verifies');

    const secret = await hookway.api<{ secret: string }>('GET', `/v1/endpoints/${endpoint.id}/secret`);
    assert.equal(secret.body.secret, rotated.body.secret);
    assert.equal((await hookway.api('POST', '/v1/endpoints/ep_missing/secret/rotate')).status, 404);
  });

  test('secrets never appear in API errors or metrics', async () => {
    const endpoint = await scenario.endpoint({ url: receiver.url, eventTypes: ['sec.leak'] });
    const secretBody = (endpoint.secret ?? '').slice(6);
    const metrics = await (await fetch(`${hookway.apiUrl}/metrics`)).text();
    assert.ok(!metrics.includes(secretBody));
    const listed = await hookway.api<{ items: EndpointView[] }>('GET', '/v1/endpoints');
    assert.ok(!JSON.stringify(listed.body).includes(secretBody), 'lists never show secrets');
    const bad = await hookway.api('PATCH', `/v1/endpoints/${endpoint.id}`, { secret: `${endpoint.secret}!` });
    assert.equal(bad.status, 400);
    assert.ok(!JSON.stringify(bad.body).includes(secretBody), 'a refused secret is not echoed back');
  });
});
