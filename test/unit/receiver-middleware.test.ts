import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import express, { type ErrorRequestHandler } from 'express';
import { Webhook } from 'standardwebhooks';
import type { WebhookErrorBody } from '../../src/receiver';
import { verifiedWebhook, webhookMiddleware } from '../../src/receiver/express';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({ type: 'invoice.paid', data: { invoiceId: 'inv_7' } });

function signed(options: { id?: string; at?: Date; key?: string; payload?: string } = {}): Record<string, string> {
  const at = options.at ?? new Date();
  const id = options.id ?? 'msg_mw';
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.key ?? secret).sign(id, at, options.payload ?? body),
  };
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function post(url: string, headers: Record<string, string>, payload = body): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, { method: 'POST', headers, body: payload });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('receiver: webhookMiddleware', () => {
  const servers: http.Server[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function expressApp(configure: (app: express.Express) => void): Promise<string> {
    const app = express();
    configure(app);
    const server = http.createServer(app);
    servers.push(server);
    return listen(server);
  }

  const echo: express.RequestHandler = (req, res) => {
    const webhook = verifiedWebhook<{ type: string }>(req);
    res.json({ id: webhook.id, type: webhook.payload.type });
  };

  test('Express: a valid webhook reaches the route with its id and parsed payload', async () => {
    const base = await expressApp((app) => app.post('/webhooks', webhookMiddleware({ secret }), echo));
    assert.deepEqual(await post(`${base}/webhooks`, signed({ id: 'msg_express' })), { status: 200, json: { id: 'msg_express', type: 'invoice.paid' } });
  });

  test('Express: forged gets 401; stale, future-dated, unsigned and non-JSON get 400; the route never runs', async () => {
    let reached = 0;
    const base = await expressApp((app) =>
      app.post('/webhooks', webhookMiddleware({ secret }), (_req, res) => {
        reached += 1;
        res.end();
      }),
    );
    const url = `${base}/webhooks`;
    const tenMinutes = 10 * 60_000;
    const cases: [string, Record<string, string>, string, number, string][] = [
      ['forged', signed({ key: `whsec_${randomBytes(32).toString('base64')}` }), body, 401, 'bad_signature'],
      ['stale', signed({ at: new Date(Date.now() - tenMinutes) }), body, 400, 'timestamp_too_old'],
      ['future-dated', signed({ at: new Date(Date.now() + tenMinutes) }), body, 400, 'timestamp_in_future'],
      ['unsigned', { 'content-type': 'application/json' }, body, 400, 'missing_headers'],
      ['not JSON', signed({ payload: 'a=1' }), 'a=1', 400, 'invalid_payload'],
    ];
    for (const [name, headers, payload, status, code] of cases) {
      const answer = await post(url, headers, payload);
      assert.equal(answer.status, status, name);
      assert.equal((answer.json as WebhookErrorBody).error.code, code, name);
    }
    assert.equal(reached, 0);
  });

  test('Express: works after express.raw(), and a JSON parser mounted first is reported as a set-up error', async () => {
    const withRaw = await expressApp((app) => app.post('/webhooks', express.raw({ type: '*/*' }), webhookMiddleware({ secret }), echo));
    assert.equal((await post(`${withRaw}/webhooks`, signed())).status, 200);

    let reported = '';
    const withJson = await expressApp((app) => {
      app.use(express.json());
      app.post('/webhooks', webhookMiddleware({ secret }), echo);
      const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
        reported = error.message;
        res.status(500).end();
      };
      app.use(onError);
    });
    assert.equal((await post(`${withJson}/webhooks`, signed())).status, 500);
    assert.match(reported, /before express\.json\(\)/);
  });

  test('plain node:http: the middleware verifies inside http.createServer', async () => {
    const verify = webhookMiddleware({ secret });
    const server = http.createServer((req, res) =>
      verify(req, res, (error) => {
        if (error) return void res.writeHead(500).end();
        res.writeHead(204, { 'x-webhook-id': verifiedWebhook(req).id }).end();
      }),
    );
    servers.push(server);
    const base = await listen(server);
    const accepted = await fetch(base, { method: 'POST', headers: signed({ id: 'msg_plain' }), body });
    assert.equal(accepted.status, 204);
    assert.equal(accepted.headers.get('x-webhook-id'), 'msg_plain');
    assert.equal((await post(base, { ...signed(), 'webhook-signature': 'v1,AAAA' })).status, 401);
  });

  test('a body above limitBytes is refused with 413 before it is verified', async () => {
    const base = await expressApp((app) => app.post('/webhooks', webhookMiddleware({ secret, limitBytes: 1024 }), echo));
    const big = JSON.stringify({ type: 'big', data: 'x'.repeat(4096) });
    const answer = await post(`${base}/webhooks`, signed({ payload: big }), big);
    assert.equal(answer.status, 413);
    assert.equal((answer.json as WebhookErrorBody).error.code, 'payload_too_large');
  });

  test('a secret that is not base64 stops the app at set-up, not at the first webhook', () => {
    assert.throws(() => webhookMiddleware({ secret: 'whsec_???' }), TypeError);
  });
});
