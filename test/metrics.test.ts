import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from './support/eventually';
import { parsePrometheusText, sampleValue, type Sample } from './support/prometheus-text';
import { startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

interface Figures {
  deliveries: number;
  firstAttemptSuccessRate: number | null;
  failureRate: number | null;
  deadLetters: number;
  latencyMs: { p50: number | null };
}
interface StatsAnswer {
  overall: Figures;
  endpoints: (Figures & { endpointId: string })[];
}

describe('Prometheus metrics and /v1/stats', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const receivers: TestReceiver[] = [];

  before(async () => {
    hookway = await startTestHookway();
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await hookway.stop();
    await hookway.dropDatabase();
  });

  async function scrape(url: string): Promise<Sample[]> {
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    return parsePrometheusText(await response.text());
  }

  test('GET /metrics and GET /v1/stats show deliveries, attempts, first-attempt successes, latency and the dead-letter queue', async () => {
    const ok = await startReceiver(() => ({ status: 200 }));
    const flaky = await startReceiver((n) => (n === 0 ? { status: 500 } : { status: 200 }));
    const broken = await startReceiver(() => ({ status: 400 }));
    receivers.push(ok, flaky, broken);
    const okEndpoint = await scenario.endpoint({ url: ok.url, eventTypes: ['m.ok'] });
    const flakyEndpoint = await scenario.endpoint({ url: flaky.url, eventTypes: ['m.flaky'], retryPolicy: fastRetries(3) });
    const brokenEndpoint = await scenario.endpoint({ url: broken.url, eventTypes: ['m.broken'], retryPolicy: fastRetries(3) });

    await scenario.settled(await scenario.send('m.ok'), 'succeeded');
    await scenario.settled(await scenario.send('m.flaky'), 'succeeded');
    await scenario.settled(await scenario.send('m.broken'), 'dead_lettered');

    const url = `${hookway.apiUrl}/metrics`;
    const samples = await eventually(
      () => scrape(url),
      (s) => sampleValue(s, 'hookway_deliveries_total', { outcome: 'dead_lettered', endpoint_id: brokenEndpoint.id }) === 1,
    );
    const ep = (e: { id: string }) => ({ endpoint_id: e.id });
    assert.equal(sampleValue(samples, 'hookway_deliveries_total', { outcome: 'succeeded', ...ep(okEndpoint), event_type: 'm.ok' }), 1);
    assert.equal(sampleValue(samples, 'hookway_deliveries_total', { outcome: 'succeeded', ...ep(flakyEndpoint) }), 1);
    assert.equal(sampleValue(samples, 'hookway_deliveries_first_attempt_success_total', ep(okEndpoint)), 1);
    assert.equal(sampleValue(samples, 'hookway_deliveries_first_attempt_success_total', ep(flakyEndpoint)), 0);
    assert.equal(sampleValue(samples, 'hookway_delivery_attempts_total', { result: 'retryable', reason: 'http_500', ...ep(flakyEndpoint) }), 1);
    assert.equal(sampleValue(samples, 'hookway_delivery_attempts_total', { result: 'success', ...ep(flakyEndpoint) }), 1);
    assert.equal(sampleValue(samples, 'hookway_delivery_attempts_total', { result: 'permanent', reason: 'http_400', ...ep(brokenEndpoint) }), 1);
    assert.equal(sampleValue(samples, 'hookway_delivery_latency_seconds_count', ep(okEndpoint)), 1);
    assert.equal(sampleValue(samples, 'hookway_attempt_duration_seconds_count', ep(flakyEndpoint)), 2);
    assert.equal(sampleValue(samples, 'hookway_dead_letters', ep(brokenEndpoint)), 1);
    assert.ok(samples.some((s) => s.name.startsWith('temporal_')), 'the Temporal SDK worker metrics are in the same scrape');

    const stats = await hookway.api<StatsAnswer>('GET', '/v1/stats?window=1h');
    assert.equal(stats.status, 200);
    assert.equal(stats.body.overall.deliveries, 3);
    assert.equal(stats.body.overall.firstAttemptSuccessRate, 1 / 3);
    assert.equal(stats.body.overall.failureRate, 1 / 3);
    assert.equal(stats.body.overall.deadLetters, 1);
    assert.ok((stats.body.overall.latencyMs.p50 ?? -1) >= 0);
    const flakyStats = stats.body.endpoints.find((e) => e.endpointId === flakyEndpoint.id);
    assert.equal(flakyStats?.firstAttemptSuccessRate, 0, 'the flaky endpoint needed a retry');
    assert.equal(flakyStats?.failureRate, 0);
    assert.equal(stats.body.endpoints.find((e) => e.endpointId === brokenEndpoint.id)?.deadLetters, 1);
    const badWindow = await hookway.api('GET', '/v1/stats?window=forever');
    assert.equal(badWindow.status, 400);
    assert.equal(badWindow.body.error?.field, 'window');

    const [deadLetter] = (await hookway.api<{ items: { id: string }[] }>('GET', `/v1/dead-letters?endpointId=${brokenEndpoint.id}`)).body.items;
    await hookway.api('DELETE', `/v1/dead-letters/${deadLetter.id}`);
    assert.equal(sampleValue(await scrape(url), 'hookway_dead_letters', ep(brokenEndpoint)), 0, 'the gauge follows the queue');
  });

  test('a worker running alone serves its own /metrics', async () => {
    const worker = await startTestHookway(
      { DATABASE_URL: hookway.config.database.url, HOOKWAY_TASK_QUEUE: hookway.config.temporal.taskQueue, HOOKWAY_WORKER_METRICS_PORT: '0' },
      { api: false, worker: true },
    );
    try {
      assert.ok(worker.metricsUrl);
      const samples = await scrape(worker.metricsUrl);
      assert.ok(samples.some((s) => s.name.startsWith('temporal_')));
      const text = await (await fetch(worker.metricsUrl)).text();
      assert.match(text, /# HELP hookway_deliveries_total/);
    } finally {
      await worker.stop();
    }
  });
});
