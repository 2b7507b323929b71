import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';

const root = path.resolve(__dirname, '..', '..');
const PACKAGE = '@hookway/receiver';
const packageBuild = path.join(root, 'src', 'receiver', 'dist');
// Packing compiles the package (prepack) and the type check starts a compiler: slow on a busy 2-core machine.
const STEP_TIMEOUT_MS = 300_000;

/** The environment without npm's own variables: `npm test` sets npm_config_local_prefix and the like,
 * which would point the install in the empty folder back at this repository. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, encoding: 'utf8', timeout: STEP_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** What the script run by plain `node` in the install folder reports. */
interface CheckReport {
  exports: { core: string[]; express: string[] };
  genuine: { id: string; payload: unknown; timestamp: string };
  tampered: { name: string; code: string; httpStatus: number };
  http: { genuine: { status: number; body: unknown }; tampered: { status: number; body: unknown } };
  nestjs: { code: string; message: string };
  loadedOutsidePackage: string[];
}

// Plain CommonJS, as a receiving team would write it: require the package by name, verify what it is given.
const CHECK_SCRIPT = `
const http = require('node:http');
const path = require('node:path');
const receiver = require('@hookway/receiver');
const { webhookMiddleware, verifiedWebhook } = require('@hookway/receiver/express');
const input = JSON.parse(process.env.WEBHOOK_CASE);

function refusal(run) {
  try { run(); } catch (error) { return { name: error.name, code: error.code, httpStatus: error.httpStatus }; }
  throw new Error('the tampered webhook was accepted');
}

async function main() {
  const genuine = receiver.verifyWebhook(input.body, input.headers, input.secret);
  const tampered = refusal(() => receiver.verifyWebhook(input.tamperedBody, input.headers, input.secret));

  const verify = webhookMiddleware({ secret: input.secret });
  const server = http.createServer((req, res) => verify(req, res, (error) => {
    if (error) return void res.writeHead(500).end(String(error));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verifiedWebhook(req).payload));
  }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = 'http://127.0.0.1:' + server.address().port + '/webhooks';
  const post = async (body) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...input.headers }, body });
    return { status: response.status, body: await response.json() };
  };
  const answers = { genuine: await post(input.body), tampered: await post(input.tamperedBody) };
  await new Promise((resolve) => server.close(resolve));

  let nestjs;
  try { require('@hookway/receiver/nestjs'); nestjs = { code: 'loaded', message: '' }; }
  catch (error) { nestjs = { code: error.code, message: error.message.split('\\n')[0] }; }

  const packageDir = path.dirname(require.resolve('@hookway/receiver/package.json'));
  console.log(JSON.stringify({
    exports: { core: Object.keys(receiver).sort(), express: Object.keys(require('@hookway/receiver/express')).sort() },
    genuine: { ...genuine, timestamp: genuine.timestamp.toISOString() },
    tampered,
    http: answers,
    nestjs,
    loadedOutsidePackage: Object.keys(require.cache).filter((file) => !file.startsWith(packageDir + path.sep) && file !== __filename),
  }));
}
main().catch((error) => { console.error(error); process.exit(1); });
`;

// ES modules get the same named exports (Node reads them from the CommonJS build).
const ESM_SCRIPT = `
import { signWebhook, verifyWebhook } from '@hookway/receiver';
import { webhookMiddleware } from '@hookway/receiver/express';
const secret = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
const body = JSON.stringify({ type: 'esm.check', data: {} });
const webhook = verifyWebhook(body, signWebhook({ secret, id: 'msg_esm', body }), secret);
console.log(JSON.stringify({ id: webhook.id, middleware: typeof webhookMiddleware }));
`;

// A TypeScript consumer: the "types" of each entry point resolve, and the types are the library's, not any.
const CONSUMER_TS = `
import { verifyWebhook, WebhookVerificationError, type VerifiedWebhook } from '@hookway/receiver';
import { webhookMiddleware, type WebhookReceiverOptions } from '@hookway/receiver/express';
const options: WebhookReceiverOptions = { secret: 'whsec_AAAA', limitBytes: 1024 };
const webhook: VerifiedWebhook<{ amount: number }> = verifyWebhook<{ amount: number }>('{}', {}, options.secret);
const amount: number = webhook.payload.amount;
// @ts-expect-error the payload is typed: amount is a number
const wrong: string = webhook.payload.amount;
// @ts-expect-error limitBytes is a number of bytes
webhookMiddleware({ secret: 'whsec_AAAA', limitBytes: '1kb' });
export const used = [amount, wrong, WebhookVerificationError, webhookMiddleware(options)];
`;

describe('receiver package: npm pack of @hookway/receiver, installed into an empty folder', () => {
  let work: string;
  let app: string;
  let packed: string[];
  // Packing builds the package into src/receiver/dist; leave the checkout as the test found it.
  const builtBefore = fs.existsSync(packageBuild);

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'hookway-receiver-package-'));
    await run('npm', ['pack', '--workspace', PACKAGE, '--pack-destination', work], root);
    const tarballs = fs.readdirSync(work).filter((name) => name.endsWith('.tgz'));
    assert.equal(tarballs.length, 1, `npm pack made one tarball: ${tarballs.join(', ')}`);
    const tarball = path.join(work, tarballs[0]);
    packed = (await run('tar', ['-tzf', tarball], work)).split('\n').filter(Boolean).map((entry) => entry.replace(/^package\//, ''));

    app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'receiving-team', version: '1.0.0', private: true }));
    // --offline: the package has no dependencies, so nothing may need the network.
    await run('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund'], app);
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
    if (!builtBefore) fs.rmSync(packageBuild, { recursive: true, force: true });
  });

  test('the tarball holds the compiled entry points with their types, the README and package.json, and no sources or example', () => {
    for (const file of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/express.js', 'dist/express.d.ts', 'dist/nestjs.js', 'dist/nestjs.d.ts']) {
      assert.ok(packed.includes(file), `${file} is in the tarball: ${packed.join(', ')}`);
    }
    const unexpected = packed.filter((file) => !['package.json', 'README.md'].includes(file) && !/^dist\/[\w-]+\.(js|d\.ts)$/.test(file));
    assert.deepEqual(unexpected, []);
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', '@hookway', 'receiver', 'package.json'), 'utf8')) as {
      license?: string;
      dependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    assert.equal(manifest.license, 'Apache-2.0');
    assert.deepEqual(manifest.dependencies ?? {}, {});
    for (const peer of ['@nestjs/common', 'express', 'pg']) assert.equal(manifest.peerDependenciesMeta?.[peer]?.optional, true, `${peer} is an optional peer`);
  });

  test('installing it brings nothing else: no NestJS, Temporal, pg or Express', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    assert.deepEqual(Object.keys(lock.packages), ['node_modules/@hookway/receiver']);
    assert.deepEqual(fs.readdirSync(path.join(app, 'node_modules')).filter((name) => !name.startsWith('.')), ['@hookway']);
  });

  test('plain node verifies a webhook signed by standardwebhooks, refuses it tampered with, over HTTP too, and loads no other package', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const id = `msg_${randomBytes(6).toString('hex')}`;
    const at = new Date();
    const body = JSON.stringify({ type: 'invoice.paid', timestamp: at.toISOString(), data: { invoiceId: 'inv_42', amount: 1200 } });
    const tamperedBody = body.replace('1200', '9200');
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, body),
    };
    fs.writeFileSync(path.join(app, 'check.js'), CHECK_SCRIPT);
    const env = { ...cleanEnv(), WEBHOOK_CASE: JSON.stringify({ secret, body, tamperedBody, headers }) };
    const report = JSON.parse(await run(process.execPath, ['check.js'], app, env)) as CheckReport;

    assert.equal(report.genuine.id, id);
    assert.deepEqual(report.genuine.payload, JSON.parse(body));
    assert.equal(report.genuine.timestamp, new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString());
    assert.deepEqual(report.tampered, { name: 'WebhookVerificationError', code: 'bad_signature', httpStatus: 401 });
    assert.deepEqual(report.http.genuine, { status: 200, body: JSON.parse(body) });
    assert.equal(report.http.tampered.status, 401);
    assert.equal((report.http.tampered.body as { error: { code: string } }).error.code, 'bad_signature');

    for (const name of ['verifyWebhook', 'processOnce', 'ensureProcessedWebhooksTable', 'signWebhook', 'WebhookVerificationError']) {
      assert.ok(report.exports.core.includes(name), `${PACKAGE} exports ${name}`);
    }
    assert.deepEqual(report.exports.express, ['verifiedWebhook', 'webhookMiddleware']);
    assert.deepEqual(report.loadedOutsidePackage, []);
    // The NestJS adapter is there, and needs the optional peer the receiving team did not install.
    assert.equal(report.nestjs.code, 'MODULE_NOT_FOUND');
    assert.match(report.nestjs.message, /@nestjs\/common/);
  });

  test('ES modules import the same named exports', async () => {
    fs.writeFileSync(path.join(app, 'check.mjs'), ESM_SCRIPT);
    assert.deepEqual(JSON.parse(await run(process.execPath, ['check.mjs'], app)), { id: 'msg_esm', middleware: 'function' });
  });

  test('TypeScript finds the types of each entry point through the exports map', async () => {
    fs.writeFileSync(path.join(app, 'consumer.ts'), CONSUMER_TS);
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const types = path.join(root, 'node_modules', '@types');
    const args = ['--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--typeRoots', types, '--types', 'node'];
    await run(process.execPath, [tsc, ...args, 'consumer.ts'], app);
  });
});
