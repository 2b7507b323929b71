/**
 * Child process of the raw-ceiling run: sends signed POSTs with undici to one URL for a fixed time, as
 * many at once as the worker has activity slots, through an Agent configured like the worker's. It runs
 * in its own process because Hookway's worker does too: the receiver's event loop is not shared.
 * Input: one JSON argument ({@link RawSenderJob}); output: one JSON line ({@link RawSenderResult}).
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { webhookSignature } from '../../activities/signature';
import { USER_AGENT } from '../../activities/webhook-request';
import { newSigningSecret } from '../../src/domain/ids';

/** What to send. */
export interface RawSenderJob {
  url: string;
  seconds: number;
  concurrency: number;
  /** Connections per origin of the Agent (the worker's is 50). */
  connections: number;
}

/** What the sender saw. */
export interface RawSenderResult {
  sent: number;
  ok: number;
  failed: number;
  elapsedMs: number;
  /** CPU time this sender used (user + system), ms. */
  cpuMs: number;
}

async function run(job: RawSenderJob): Promise<RawSenderResult> {
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: job.connections });
  const secret = newSigningSecret();
  const payload = { note: 'raw ceiling', pad: 'x'.repeat(200) };
  const result: RawSenderResult = { sent: 0, ok: 0, failed: 0, elapsedMs: 0, cpuMs: 0 };
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  let next = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const id = `raw_${next++}`;
      const now = Math.floor(Date.now() / 1000);
      // The same body shape and signature work as one Hookway attempt.
      const body = JSON.stringify({ type: 'bench.raw', timestamp: new Date().toISOString(), data: { ...payload, id } });
      const headers = {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'webhook-id': id,
        'webhook-timestamp': String(now),
        'webhook-signature': webhookSignature(secret, id, now, body),
      };
      result.sent += 1;
      try {
        const response = await request(job.url, { method: 'POST', headers, body, dispatcher: agent });
        await response.body.text();
        if (response.statusCode >= 200 && response.statusCode < 300) result.ok += 1;
        else result.failed += 1;
      } catch {
        result.failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  result.elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage();
  result.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  await agent.close();
  return result;
}

if (require.main === module) {
  run(JSON.parse(process.argv[2] ?? '{}') as RawSenderJob).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`raw sender failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
