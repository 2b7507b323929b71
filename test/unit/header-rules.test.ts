import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Agent } from 'undici';
import { postWebhook } from '../../activities/http-attempt';
import { customHeadersProblem, MAX_CUSTOM_HEADER_BYTES, MAX_CUSTOM_HEADERS } from '../../src/api/common/header-rules';
import { CASE_HEADER, headerName, headerValue, rawHeaderValues } from '../support/header-arbitraries';

describe('custom header rules', () => {
  test('headers undici refuses or HTTP would alter are refused, naming the header', () => {
    const refused: [Record<string, unknown>, string][] = [
      [{ 'x-price': '10 €' }, 'x-price'],
      [{ 'x-name': 'caf\u00e9' }, 'x-name'],
      [{ Expect: '100-continue' }, 'Expect'],
      [{ upgrade: 'websocket' }, 'upgrade'],
      [{ 'keep-alive': 'timeout=5' }, 'keep-alive'],
      [{ connection: 'close' }, 'connection'],
      [{ 'Transfer-Encoding': 'chunked' }, 'Transfer-Encoding'],
      [{ 'content-length': '5' }, 'content-length'],
      [{ 'Content-Type': 'text/plain' }, 'Content-Type'],
      [{ 'content-encoding': 'gzip' }, 'content-encoding'],
      [{ host: 'example.com' }, 'host'],
      [{ te: 'trailers' }, 'te'],
      [{ trailer: 'x-b' }, 'trailer'],
      [{ 'proxy-authorization': 'Basic eA==' }, 'proxy-authorization'],
      [{ 'Proxy-Connection': 'keep-alive' }, 'Proxy-Connection'],
      [{ 'user-agent': 'me' }, 'user-agent'],
      [{ 'Webhook-Signature': 'v1,x' }, 'Webhook-Signature'],
      [{ 'x-a': 'b\r\nx-injected: 1' }, 'x-a'],
      [{ 'x-a': 'b\nc' }, 'x-a'],
      [{ 'x-a': 'b\0c' }, 'x-a'],
      [{ 'x-a': 'b\x7fc' }, 'x-a'],
      [{ 'x-a': ' b' }, 'x-a'],
      [{ 'x-a': 'b\t' }, 'x-a'],
      [{ 'x-a': 1 }, 'x-a'],
      [{ 'x-a': null }, 'x-a'],
      [{ 'x-a': 'v'.repeat(4097) }, 'x-a'],
      [{ 'x price': 'a' }, 'x price'],
      [{ 'x:y': 'a' }, 'x:y'],
      [{ 'x-ü': 'a' }, 'x-ü'],
      [{ '': 'a' }, ''],
      [{ 'x-ok': 'a', 'X-Ok': 'b' }, 'X-Ok'],
    ];
    for (const [headers, path] of refused) {
      const problem = customHeadersProblem(headers);
      assert.equal(problem?.path, path, `${JSON.stringify(headers)}: ${JSON.stringify(problem)}`);
      assert.ok(problem.message.length > 0);
    }
    const long = 'x'.repeat(200);
    assert.equal(customHeadersProblem({ [long]: 'a' })?.path, `${'x'.repeat(128)}...`, 'long names are cut in the path');
    const tooMany = Object.fromEntries(Array.from({ length: MAX_CUSTOM_HEADERS + 1 }, (_, i) => [`x-${i}`, 'v']));
    assert.deepEqual(Object.keys(customHeadersProblem(tooMany) ?? {}), ['message']);
    const tooBig = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`x-${i}`, 'v'.repeat(MAX_CUSTOM_HEADER_BYTES / 3)]));
    assert.match(customHeadersProblem(tooBig)?.message ?? '', /8192 bytes/);
    for (const notAMap of [null, [], 'x-a: b', 3]) assert.equal(customHeadersProblem(notAMap)?.path, undefined);
  });

  test('ordinary headers are accepted', () => {
    assert.equal(customHeadersProblem({}), undefined);
    assert.equal(customHeadersProblem({ 'x-tenant': 'acme', Authorization: 'Bearer abc.def', "X-!#$%&'*+.^_`|~": 'a\tb  c', 'x-empty': '' }), undefined);
    assert.equal(customHeadersProblem(Object.fromEntries(Array.from({ length: MAX_CUSTOM_HEADERS }, (_, i) => [`x-${i}`, 'v']))), undefined);
  });

  describe('every accepted set reaches a receiver as written (property-based, through the attempt code)', () => {
    let server: http.Server;
    let url = '';
    const agent = new Agent();
    const received = new Map<string, string[]>();
    before(async () => {
      server = http.createServer((req, res) => {
        received.set(req.headers[CASE_HEADER] as string, req.rawHeaders);
        req.resume();
        req.on('end', () => res.end('ok'));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    });
    after(async () => {
      await agent.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    test('accepted header sets are sent byte for byte', async () => {
      let accepted = 0;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(fc.dictionary(headerName, headerValue, { maxKeys: 8 }), async (headers) => {
          if (customHeadersProblem(headers) !== undefined) {
            refused += 1;
            return;
          }
          accepted += 1;
          const id = String(accepted);
          const result = await postWebhook(agent, url, { ...headers, [CASE_HEADER]: id, 'content-type': 'application/json' }, '{}', 5000);
          assert.equal(result.statusCode, 200, `${JSON.stringify(headers)}: ${JSON.stringify(result.networkError)}`);
          const raw = received.get(id) ?? [];
          for (const [name, value] of Object.entries(headers)) assert.deepEqual(rawHeaderValues(raw, name), [value], `${name}: ${JSON.stringify(value)}`);
        }),
        { numRuns: 400 },
      );
      assert.ok(accepted >= 80 && refused >= 40, `the generator exercises both sides: ${accepted} accepted, ${refused} refused`);
    });
  });
});
