import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

interface LogLine {
  level: number;
  role: string;
  msg: string;
  messageId?: string;
  endpointId?: string;
  workflowId?: string;
  attempt?: number;
}

describe('structured logs', () => {
  let api: TestHookway;
  let worker: ChildProcess;
  let output = '';
  let receiver: TestReceiver;

  before(async () => {
    api = await startTestHookway({}, { api: true, worker: false });
    receiver = await startReceiver((n) => (n === 0 ? { status: 502 } : { status: 200 }));
    worker = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'worker.js')], {
      env: {
        ...process.env,
        DATABASE_URL: api.config.database.url,
        HOOKWAY_TASK_QUEUE: api.config.temporal.taskQueue,
        HOOKWAY_WORKER_METRICS_PORT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(async () => output, (text) => text.includes('worker polling'), 60_000);
  });
  after(async () => {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
    await receiver.close();
    await api.stop();
    await api.dropDatabase();
  });

  test('a worker logs JSON lines with messageId, endpointId, workflowId and attempt, and never a secret or signature', async () => {
    const scenario = new Scenario(api);
    const endpoint = await scenario.endpoint({ url: receiver.url, retryPolicy: fastRetries(3), headers: { authorization: 'Bearer receiver-token' } });
    const message = await scenario.send('log.check', { hello: 'world' });
    await scenario.settled(message, 'succeeded');
    const lines = await eventually(
      async () => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine),
      (parsed) => parsed.some((l) => l.msg === 'delivered' && l.messageId === message.id),
    );
    const deliveryLines = lines.filter((l) => l.messageId === message.id);
    assert.deepEqual(deliveryLines.map((l) => l.msg), ['attempt failed', 'delivered']);
    for (const line of deliveryLines) {
      assert.equal(line.role, 'worker');
      assert.equal(line.endpointId, endpoint.id);
      assert.equal(line.workflowId, message.deliveries[0].workflowId);
    }
    assert.deepEqual(deliveryLines.map((l) => l.attempt), [1, 2]);
    const secretBody = (endpoint.secret ?? '').slice('whsec_'.length);
    assert.ok(!output.includes(secretBody), 'the signing secret never appears');
    assert.ok(!output.includes('receiver-token'), 'custom auth headers never appear');
    const signature = receiver.requests[0].headers['webhook-signature'].slice(3);
    assert.ok(!output.includes(signature), 'signatures never appear');
  });
});
