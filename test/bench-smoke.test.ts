import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { runBench } from './bench/run-bench';
import { loadBenchSettings, type BenchSettings } from './bench/settings';

// A few hundred messages in all: enough to run every phase, far too few for the figures to mean anything,
// so nothing here asserts a rate or a latency.
function tinySettings(outDir: string): BenchSettings {
  return {
    ...loadBenchSettings({}),
    concurrency: 4,
    rawSeconds: 1,
    seconds: 5,
    maxDeliveries: 60,
    latencySeconds: 2,
    sustainedSeconds: 2,
    fanout: 3,
    backlog: 60,
    backlogHoldSeconds: 1,
    isolationRate: 5,
    isolationSeconds: 2,
    enqueueTimeoutSeconds: 30,
    backlogDrainSeconds: 60,
    drainTimeoutSeconds: 60,
    // The cluster topology has its own test (cluster.test.ts); starting it here would double the smoke's time.
    cluster: false,
    outDir,
  };
}

describe('npm run bench, at a tiny size', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookway-bench-smoke-'));
  after(() => fs.rmSync(outDir, { recursive: true, force: true }));

  test('runs every phase, writes the report with the issue keys, and every accepted message arrives', async () => {
    const lines: string[] = [];
    const report = await runBench(tinySettings(outDir), (line) => lines.push(line));

    const written = JSON.parse(fs.readFileSync(path.join(outDir, 'latest.json'), 'utf8')) as Record<string, unknown>;
    for (const key of ['rawCeilingPerSec', 'temporalFloorPerSec', 'hookwayDeliveredPerSec', 'hookwayAcceptedPerSec', 'isolationP99Ratio', 'drainSeconds', 'lost']) {
      assert.equal(typeof written[key], 'number', `${key} is a number in latest.json`);
    }
    for (const key of ['sustainedDeliveredPerSec', 'temporalFloorSustainedPerSec']) {
      assert.equal(typeof written[key], 'number', `${key} is a number in latest.json`);
    }
    const perProcess = ['total', 'temporal', 'worker', 'api', 'postgres'];
    for (const key of ['cpuMsPerDelivery', 'cpuMsPerFloorWorkflow']) {
      const cpu = written[key] as Record<string, unknown> | null;
      // null only when no paced run kept up, which the tries say.
      if (cpu !== null) assert.deepEqual(Object.keys(cpu).sort(), [...perProcess].sort(), `${key} has a figure per process`);
    }
    assert.ok(report.hookway.sustained.tries.length > 0 && report.temporalFloorSustained.tries.length > 0, 'both sustained measurements ran');
    for (const key of ['p50', 'p95', 'p99'] as const) assert.equal(typeof report.latencyMs[key], 'number');
    assert.ok(report.peakRssMb.api > 0 && report.peakRssMb.worker > 0, 'peak RSS sampled for the API and the worker');
    assert.ok(fs.existsSync(path.join(outDir, 'latency.svg')));

    assert.equal(report.lost, 0, `lost deliveries: ${JSON.stringify(report.delivery)}`);
    assert.ok(report.delivery.accepted > 100, `a few hundred deliveries went through (${report.delivery.accepted})`);
    assert.equal(report.delivery.received, report.delivery.accepted, 'every accepted delivery arrived');
    assert.equal(report.temporalFloor.completed, report.temporalFloor.started, 'every floor workflow completed');
    assert.equal(report.hookway.fanoutN.delivered, report.hookway.fanoutN.accepted * 3, 'fan-out reached all three endpoints');
    assert.equal(report.backlog.delivered, report.backlog.size, 'the backlog drained once the receiver recovered');
    assert.ok(report.isolation.neighbour.accepted > 0, 'the failing neighbour had deliveries queued');
    assert.ok(lines.length > 0, 'progress was reported');
  });
});
