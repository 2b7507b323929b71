import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config';
import { parseDuration } from '../../src/domain/duration';

describe('durations', () => {
  test('take a unit of ms, s, m, h or d, or none for milliseconds', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('10s'), 10_000);
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.equal(parseDuration('12h'), 43_200_000);
    assert.equal(parseDuration('5d'), 432_000_000);
    assert.equal(parseDuration(' 1500 '), 1500);
    for (const bad of ['', '1.5h', '-1s', '5 days', 'h', '10w']) assert.equal(parseDuration(bad), undefined, bad);
  });
});

describe('configuration', () => {
  test('defaults need no variable at all', () => {
    const config = loadConfig({});
    assert.equal(config.api.port, 3000);
    assert.equal(config.delivery.defaultRetryPolicy.maxAttempts, 6);
    assert.equal(config.delivery.defaultRetryPolicy.initialIntervalMs, 60_000);
    assert.equal(config.retention.periodMs, 30 * 86_400_000);
  });

  test('a bad value stops start-up with an error naming the variable', () => {
    const refused = (env: Record<string, string>, variable: string): void => {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(variable),
        JSON.stringify(env),
      );
    };
    refused({ PORT: 'eighty' }, 'PORT');
    refused({ PORT: '70000' }, 'PORT');
    refused({ HOOKWAY_RETENTION: 'a month' }, 'HOOKWAY_RETENTION');
    refused({ HOOKWAY_METRICS_PER_ENDPOINT: 'sometimes' }, 'HOOKWAY_METRICS_PER_ENDPOINT');
    refused({ HOOKWAY_ALLOWED_CIDRS: '10.0.0.0/33' }, 'HOOKWAY_ALLOWED_CIDRS');
    refused({ HOOKWAY_DNS_SERVERS: 'dns.example:53' }, 'HOOKWAY_DNS_SERVERS');
    refused({ HOOKWAY_ENCRYPTION_KEY: 'c2hvcnQ=' }, 'HOOKWAY_ENCRYPTION_KEY');
  });

  test('values are read as given', () => {
    const config = loadConfig({ PORT: '0', HOOKWAY_RETENTION: '12h', HOOKWAY_DNS_SERVERS: '127.0.0.1:5353, [::1]:53' });
    assert.equal(config.api.port, 0);
    assert.equal(config.retention.periodMs, 43_200_000);
    assert.deepEqual(config.security.dnsServers, ['127.0.0.1:5353', '[::1]:53']);
  });
});
