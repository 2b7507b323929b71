import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { ApplicationView } from '../src/api/applications/application.view';
import type { ApplicationTokenView, CreatedApplicationTokenView } from '../src/api/tokens/application-token.view';
import { createLogger } from '../src/logging/logger';
import { startHookway, type RunningHookway } from '../src/runtime/start-hookway';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type ApiResponse, type LooseBody, type TestHookway } from './support/test-hookway';

/** What one application holds, so every `{app}`, `{id}` and `{key}` of a path can be filled with its own. */
interface Seeded {
  uid: string;
  endpointId: string;
  messageId: string;
  deliveryId: string;
  deadLetterId: string;
  tokenId: string;
}

type Operation = { responses: Record<string, unknown> };

const ORDERING_KEY = 'k1';
const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
/** The error code of an answer; empty for a success, 204 (no body) included. */
const codeOf = (answer: ApiResponse): string => (answer.body as LooseBody | undefined)?.error?.code ?? '';

/** A path of the document with the seeded application's uid and ids in place of its parameters. */
function fill(path: string, seeded: Seeded): string {
  const ids: Record<string, string> = {
    endpoints: seeded.endpointId,
    messages: seeded.messageId,
    deliveries: seeded.deliveryId,
    'dead-letters': seeded.deadLetterId,
    tokens: seeded.tokenId,
  };
  return path
    .replace('{app}', seeded.uid)
    .replace('{key}', ORDERING_KEY)
    .replace(/([^/]+)\/\{id\}/, (_whole, segment: string) => `${segment}/${ids[segment] ?? 'unknown_id'}`);
}

/** What a token of another application gets on each route: 404 where the route names a resource of the other one, 403 elsewhere. */
function otherApplicationAnswer(path: string): { status: number; code: string } {
  // It answers about the caller itself, so any token is served: here, tenant-b's own session.
  if (path === SELF_ROUTE) return { status: 200, code: '' };
  if (path.startsWith('/v1/applications/{app}')) return { status: 404, code: 'application_not_found' };
  if (path === '/v1/deliveries/{id}') return { status: 404, code: 'delivery_not_found' };
  if (path.startsWith('/v1/dead-letters/{id}')) return { status: 404, code: 'dead_letter_not_found' };
  return { status: 403, code: 'forbidden' };
}

/** The one global route about the bearer itself, open to every token. */
const SELF_ROUTE = '/v1/portal/session';

/**
 * The routes only the operator's token may use, as the issue lists them: listing and creating applications,
 * changing or deleting one, its tokens and portal links, the shorthand routes, stats, and any global route
 * that is not a by-id route of a delivery or dead letter, nor the bearer's own session.
 */
function operatorOnly(method: string, path: string): boolean {
  if (path === '/v1/applications/{app}') return method !== 'get';
  if (path.startsWith('/v1/applications/{app}/tokens') || path === '/v1/applications/{app}/portal') return true;
  if (path === SELF_ROUTE) return false;
  if (path.startsWith('/v1/applications/{app}/')) return false;
  return path !== '/v1/deliveries/{id}' && !path.startsWith('/v1/dead-letters/{id}');
}

/** The default application's shorthand routes: they act on its resources, every other path on the seeded application's. */
const isShorthand = (path: string): boolean => /^\/v1\/(endpoints|messages)(\/|$)/.test(path) || path === '/v1/dead-letters';

describe('application tokens', () => {
  let hookway: TestHookway;
  let failing: TestReceiver;
  const tokens = new Map<string, string>();

  before(async () => {
    hookway = await startTestHookway();
    failing = await startReceiver(() => ({ status: 500 }));
  });
  after(async () => {
    await hookway.stop();
    await hookway.dropDatabase();
    await failing.close();
  });

  const application = (uid: string): Promise<ApplicationView> => new Scenario(hookway).application({ name: uid, uid });

  async function token(app: string, body: Record<string, unknown> = {}): Promise<CreatedApplicationTokenView> {
    const created = await hookway.api<CreatedApplicationTokenView>('POST', `/v1/applications/${app}/tokens`, body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  /** An endpoint, a message with an ordering key, its delivery dead-lettered after one attempt, and a token id. */
  async function seed(uid: string): Promise<Seeded> {
    const endpoint = await hookway.api<{ id: string }>('POST', `/v1/applications/${uid}/endpoints`, { url: failing.url, retryPolicy: fastRetries(1) });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    const message = await hookway.api<{ id: string; deliveries: { id: string }[] }>('POST', `/v1/applications/${uid}/messages`, {
      eventType: 'tok.case',
      payload: {},
      orderingKey: ORDERING_KEY,
    });
    assert.equal(message.status, 202, JSON.stringify(message.body));
    const deliveryId = message.body.deliveries[0].id;
    const deadLetters = await eventually(
      async () => (await hookway.api<{ items: { id: string; deliveryId: string }[] }>('GET', `/v1/applications/${uid}/dead-letters`)).body.items,
      (items) => items.some((d) => d.deliveryId === deliveryId),
      60_000,
    );
    const deadLetterId = deadLetters.find((d) => d.deliveryId === deliveryId)?.id ?? '';
    return { uid, endpointId: endpoint.body.id, messageId: message.body.id, deliveryId, deadLetterId, tokenId: (await token(uid, { name: 'seed' })).id };
  }

  test('a token is shown once, listed without its secret, and stored only as a hash of it', async () => {
    const acme = await application('acme-show');
    const created = await token('acme-show', { name: 'deploys', expiresInSeconds: 3600 });
    assert.match(created.token, /^hwa_tok_[0-9a-f]{28}_[A-Za-z0-9_-]{43}$/);
    assert.ok(created.token.startsWith(`hwa_${created.id}_`), 'the token carries its id');
    assert.equal(created.applicationId, acme.id);
    assert.equal(created.name, 'deploys');
    const lifetime = Date.parse(created.expiresAt ?? '') - Date.parse(created.createdAt);
    assert.ok(Math.abs(lifetime - 3_600_000) < 2_000, `expires an hour after creation (${lifetime} ms)`);
    const plain = await token(acme.id);
    assert.deepEqual([plain.name, plain.expiresAt], [null, null]);

    const listed = await hookway.api<{ items: ApplicationTokenView[] }>('GET', '/v1/applications/acme-show/tokens');
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.items.map((t) => t.id),
      [created.id, plain.id],
    );
    const { token: _secret, ...withoutSecret } = created;
    assert.deepEqual(listed.body.items[0], withoutSecret);
    const secret = created.token.slice(`hwa_${created.id}_`.length);
    assert.ok(!JSON.stringify(listed.body).includes(secret), 'the list never shows the secret');

    const { rows } = await hookway.db.query<Record<string, unknown>>('SELECT * FROM application_tokens WHERE id = $1', [created.id]);
    assert.deepEqual(rows[0].secret_hash, createHash('sha256').update(secret).digest());
    assert.ok(!JSON.stringify(rows[0]).includes(secret), 'no column holds the secret');
  });

  test('opens its own application by id and uid; other applications are 404 and operator routes 403', async () => {
    const own = await application('own-app');
    await application('someone-else');
    const { token: ownToken } = await token('own-app');
    for (const app of ['own-app', own.id]) {
      const read = await hookway.api<ApplicationView>('GET', `/v1/applications/${app}`, undefined, bearer(ownToken));
      assert.equal(read.status, 200, app);
      assert.equal(read.body.id, own.id);
    }
    const endpoint = await hookway.api<{ id: string }>('POST', `/v1/applications/${own.id}/endpoints`, { url: failing.url }, bearer(ownToken));
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    assert.equal((await hookway.api('GET', `/v1/applications/own-app/endpoints/${endpoint.body.id}`, undefined, bearer(ownToken))).status, 200);

    for (const app of ['someone-else', 'no-such-app', 'default', 'app_default']) {
      const other = await hookway.api('GET', `/v1/applications/${app}/endpoints`, undefined, bearer(ownToken));
      assert.deepEqual([other.status, other.body.error?.code], [404, 'application_not_found'], app);
    }
    const forbidden = await hookway.api('GET', '/v1/applications', undefined, bearer(ownToken));
    assert.deepEqual([forbidden.status, forbidden.body.error?.code], [403, 'forbidden']);
    assert.equal((await hookway.api('PATCH', '/v1/applications/own-app', { name: 'x' }, bearer(ownToken))).status, 403);
    assert.equal((await hookway.api('POST', '/v1/applications/own-app/tokens', {}, bearer(ownToken))).status, 403, 'a token cannot make more tokens');
  });

  test('a revoked token answers 401 at once, on every API process', async () => {
    await application('revoking');
    const created = await token('revoking');
    const second: RunningHookway = await startHookway(hookway.config, createLogger('test', 'error'), { api: true, worker: false });
    try {
      const onEach = (): Promise<ApiResponse[]> =>
        Promise.all(
          [hookway.apiUrl, second.apiUrl ?? ''].map(async (url) => {
            const answer = await fetch(`${url}/v1/applications/revoking/endpoints`, { headers: bearer(created.token) });
            return { status: answer.status, body: (await answer.json()) as never, headers: answer.headers };
          }),
        );
      assert.deepEqual((await onEach()).map((a) => a.status), [200, 200]);
      assert.equal((await hookway.api('DELETE', `/v1/applications/revoking/tokens/${created.id}`)).status, 204);
      for (const answer of await onEach()) {
        assert.deepEqual([answer.status, answer.body.error?.code], [401, 'unauthorized']);
        assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
    } finally {
      await second.stop();
    }
    assert.ok(!(await hookway.api<{ items: { id: string }[] }>('GET', '/v1/applications/revoking/tokens')).body.items.some((t) => t.id === created.id));
    const again = await hookway.api('DELETE', `/v1/applications/revoking/tokens/${created.id}`);
    assert.deepEqual([again.status, again.body.error?.code], [404, 'token_not_found']);
    await application('not-its-owner');
    const live = await token('revoking');
    assert.equal((await hookway.api('DELETE', `/v1/applications/not-its-owner/tokens/${live.id}`)).status, 404, "another application's path cannot revoke it");
    assert.equal((await hookway.api('GET', '/v1/applications/revoking', undefined, bearer(live.token))).status, 200);
  });

  test('a token revoked while its request body is still arriving does nothing', async () => {
    await application('slow-body');
    const created = await token('slow-body');
    const body = JSON.stringify({ url: failing.url, description: 'sent after the revocation' });
    const url = new URL(`${hookway.apiUrl}/v1/applications/slow-body/endpoints`);
    const answer = new Promise<{ status: number; body: LooseBody }>((resolve, reject) => {
      const request = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...bearer(created.token), 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as LooseBody }));
        },
      );
      request.on('error', reject);
      request.flushHeaders();
      // The headers (and the token) are checked at once; the body follows after the revocation.
      setTimeout(() => {
        void hookway.api('DELETE', `/v1/applications/slow-body/tokens/${created.id}`).then(() => request.end(body), reject);
      }, 300);
    });
    const refused = await answer;
    assert.deepEqual([refused.status, refused.body.error?.code], [401, 'unauthorized']);
    const endpoints = await hookway.api<{ items: unknown[] }>('GET', '/v1/applications/slow-body/endpoints');
    assert.deepEqual(endpoints.body.items, [], 'nothing was created');
  });

  test('a shorthand route in absolute form, and an id PostgreSQL cannot store, get the documented answers', async () => {
    const { token: defaultToken } = await token('default');
    const url = new URL(hookway.apiUrl);
    const absolute = await new Promise<number>((resolve, reject) => {
      const request = http.request({ host: url.hostname, port: url.port, path: `${hookway.apiUrl}/v1/endpoints`, headers: bearer(defaultToken) }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end();
    });
    assert.equal(absolute, 403, 'GET http://host/v1/endpoints is the shorthand too');
    for (const [method, path, code] of [
      ['GET', '/v1/deliveries/%00', 'delivery_not_found'],
      ['POST', '/v1/dead-letters/%00/retry', 'dead_letter_not_found'],
      ['DELETE', '/v1/dead-letters/%00', 'dead_letter_not_found'],
    ]) {
      const answer = await hookway.api(method, path, undefined, bearer(defaultToken));
      assert.deepEqual([answer.status, answer.body.error?.code], [404, code], `${method} ${path}`);
    }
  });

  test('an expired token answers 401 token_expired; a token of a deleted application and a forged one answer 401 like a wrong token', async () => {
    await application('short-lived');
    const brief = await token('short-lived', { expiresInSeconds: 1 });
    assert.equal((await hookway.api('GET', '/v1/applications/short-lived', undefined, bearer(brief.token))).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const expired = await hookway.api('GET', '/v1/applications/short-lived', undefined, bearer(brief.token));
    assert.deepEqual(
      [expired.status, expired.body.error?.code, expired.body.error?.message],
      [401, 'token_expired', `the bearer token expired at ${brief.expiresAt ?? ''}; ask for a new one`],
    );
    const guessed = await hookway.api('GET', '/v1/applications/short-lived', undefined, bearer(`hwa_${brief.id}_${'A'.repeat(43)}`));
    assert.deepEqual([guessed.status, guessed.body.error?.code], [401, 'unauthorized'], "an expired token's id with a wrong secret tells nothing");

    await application('going-away');
    const orphan = await token('going-away');
    assert.equal((await hookway.api('DELETE', '/v1/applications/going-away')).status, 204);
    assert.equal((await hookway.api('GET', '/v1/deliveries/dlv_x', undefined, bearer(orphan.token))).status, 401);

    const live = await token('short-lived');
    const forged = `hwa_${live.id}_${'A'.repeat(43)}`;
    for (const wrong of [forged, `${live.token}x`, 'hwa_tok_nope_x', `hwa_tok_${'0'.repeat(28)}_${'A'.repeat(43)}`]) {
      const answer = await hookway.api('GET', '/v1/applications/short-lived', undefined, bearer(wrong));
      assert.deepEqual([answer.status, answer.body.error?.code], [401, 'unauthorized'], wrong);
    }
  });

  test('bad token requests answer 400 naming the field', async () => {
    await application('strict');
    for (const [body, field] of [
      [{ name: '' }, 'name'],
      [{ name: 5 }, 'name'],
      [{ name: null }, 'name'],
      [{ name: 'x'.repeat(257) }, 'name'],
      [{ expiresInSeconds: 0 }, 'expiresInSeconds'],
      [{ expiresInSeconds: -5 }, 'expiresInSeconds'],
      [{ expiresInSeconds: 1.5 }, 'expiresInSeconds'],
      [{ expiresInSeconds: '60' }, 'expiresInSeconds'],
      [{ expiresInSeconds: 315_360_001 }, 'expiresInSeconds'],
      [{ expiresInSeconds: null }, 'expiresInSeconds'],
      [{ scope: 'all' }, 'scope'],
    ] as const) {
      const answer = await hookway.api('POST', '/v1/applications/strict/tokens', body);
      assert.deepEqual([answer.status, answer.body.error?.code, answer.body.error?.field], [400, 'invalid_field', field], JSON.stringify(body));
    }
    const page = await hookway.api('GET', '/v1/applications/strict/tokens?limit=0');
    assert.deepEqual([page.status, page.body.error?.field], [400, 'limit']);
    assert.equal((await hookway.api('POST', '/v1/applications/nobody/tokens', {})).status, 404);
  });

  test('every route of the document: never open to another application; open to its own where the rules say; open to the operator', async () => {
    const doc = (await hookway.api<{ paths: Record<string, Record<string, Operation>> }>('GET', '/docs-json')).body;
    const routes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, item]) => Object.entries(item).filter(([method]) => METHOD_ORDER.includes(method)).map(([method, op]) => ({ method, path, op })))
      // Reads first, and deleting the application last, so each call finds what it names.
      .sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) || b.path.length - a.path.length);
    assert.ok(routes.length >= 30, `${routes.length} routes`);

    const declared = routes.filter((r) => r.op.responses['403'] !== undefined).map((r) => `${r.method} ${r.path}`);
    const expected = routes.filter((r) => operatorOnly(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(declared.sort(), expected.sort(), 'the document declares 403 on exactly the operator-only routes');

    for (const uid of ['tenant-a', 'tenant-b', 'tenant-c']) await application(uid);
    const [a, c, byDefault] = await Promise.all([seed('tenant-a'), seed('tenant-c'), seed('default')]);
    for (const uid of ['tenant-a', 'tenant-b', 'default']) tokens.set(uid, (await token(uid)).token);
    const call = (method: string, path: string, seeded: Seeded, auth: Record<string, string>): Promise<ApiResponse> => {
      const target = isShorthand(path) ? byDefault : seeded;
      return hookway.api(method.toUpperCase(), fill(path, target), ['post', 'put', 'patch'].includes(method) ? {} : undefined, auth);
    };
    const problems: string[] = [];

    // (a) A token of tenant-b, on tenant-a's routes and resources (the default application's on the shorthand routes).
    for (const { method, path } of routes) {
      const answer = await call(method, path, a, bearer(tokens.get('tenant-b') ?? ''));
      const want = otherApplicationAnswer(path);
      if (answer.status !== want.status || codeOf(answer) !== want.code) {
        problems.push(`(a) ${method} ${path}: ${answer.status} ${codeOf(answer)}, want ${want.status} ${want.code}`);
      }
    }
    // A token of the default application is no way into the shorthand routes either.
    for (const { method, path } of routes.filter((r) => isShorthand(r.path))) {
      const answer = await call(method, path, byDefault, bearer(tokens.get('default') ?? ''));
      if (answer.status !== 403) problems.push(`(a) default token ${method} ${path}: ${answer.status}, want 403`);
    }

    // (b) tenant-a's own token, on its own routes and resources.
    for (const { method, path } of routes) {
      const answer = await call(method, path, a, bearer(tokens.get('tenant-a') ?? ''));
      const what = `(b) ${method} ${path}: ${answer.status} ${codeOf(answer)}`;
      if (operatorOnly(method, path)) {
        if (answer.status !== 403 || codeOf(answer) !== 'forbidden') problems.push(`${what}, want 403 forbidden`);
      } else if (method === 'get' ? answer.status !== 200 : answer.status >= 500 || [401, 403, 404].includes(answer.status)) {
        problems.push(`${what}, want it served`);
      }
    }

    // (c) The operator token, on tenant-c's routes (the default application's on the shorthand routes).
    for (const { method, path } of routes) {
      const answer = await call(method, path, c, {});
      if (method === 'get' ? answer.status !== 200 : answer.status >= 500 || [401, 403, 404].includes(answer.status)) {
        problems.push(`(c) ${method} ${path}: ${answer.status} ${codeOf(answer)}, want it served`);
      }
    }
    assert.deepEqual(problems, []);
    assert.equal((await hookway.api('GET', '/v1/applications/tenant-c')).status, 404, 'the operator deleted tenant-c last');
  });
});

describe('application tokens on an API without an operator token (HOOKWAY_INSECURE_NO_AUTH)', () => {
  test('a caller without a token is the operator; an application token is still checked and scoped', async () => {
    const open = await startTestHookway({ HOOKWAY_API_TOKEN: '', HOOKWAY_INSECURE_NO_AUTH: 'true' }, { api: true, worker: false });
    try {
      assert.equal((await open.api('POST', '/v1/applications', { name: 'Open', uid: 'open-app' })).status, 201);
      const created = await open.api<CreatedApplicationTokenView>('POST', '/v1/applications/open-app/tokens', {});
      assert.equal(created.status, 201);
      assert.equal((await open.api('GET', '/v1/applications/open-app', undefined, bearer(created.body.token))).status, 200);
      assert.equal((await open.api('GET', '/v1/applications', undefined, bearer(created.body.token))).status, 403);
      assert.equal((await open.api('GET', '/v1/applications/default', undefined, bearer(created.body.token))).status, 404);
      const forged = `hwa_${created.body.id}_${'A'.repeat(43)}`;
      assert.equal((await open.api('GET', '/v1/applications/open-app', undefined, bearer(forged))).status, 401);
      assert.equal((await open.api('GET', '/v1/applications')).status, 200);
    } finally {
      await open.stop();
      await open.dropDatabase();
    }
  });
});
