import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { MessageView } from '../src/api/messages/message.view';
import { freePort } from '../src/runtime/ports';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { createTestDatabase, dropTestDatabase, startTestHookway, type TestHookway } from './support/test-hookway';

const dist = path.join(__dirname, '..');
const preload = path.join(__dirname, 'support', 'async-throw-preload.js');

interface LogLine {
  level: number;
  msg: string;
  apiUrl?: string;
  error?: Record<string, unknown>;
  origin?: string;
}

/** A real entry point (`dist/src/<entry>`) as a child process, with the asynchronous-throw preload. */
class EntryProcess {
  readonly child: ChildProcess;
  output = '';
  exitCode: number | null = null;
  readonly exited: Promise<void>;

  constructor(entry: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--require', preload, path.join(dist, 'src', entry)], {
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(void (this.exitCode = code ?? -1))));
  }

  lines(): LogLine[] {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  }

  async fail(how: 'throw' | 'reject'): Promise<void> {
    const before = this.lines().length;
    this.child.stdin?.write(`${how}\n`);
    // Either the guard logs it, or the process dies of it.
    await eventually(async () => ({ lines: this.lines().length, exit: this.exitCode }), (s) => s.lines > before || s.exit !== null, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  async stop(): Promise<void> {
    if (this.exitCode === null) {
      this.child.kill('SIGTERM');
      await this.exited;
    }
  }
}

function assertGuardLines(lines: LogLine[]): void {
  const guard = lines.filter((l) => l.error !== undefined && /still serving/.test(l.msg));
  assert.deepEqual(
    guard.map((l) => l.error),
    [
      { type: 'RangeError', message: 'thrown asynchronously by the test', code: 'E_TEST_THROW' },
      { type: 'TypeError', message: 'rejected asynchronously by the test', code: 'E_TEST_REJECT' },
    ],
  );
  for (const line of guard) assert.equal(line.level, 50, 'logged as an error');
}

describe('an asynchronous throw does not end a Hookway process', () => {
  let databaseUrl: string;
  before(async () => {
    databaseUrl = await createTestDatabase();
  });
  after(async () => {
    await dropTestDatabase(databaseUrl);
  });

  test('the API process (npm run start:api) logs type, message and code, and keeps answering', async () => {
    const api = new EntryProcess('main.js', { DATABASE_URL: databaseUrl, PORT: '0', HOOKWAY_TASK_QUEUE: 'guard-test' });
    try {
      const listening = await eventually(async () => api.lines().find((l) => l.msg === 'API listening'), (line) => line !== undefined || api.exitCode !== null, 120_000);
      assert.ok(listening?.apiUrl, api.output);
      const auth = { authorization: `Bearer ${process.env.HOOKWAY_API_TOKEN ?? ''}`, 'content-type': 'application/json' };
      assert.equal((await fetch(`${listening.apiUrl}/health`)).status, 200);
      await api.fail('throw');
      await api.fail('reject');
      assert.equal(api.exitCode, null, `the API process exited:\n${api.output}`);
      assert.equal((await fetch(`${listening.apiUrl}/health`)).status, 200);
      const created = await fetch(`${listening.apiUrl}/v1/endpoints`, { method: 'POST', headers: auth, body: JSON.stringify({ url: 'http://127.0.0.1:9/x' }) });
      assert.equal(created.status, 201, 'it still serves requests that use PostgreSQL');
      assertGuardLines(api.lines());
      assert.ok(!api.output.includes('must-not-be-logged'), 'nothing but type, message and code is logged');
      assert.ok(!/"stack"/.test(api.output), 'no stack trace');
    } finally {
      await api.stop();
    }
  });

  test('npm start (API and worker in one process) refuses a 6,000-level body, survives asynchronous throws and still delivers', async () => {
    const receiver = await startReceiver();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookway-guard-'));
    const port = await freePort();
    const stack = new EntryProcess('stack.js', { DATABASE_URL: databaseUrl, PORT: String(port), HOOKWAY_DATA_DIR: dataDir, HOOKWAY_TASK_QUEUE: 'guard-stack' });
    const apiUrl = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${process.env.HOOKWAY_API_TOKEN ?? ''}`, 'content-type': 'application/json' };
    try {
      await eventually(async () => stack.output, (text) => text.includes('Press Ctrl-C to stop.') || stack.exitCode !== null, 120_000);
      assert.equal(stack.exitCode, null, stack.output);
      const deep = await fetch(`${apiUrl}/v1/messages`, { method: 'POST', headers, body: `{"eventType":"a","payload":{"v":${'['.repeat(6000)}${']'.repeat(6000)}}}` });
      assert.equal(deep.status, 400);
      await stack.fail('throw');
      await stack.fail('reject');
      assert.equal(stack.exitCode, null, `npm start exited:\n${stack.output}`);
      assertGuardLines(stack.lines());
      const endpoint = await fetch(`${apiUrl}/v1/endpoints`, { method: 'POST', headers, body: JSON.stringify({ url: receiver.url }) });
      assert.equal(endpoint.status, 201);
      const message = await fetch(`${apiUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ eventType: 'guard.stack', payload: {} }) });
      assert.equal(message.status, 202);
      const [request] = await receiver.waitForRequests(1, 60_000);
      assert.equal(request.headers['webhook-id'], ((await message.json()) as MessageView).id);
    } finally {
      await stack.stop();
      await receiver.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('the worker process (npm run start:worker)', () => {
    let hookway: TestHookway;
    let receiver: TestReceiver;
    let worker: EntryProcess;
    before(async () => {
      hookway = await startTestHookway({}, { api: true, worker: false });
      receiver = await startReceiver();
      worker = new EntryProcess('worker.js', { DATABASE_URL: hookway.config.database.url, HOOKWAY_TASK_QUEUE: hookway.config.temporal.taskQueue, HOOKWAY_WORKER_METRICS_PORT: '0' });
      await eventually(async () => worker.output, (text) => text.includes('worker polling') || worker.exitCode !== null, 120_000);
    });
    after(async () => {
      await worker.stop();
      await receiver.close();
      await hookway.stop();
      await hookway.dropDatabase();
    });

    test('logs type, message and code, and keeps delivering', async () => {
      await worker.fail('throw');
      await worker.fail('reject');
      assert.equal(worker.exitCode, null, `the worker exited:\n${worker.output}`);
      assert.equal((await hookway.api('POST', '/v1/endpoints', { url: receiver.url })).status, 201);
      const message = await hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'guard.check', payload: { still: 'delivering' } });
      assert.equal(message.status, 202);
      const [request] = await receiver.waitForRequests(1, 60_000);
      assert.equal(request.headers['webhook-id'], message.body.id);
      assertGuardLines(worker.lines());
      assert.ok(!worker.output.includes('must-not-be-logged'));
    });
  });
});
