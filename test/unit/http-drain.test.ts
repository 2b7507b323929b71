import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { HttpDrain } from '../../src/runtime/http-drain';

/** A real server on 127.0.0.1 whose handler answers after `answerAfterMs`, drained by an `HttpDrain`. */
async function slowServer(answerAfterMs: number): Promise<{ url: string; drain: HttpDrain; server: http.Server }> {
  const server = http.createServer((_req, res) => {
    const answer = setTimeout(() => res.end('ok'), answerAfterMs);
    // A request the drain cut needs no answer; its timer must not hold the test process open.
    res.on('close', () => clearTimeout(answer));
  });
  // Short, so idle connections time out within the test; clients learn it from `Keep-Alive: timeout=1`.
  server.keepAliveTimeout = 1_000;
  const drain = new HttpDrain();
  drain.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, drain, server };
}

describe('HttpDrain: taking an HTTP server out of service', () => {
  test('answers requests in flight and on open keep-alive connections with Connection: close, refuses new connections, then resolves', async () => {
    const { url, drain } = await slowServer(300);
    const agent = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
    try {
      const first = await request(url, { dispatcher: agent });
      assert.equal(await first.body.text(), 'ok');
      assert.equal(first.headers.connection, 'keep-alive');

      const inFlight = request(url, { dispatcher: agent });
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(drain.stopping, false);
      const drained = drain.drain(10_000);
      assert.equal(drain.stopping, true);
      const answered = await inFlight;
      assert.equal(answered.statusCode, 200);
      assert.equal(await answered.body.text(), 'ok');
      assert.equal(answered.headers.connection, 'close', 'the connection ends after the answer');

      const other = new Agent({ connections: 1 });
      await assert.rejects(request(url, { dispatcher: other }), (error: Error & { code?: string }) => error.code === 'ECONNREFUSED');
      await other.close();
      const outcome = await drained;
      assert.equal(outcome.abandonedRequests, 0);
    } finally {
      await agent.close();
    }
  });

  test('an idle keep-alive connection is not cut under a request: one sent on it while draining is answered', async () => {
    const { url, drain } = await slowServer(10);
    const agent = new Agent({ connections: 1, keepAliveTimeout: 30_000, keepAliveTimeoutThreshold: 100 });
    try {
      await (await request(url, { dispatcher: agent })).body.text();
      const drained = drain.drain(10_000);
      // The connection is idle now; Node's own server.close() would cut it at once.
      const response = await request(url, { dispatcher: agent });
      assert.equal(await response.body.text(), 'ok');
      assert.equal(response.headers.connection, 'close');
      assert.equal((await drained).abandonedRequests, 0);
    } finally {
      await agent.close();
    }
  });

  test('cuts what is left when the grace period runs out, and says how many requests it abandoned', async () => {
    const { url, drain } = await slowServer(60_000);
    const agent = new Agent();
    try {
      const hanging = request(url, { dispatcher: agent });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const outcome = await drain.drain(300);
      assert.equal(outcome.abandonedRequests, 1);
      await assert.rejects(hanging);
    } finally {
      await agent.close();
    }
  });
});
