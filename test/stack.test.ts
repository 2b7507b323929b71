import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import { EMBEDDED_POSTGRES } from '../src/config';
import type { MessageView } from '../src/api/messages/message.view';
import { assertPortFree, freePort } from '../src/runtime/ports';
import { startReceiver, type TestReceiver } from './support/receiver';

const run = promisify(execFile);
const dist = path.join(__dirname, '..');
const projectRoot = path.join(dist, '..');

/** What `npm start` prints once everything is up. */
function bannerUrls(output: string): Record<string, string> {
  const pick = (label: string): string => {
    const match = new RegExp(`${label}\\s+(\\S+)`).exec(output);
    assert.ok(match, `the banner names the ${label}:\n${output}`);
    return match[1];
  };
  return { api: pick('API'), docs: pick('API docs'), portal: pick('Portal'), ui: pick('Temporal UI'), token: pick('API token') };
}

/** The JSON log lines in `text` (the banner lines are plain text). */
function logLines(text: string): { level: number; msg: string }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
}

describe('npm start (the whole stack from an empty data dir)', () => {
  let stack: ChildProcess;
  let output = '';
  let env: NodeJS.ProcessEnv;
  let ports: { api: number; temporal: number; ui: number; pg: number };
  let receiver: TestReceiver;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookway-stack-'));

  before(async () => {
    ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), pg: await freePort() };
    env = {
      ...process.env,
      HOOKWAY_DATA_DIR: dataDir,
      PORT: String(ports.api),
      HOOKWAY_TEMPORAL_PORT: String(ports.temporal),
      HOOKWAY_TEMPORAL_UI_PORT: String(ports.ui),
      HOOKWAY_EMBEDDED_PG_PORT: String(ports.pg),
    };
    // The suite's own services are not this stack's: it must start its own.
    delete env.DATABASE_URL;
    delete env.TEMPORAL_ADDRESS;
    delete env.TEMPORAL_UI_URL;
    // npm start's own defaults: a generated token and key, private receivers allowed.
    delete env.HOOKWAY_API_TOKEN;
    delete env.HOOKWAY_ENCRYPTION_KEY;
    delete env.HOOKWAY_ALLOW_PRIVATE_NETWORKS;
    receiver = await startReceiver();
    // `npm start` itself, leading a process group of its own as a shell's foreground job does, so the
    // Ctrl-C below reaches npm, the stack and anything else left in that group, as a terminal's would.
    stack = spawn('npm', ['start'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    stack.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stack.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 120_000;
    while (!output.includes('Press Ctrl-C to stop.')) {
      assert.equal(stack.exitCode, null, `the stack exited early:\n${output}`);
      assert.ok(Date.now() < deadline, `the stack did not come up:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  after(async () => {
    if (stack.exitCode === null && stack.pid) process.kill(-stack.pid, 'SIGKILL');
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('prints the URLs of the API, its docs and the Temporal UI, and each answers', async () => {
    const urls = bannerUrls(output);
    assert.match(urls.token, /^hw_/, 'a generated API token is shown once');
    assert.equal(fs.readFileSync(path.join(dataDir, 'api-token'), 'utf8').trim(), urls.token);
    assert.ok(fs.existsSync(path.join(dataDir, 'encryption-key')), 'a generated encryption key is kept in the data dir');
    assert.equal(urls.api, `http://127.0.0.1:${ports.api}`);
    assert.equal(urls.docs, `http://127.0.0.1:${ports.api}/docs`);
    assert.equal(urls.ui, `http://127.0.0.1:${ports.ui}`);
    const health = await fetch(`${urls.api}/health`);
    assert.equal(health.status, 200);
    assert.match(await (await fetch(urls.docs)).text(), /swagger-ui/i);
    // The portal, built by src/launcher/ensure-ready.mjs before every npm script, is served without a token.
    assert.equal(urls.portal, `http://127.0.0.1:${ports.api}/portal/`);
    assert.match(await (await fetch(urls.portal)).text(), /<script type="module" crossorigin src="\/portal\/assets\/index-/);
    const ui = await fetch(urls.ui);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /<html/i);
  });

  test('delivers a message end to end and lists its workflow through npm run temporal', async () => {
    const api = `http://127.0.0.1:${ports.api}`;
    const { token } = bannerUrls(output);
    assert.equal((await fetch(`${api}/v1/endpoints`)).status, 401, 'the API is not open');
    const post = (p: string, body: unknown) =>
      fetch(`${api}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    const endpoint = (await (await post('/v1/endpoints', { url: receiver.url })).json()) as EndpointView;
    const message = (await (await post('/v1/messages', { eventType: 'stack.check', payload: { ok: true } })).json()) as MessageView;
    const [request] = await receiver.waitForRequests(1);
    assert.equal(request.headers['webhook-id'], message.id);
    assert.equal(message.deliveries[0].endpointId, endpoint.id);

    const listed = await run(process.execPath, [path.join(dist, 'src', 'cli', 'temporal.js'), 'workflow', 'list', '--query', `MessageId="${message.id}"`, '-o', 'json'], { env });
    assert.match(listed.stdout, new RegExp(message.deliveries[0].workflowId));
  });

  test('Ctrl-C stops the API, the worker, Temporal and PostgreSQL cleanly, and frees their ports', async () => {
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    const before = output.length;
    assert.ok(stack.pid);
    process.kill(-stack.pid, 'SIGINT');
    assert.equal(await exited, 0, output);
    assert.match(output, /Stopped\./);
    const stopping = output.slice(before);
    assert.doesNotMatch(stopping, /idle PostgreSQL connection lost/, 'every pool is closed before PostgreSQL stops');
    assert.deepEqual(
      logLines(stopping).filter((line) => line.level >= 40),
      [],
      `stopping logs no warning or error:\n${stopping}`,
    );
    const { user, password } = EMBEDDED_POSTGRES;
    const key = fs.readFileSync(path.join(dataDir, 'encryption-key'), 'utf8').trim();
    for (const secret of [`${user}:${password}@`, 'connectionParameters', '"password"', key]) {
      assert.ok(!output.includes(secret), `the output never contains ${secret}:\n${output}`);
    }
    assert.equal(output.split(bannerUrls(output).token).length - 1, 1, 'the generated API token is shown once, in the banner, and nowhere else');
    await assertPortFree(ports.api, 'API', 'PORT');
    await assertPortFree(ports.temporal, 'Temporal', 'HOOKWAY_TEMPORAL_PORT');
    await assertPortFree(ports.pg, 'PostgreSQL', 'HOOKWAY_EMBEDDED_PG_PORT');
  });
});
