import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseChartWindow } from '../../src/api/portal/chart-window';
import { boundApiUrl, portalLink } from '../../src/api/portal/public-url';
import { readApiSettings } from '../../src/config/api';
import { InvalidFieldError } from '../../src/domain/errors';

const refusal = (field: string) => (error: unknown) => error instanceof InvalidFieldError && error.field === field;

describe('portal chart window', () => {
  test('24 hourly buckets by default; a window that is no multiple of the bucket takes one bucket more', () => {
    assert.deepEqual(parseChartWindow(), { windowMs: 86_400_000, bucketMs: 3_600_000, buckets: 24 });
    assert.deepEqual(parseChartWindow('7d', '1d'), { windowMs: 604_800_000, bucketMs: 86_400_000, buckets: 7 });
    assert.equal(parseChartWindow('90m', '1h').buckets, 2);
    assert.equal(parseChartWindow('500m', '1m').buckets, 500);
  });

  test('a window over 7 days, or not a duration, names window', () => {
    for (const window of ['8d', '7d1', '', '0', 'soon', '-1h']) assert.throws(() => parseChartWindow(window, '1h'), refusal('window'), window);
  });

  test('a bucket under 1 minute, over 1 day, not whole seconds, or making over 500 buckets names bucket', () => {
    for (const bucket of ['59s', '2d', '60500ms', 'hourly']) assert.throws(() => parseChartWindow('24h', bucket), refusal('bucket'), bucket);
    assert.throws(() => parseChartWindow('501m', '1m'), refusal('bucket'));
    assert.throws(() => parseChartWindow('7d', '1m'), refusal('bucket'));
  });
});

describe('portal links', () => {
  test('without HOOKWAY_PUBLIC_URL, the bound interface and the port actually listened on', () => {
    assert.equal(boundApiUrl('127.0.0.1', 41234), 'http://127.0.0.1:41234');
    assert.equal(boundApiUrl('0.0.0.0', 3000), 'http://127.0.0.1:3000');
    assert.equal(boundApiUrl('::', 3000), 'http://127.0.0.1:3000');
    assert.equal(boundApiUrl('::1', 3000), 'http://[::1]:3000');
    assert.equal(boundApiUrl('hooks.internal', 3000), 'http://hooks.internal:3000');
  });

  test('the token goes in the fragment of /portal/, never the query', () => {
    const link = new URL(portalLink('https://hooks.example.com/base/', 'hwa_tok_1_abc-_'));
    assert.equal(link.pathname, '/base/portal/');
    assert.equal(link.search, '');
    assert.equal(link.hash, '#token=hwa_tok_1_abc-_');
  });

  test('HOOKWAY_PUBLIC_URL is an http(s) URL without query, fragment or credentials, kept without its trailing slash', () => {
    assert.equal(readApiSettings({}).publicUrl, undefined);
    assert.equal(readApiSettings({ HOOKWAY_PUBLIC_URL: ' https://hooks.example.com/ ' }).publicUrl, 'https://hooks.example.com');
    assert.equal(readApiSettings({ HOOKWAY_PUBLIC_URL: 'https://example.com/hooks/' }).publicUrl, 'https://example.com/hooks');
    for (const bad of ['hooks.example.com', 'ftp://example.com', 'https://example.com/?a=1', 'https://example.com/#x', 'https://example.com/?', 'https://example.com/#', 'https://u:p@example.com']) {
      assert.throws(() => readApiSettings({ HOOKWAY_PUBLIC_URL: bad }), /HOOKWAY_PUBLIC_URL/, bad);
    }
  });
});
