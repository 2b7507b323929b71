import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { portalContentSecurityPolicy } from '../../src/api/portal/portal-static';
import { ConfigError } from '../../src/config';
import { readPortalSettings } from '../../src/config/portal';

describe('HOOKWAY_PORTAL_FRAME_ANCESTORS', () => {
  const read = (value: string | undefined): string[] => readPortalSettings({ HOOKWAY_PORTAL_FRAME_ANCESTORS: value }).frameAncestors;

  test("defaults to the portal's own origin", () => {
    assert.deepEqual(read(undefined), ["'self'"]);
    assert.deepEqual(read('   '), ["'self'"]);
  });

  test('takes origins separated by spaces, as origins, once each', () => {
    assert.deepEqual(read("'self'  https://app.example.com http://127.0.0.1:8080 https://app.example.com/"), ["'self'", 'https://app.example.com', 'http://127.0.0.1:8080']);
    assert.deepEqual(read("'none'"), ["'none'"]);
  });

  test('refuses anything that is not an origin, naming the variable', () => {
    for (const bad of ['app.example.com', 'https://app.example.com/embed', 'https://*.example.com', "https://a.com;script-src 'unsafe-inline'", 'javascript:alert(1)', "'none' https://a.com", 'self', 'ftp://a.com']) {
      assert.throws(() => read(bad), (error: unknown) => error instanceof ConfigError && error.variable === 'HOOKWAY_PORTAL_FRAME_ANCESTORS', bad);
    }
  });

  test('becomes the frame-ancestors directive of a policy that allows no inline script', () => {
    const policy = portalContentSecurityPolicy(read("'self' https://app.example.com"));
    assert.match(policy, /(^|; )default-src 'self'(;|$)/);
    assert.match(policy, /(^|; )script-src 'self'(;|$)/);
    assert.match(policy, /(^|; )frame-ancestors 'self' https:\/\/app\.example\.com$/);
  });
});
