import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { projectRoot } from '../src/paths';

const run = promisify(execFile);
const root = projectRoot();
const prometheusDir = path.join(root, 'src', 'deploy', 'prometheus');

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, unknown> | string[];
  deploy?: { replicas?: number };
  ports?: string[];
  configs?: { source: string; target: string }[];
}

const HOOKWAY_METRICS = [
  'hookway_deliveries_total',
  'hookway_deliveries_first_attempt_success_total',
  'hookway_delivery_latency_seconds_bucket',
  'hookway_dead_letters',
  'hookway_circuit_open',
];

describe('files an operator drops in', () => {
  test('the Prometheus rules pass promtool check and their unit tests', async () => {
    const check = await run('promtool', ['check', 'rules', 'alerts.yml'], { cwd: prometheusDir });
    assert.match(check.stdout, /SUCCESS: 12 rules found/);
    const unit = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: prometheusDir });
    assert.match(unit.stdout, /SUCCESS/);
    const config = await run('promtool', ['check', 'config', 'prometheus.yml'], { cwd: prometheusDir });
    assert.match(config.stdout, /is valid prometheus config file syntax/);
  });

  test('alerts cover failure rate > 5 %, DLQ > 100, first-attempt drops, p99 latency and workers down', () => {
    const rules = parse(fs.readFileSync(path.join(prometheusDir, 'alerts.yml'), 'utf8')) as {
      groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
    };
    const all = rules.groups.flatMap((g) => g.rules);
    const alert = (name: string) => all.find((r) => r.alert === name)?.expr ?? '';
    const record = (name: string) => all.find((r) => r.record === name)?.expr ?? '';
    assert.match(alert('HookwayFailureRateHigh'), /> 0\.05/);
    assert.match(alert('HookwayDeadLetterQueueLarge'), /> 100/);
    assert.match(alert('HookwayFirstAttemptSuccessDropping'), /< 0\.9/);
    assert.match(alert('HookwayDeliveryLatencyHigh'), /p99/);
    assert.match(alert('HookwayWorkerDown'), /hookway-worker/);
    assert.match(alert('HookwayEndpointCircuitOpen'), /max by \(endpoint_id\) \(hookway_circuit_open\)/, 'several APIs report one circuit');
    assert.match(record('hookway_dead_letters:total'), /max by \(endpoint_id\)/, 'several APIs report one queue');
  });

  test('docker-compose.yml wires PostgreSQL, Temporal on PostgreSQL, its UI, scaled APIs and workers, Prometheus and Grafana', () => {
    const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, ComposeService>;
      configs: Record<string, { content?: string }>;
    };
    const s = compose.services;
    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'hookway-api', 'hookway-worker', 'prometheus', 'grafana']) {
      assert.ok(s[name], `service ${name} exists`);
    }
    assert.equal(s.temporal.environment?.DB, 'postgres12', 'Temporal persists in PostgreSQL');
    assert.equal(s.temporal.environment?.POSTGRES_SEEDS, 'postgresql');
    // The dynamic config the dev server runs with: fair dispatch per endpoint, eager activities.
    const dynamic = s.temporal.configs?.find((c) => c.target === s.temporal.environment?.DYNAMIC_CONFIG_FILE_PATH);
    const dynamicConfig = parse(compose.configs[dynamic?.source ?? '']?.content ?? '') as Record<string, { value: unknown }[]>;
    assert.equal(dynamicConfig['matching.enableFairness']?.[0].value, true, 'Temporal dispatches fairly across endpoints');
    assert.equal(dynamicConfig['system.enableActivityEagerExecution']?.[0].value, true);
    assert.equal(dynamicConfig['system.enableEagerWorkflowStart']?.[0].value, true);
    assert.equal(s['temporal-ui'].environment?.TEMPORAL_ADDRESS, 'temporal:7233');
    for (const role of ['hookway-api', 'hookway-worker']) {
      assert.equal(s[role].environment?.TEMPORAL_ADDRESS, 'temporal:7233', `${role} talks to the temporal service`);
      assert.equal(new URL(s[role].environment?.DATABASE_URL ?? '').hostname, 'postgresql', `${role} uses the postgresql service`);
      // Shared by every process of the deployment, and never a value committed to the file.
      assert.match(s[role].environment?.HOOKWAY_API_TOKEN ?? '', /^\$\{HOOKWAY_API_TOKEN:\?/);
      assert.match(s[role].environment?.HOOKWAY_ENCRYPTION_KEY ?? '', /^\$\{HOOKWAY_ENCRYPTION_KEY:\?/);
    }
    assert.deepEqual(s['hookway-api'].command, ['node', 'dist/src/main.js']);
    assert.deepEqual(s['hookway-worker'].command, ['node', 'dist/src/worker.js']);
    assert.ok((s['hookway-worker'].deploy?.replicas ?? 1) >= 2, 'workers are scaled out');
    assert.ok((s['hookway-api'].deploy?.replicas ?? 1) >= 2, 'the API is scaled out');

    for (const mount of [...(s.prometheus.volumes ?? []), ...(s.grafana.volumes ?? [])]) {
      const source = mount.split(':')[0];
      assert.ok(fs.existsSync(path.join(root, source)), `${source} exists in the repository`);
    }
    const scrape = parse(fs.readFileSync(path.join(prometheusDir, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; port: number }[] }[];
    };
    const apiJob = scrape.scrape_configs.find((j) => j.job_name === 'hookway-api');
    assert.equal(apiJob?.dns_sd_configs?.[0].names[0], 'hookway-api', 'every API replica is scraped');
    assert.equal(String(apiJob?.dns_sd_configs?.[0].port), s['hookway-api'].environment?.PORT);
    const workerJob = scrape.scrape_configs.find((j) => j.job_name === 'hookway-worker');
    assert.equal(workerJob?.dns_sd_configs?.[0].names[0], 'hookway-worker');
    assert.equal(String(workerJob?.dns_sd_configs?.[0].port), s['hookway-worker'].environment?.HOOKWAY_WORKER_METRICS_PORT);
    assert.equal(s['hookway-worker'].environment?.HOST, '0.0.0.0', 'worker metrics are reachable from Prometheus');
  });

  test('the Grafana dashboard shows the four figures per endpoint from Hookway metrics', () => {
    const dashboard = JSON.parse(
      fs.readFileSync(path.join(root, 'src', 'deploy', 'grafana', 'dashboards', 'hookway.json'), 'utf8'),
    ) as { panels: { title: string; targets: { expr: string }[] }[]; templating: { list: { name: string }[] } };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const metric of HOOKWAY_METRICS) assert.ok(exprs.includes(metric), `the dashboard reads ${metric}`);
    assert.ok(dashboard.templating.list.some((v) => v.name === 'endpoint'), 'an endpoint selector');
    const titles = dashboard.panels.map((p) => p.title);
    for (const title of ['First-attempt success rate', 'Failure rate after all retries', 'Dead-letter queue size']) {
      assert.ok(titles.includes(title), title);
    }
    assert.ok(titles.some((t) => t.startsWith('Delivery latency')));
  });
});
