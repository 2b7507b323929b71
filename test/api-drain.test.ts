import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client as HttpClient } from 'undici';
import { freePort } from '../src/runtime/ports';
import { sendBurst } from './support/burst';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestHookway, type TestHookway } from './support/test-hookway';

/** As in the cluster test where 39 of 400 went unanswered. */
const BURST = 400;
const CONCURRENCY = 16;

describe('an API stopped with SIGTERM under load (a rolling restart)', () => {
  let other: TestHookway;
  let receiver: TestReceiver;
  let stopping: ChildProcess;
  let stoppingUrl: string;
  let output = '';
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let exitedAt = 0;

  before(async () => {
    // The API that stays (with the worker that delivers), and a second API, its own process, to stop.
    other = await startTestHookway({}, { api: true, worker: true });
    receiver = await startReceiver();
    const port = await freePort();
    stoppingUrl = `http://127.0.0.1:${port}`;
    stopping = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: other.config.database.url,
        HOOKWAY_TASK_QUEUE: other.config.temporal.taskQueue,
        PORT: String(port),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stopping.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stopping.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exit = new Promise((resolve) =>
      stopping.once('exit', (code, signal) => {
        exitedAt = Date.now();
        resolve({ code, signal });
      }),
    );
    await eventually(async () => output, (text) => text.includes('API listening'), 60_000);
  });
  after(async () => {
    if (stopping.exitCode === null && stopping.signalCode === null) stopping.kill('SIGKILL');
    await receiver.close();
    await other.stop();
    await other.dropDatabase();
  });

  test('answers every request it received, says it is stopping on /health, exits 0; every 202 is delivered', async (t) => {
    const created = await other.api<{ id: string }>('POST', '/v1/endpoints', { url: receiver.url, eventTypes: ['drain.burst'] });
    assert.equal(created.status, 201);

    // A load balancer's health check on a keep-alive connection it opened before the stop.
    const healthCheck = new HttpClient(stoppingUrl, { pipelining: 1 });
    const health = async (): Promise<number> => {
      const response = await healthCheck.request({ method: 'GET', path: '/health' });
      await response.body.arrayBuffer();
      return response.statusCode;
    };
    assert.equal(await health(), 200);
    // Kept in use, as a load balancer's checks keep it, so the server's keep-alive timeout never ends it.
    let warm = true;
    let lastCheck: Promise<unknown> = Promise.resolve();
    const keepWarm = (async () => {
      while (warm) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        if (warm) await (lastCheck = health());
      }
    })();

    const runId = `dr${randomBytes(3).toString('hex')}`;
    let stoppedAt = 0;
    let healthWhileStopping: Promise<number> = Promise.resolve(0);
    const outcome = await sendBurst({
      count: BURST,
      concurrency: CONCURRENCY,
      // Every request goes to the API being stopped; once it refuses connections, to the other one.
      route: () => [stoppingUrl, other.apiUrl],
      headers: other.config.security.apiToken ? { authorization: `Bearer ${other.config.security.apiToken}` } : {},
      id: (i) => `${runId}-${i}`,
      eventType: 'drain.burst',
      stopAt: Math.floor(BURST / 3),
      // A keep-warm check answered mid-drain would carry Connection: close and end the connection this
      // test asks on; none is in flight when the SIGTERM goes.
      beforeStop: async () => {
        warm = false;
        await lastCheck;
      },
      stop: () => {
        stoppedAt = Date.now();
        stopping.kill('SIGTERM');
        // Asked at once, and again until the answer changes, on the connection opened before the stop: an
        // API with little to drain may exit within a few hundred milliseconds.
        healthWhileStopping = (async () => {
          // Not at the very moment the drain starts: a check answered then is a 200 that the drain closes
          // the connection after, and there would be no connection left to ask again on.
          await new Promise((resolve) => setTimeout(resolve, 100));
          for (;;) {
            const status = await health();
            if (status !== 200) return status;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })().catch((error: unknown) => {
          t.diagnostic(`/health while stopping: ${String(error)}`);
          return -1;
        });
      },
      stopping: stoppingUrl,
    });
    const exited = await exit;
    t.diagnostic(
      `${BURST} posted, ${CONCURRENCY} at a time: ${outcome.accepted.size} accepted, ${outcome.answeredAcrossStop} in flight at SIGTERM ` +
        `and answered, ${outcome.refused} connections refused (sent on to the other API), ${outcome.unanswered.length} unanswered, ` +
        `other answers ${JSON.stringify(Object.fromEntries(outcome.otherStatus))}; it exited ${exitedAt - stoppedAt} ms after SIGTERM`,
    );
    assert.deepEqual(outcome.unanswered, [], 'no request went unanswered');
    assert.equal(outcome.accepted.size, BURST, 'every message was accepted by one API or the other');
    assert.ok(outcome.answeredAcrossStop > 0, 'requests were in flight on the stopping API when it got SIGTERM, and were answered');
    assert.equal(await healthWhileStopping, 503, '/health says the API is stopping');
    await keepWarm;
    await healthCheck.close().catch(() => undefined);
    assert.deepEqual(exited, { code: 0, signal: null }, output);
    assert.match(output, /every request received was answered/);

    const delivered = await eventually(
      async () => new Set(receiver.requests.map((request) => request.headers['webhook-id'])),
      (seen) => [...outcome.accepted].every((id) => seen.has(id)),
      120_000,
      500,
    );
    assert.equal([...outcome.accepted].filter((id) => !delivered.has(id)).length, 0, 'every 202 was delivered');
  });
});
