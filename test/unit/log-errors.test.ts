import assert from 'node:assert/strict';
import net from 'node:net';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { ServiceError } from '@temporalio/client';
import { Client as PgClient, DatabaseError } from 'pg';
import { request } from 'undici';
import { DependencyUnavailableError } from '../../src/domain/errors';
import { errorFields } from '../../src/logging/error-fields';
import { createLogger } from '../../src/logging/logger';

const PASSWORD = 'pg-pass-7c1e9';
const CONNECTION_STRING = `postgres://hookway:${PASSWORD}@127.0.0.1:5999/hookway`;

/** As pg-pool reports an idle client whose server went away: the error carries the whole client. */
function idlePoolError(): Error {
  const error = new DatabaseError('terminating connection due to administrator command', 116, 'error');
  error.code = '57P01';
  // pg-pool's idleListener does exactly this before emitting the error.
  (error as DatabaseError & { client: PgClient }).client = new PgClient({ connectionString: CONNECTION_STRING });
  return error;
}

/** A real undici error: a server that reads the request and hangs up without answering. */
async function undiciSocketError(): Promise<unknown> {
  const server = net.createServer((socket) => socket.once('data', () => socket.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    await request(`http://127.0.0.1:${port}/`, { headers: { authorization: 'Bearer undici-secret-41' } });
    throw new Error('the request was answered');
  } catch (error) {
    return error;
  } finally {
    server.close();
  }
}

function temporalError(): ServiceError {
  const grpc = Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), {
    code: 14,
    details: 'Connection dropped',
    metadata: { authorization: 'Bearer temporal-api-key-93' },
  });
  return new ServiceError('Failed to start Workflow', { cause: grpc });
}

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { message: 'a loop', password: 'loop-secret-55' };
  value.self = value;
  value.stack = 'Error: a loop\n    at nowhere';
  return value;
}

/** Log lines written by a real Hookway logger, parsed. */
function capture(): { lines: () => Record<string, unknown>[]; text: () => string; stream: Writable } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text, lines: () => text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('errors in logs: type, message and code, nothing a library keeps inside them', () => {
  test('a pg pool error is its type, message and code, without the client and its connection parameters', () => {
    assert.deepEqual(errorFields(idlePoolError()), {
      type: 'DatabaseError',
      message: 'terminating connection due to administrator command',
      code: '57P01',
    });
  });

  test('an undici socket error is its type, message and code, without the socket', async () => {
    const fields = errorFields(await undiciSocketError());
    assert.equal(fields.type, 'SocketError');
    assert.equal(fields.code, 'UND_ERR_SOCKET');
    assert.equal(typeof fields.message, 'string');
    assert.deepEqual(Object.keys(fields).sort(), ['code', 'message', 'type']);
  });

  test("a Temporal service error takes its gRPC cause's code and leaves its metadata out", () => {
    assert.deepEqual(errorFields(temporalError()), { type: 'ServiceError', message: 'Failed to start Workflow', code: '14', cause: '14 UNAVAILABLE: Connection dropped' });
  });

  test("an error that wraps another keeps the other's words: what a pooler refusing prepared statements says, behind 'postgres is unavailable'", () => {
    const lost = Object.assign(new Error('prepared statement "hookway_ab12" does not exist (behind a pooler ..., set HOOKWAY_DATABASE_PREPARED_STATEMENTS=false)'), { code: '26000' });
    const fields = errorFields(new DependencyUnavailableError('postgres', lost));
    assert.equal(fields.message, 'postgres is unavailable; nothing was accepted, retry later');
    assert.equal(fields.code, '26000');
    assert.match(fields.cause ?? '', /HOOKWAY_DATABASE_PREPARED_STATEMENTS=false/);
  });

  test('an object with circular references and a thrown string reduce without walking them', () => {
    assert.deepEqual(errorFields(circular()), { type: 'Object', message: 'a loop' });
    assert.deepEqual(errorFields('plain text'), { type: 'string', message: 'plain text' });
    const refused = new AggregateError([Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })], '');
    (refused as AggregateError & { code: string }).code = 'ECONNREFUSED';
    assert.deepEqual(errorFields(refused), { type: 'AggregateError', message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' });
  });

  test('every way of logging an error writes type, message, code and cause and no secret, under any key', async () => {
    const out = capture();
    const logger = createLogger('test', 'info', out.stream);
    const socketError = await undiciSocketError();
    logger.warn({ err: idlePoolError() }, 'idle client lost');
    logger.error(temporalError(), 'as the first argument');
    logger.child({ component: 'activities' }).warn({ error: socketError, endpointId: 'ep_1' }, 'under error');
    logger.warn({ cause: circular(), failure: temporalError() }, 'under other keys');
    logger.fatal({ err: circular() }, 'circular');
    const lines = out.lines();
    assert.equal(lines.length, 5, out.text());
    assert.deepEqual(lines[0].err, { type: 'DatabaseError', message: 'terminating connection due to administrator command', code: '57P01' });
    assert.deepEqual(lines[1].err, { type: 'ServiceError', message: 'Failed to start Workflow', code: '14', cause: '14 UNAVAILABLE: Connection dropped' });
    assert.equal((lines[2].error as { code: string }).code, 'UND_ERR_SOCKET');
    assert.equal(lines[2].endpointId, 'ep_1');
    assert.deepEqual(lines[3].cause, { type: 'Object', message: 'a loop' });
    assert.deepEqual(lines[3].failure, { type: 'ServiceError', message: 'Failed to start Workflow', code: '14', cause: '14 UNAVAILABLE: Connection dropped' });
    assert.deepEqual(lines[4].err, { type: 'Object', message: 'a loop' });
    for (const secret of [PASSWORD, CONNECTION_STRING, 'undici-secret-41', 'temporal-api-key-93', 'loop-secret-55', 'connectionParameters']) {
      assert.ok(!out.text().includes(secret), `the log does not contain ${secret}:\n${out.text()}`);
    }
  });
});
