import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestHookway, type TestHookway } from './support/test-hookway';

/** The parts of an OpenAPI 3 schema object this test reads. */
interface Schema {
  $ref?: string;
  type?: string;
  description?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

interface MediaType {
  schema?: Schema;
  example?: unknown;
}

interface Parameter {
  name: string;
  in: string;
  description?: string;
  example?: unknown;
  schema?: Schema;
}

interface Operation {
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, MediaType> };
  responses: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation of the document, as `GET /v1/endpoints`. */
function operations(doc: OpenApiDocument): { name: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, op })),
  );
}

/** A schema's `$ref` target name, directly, through `allOf`/`oneOf`/`anyOf`, or as the items of an array. */
function refsOf(schema: Schema): string[] {
  const refs: string[] = [];
  if (schema.$ref) refs.push(schema.$ref);
  for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) refs.push(...refsOf(part));
  if (schema.items) refs.push(...refsOf(schema.items));
  return refs;
}

function resolve(doc: OpenApiDocument, ref: string): { name: string; schema: Schema } {
  const name = ref.replace('#/components/schemas/', '');
  const schema = doc.components.schemas[name];
  assert.ok(schema, `${ref} resolves to a component schema`);
  return { name, schema };
}

/**
 * Walks a schema and every schema it refers to, and lists what a reader would miss: a property without a
 * description, or a value without an example (on itself or on the schema that holds it; a property that
 * refers to another schema takes the examples of that schema's own properties).
 */
function schemaProblems(doc: OpenApiDocument, schema: Schema, where: string, seen: Set<string>): string[] {
  const problems: string[] = [];
  for (const ref of refsOf(schema)) {
    const target = resolve(doc, ref);
    if (seen.has(target.name)) continue;
    seen.add(target.name);
    problems.push(...schemaProblems(doc, target.schema, target.name, seen));
  }
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const at = `${where}.${key}`;
    if (!property.description) problems.push(`${at} has no description`);
    if (property.example === undefined && schema.example === undefined && refsOf(property).length === 0) problems.push(`${at} has no example`);
    problems.push(...schemaProblems(doc, property, at, seen));
  }
  return problems;
}

/** A top-level schema of a body: a reference (walked), or an inline schema that carries an example. */
function bodyProblems(doc: OpenApiDocument, media: MediaType, where: string, seen: Set<string>): string[] {
  if (!media.schema) return [`${where} has no schema`];
  const problems = schemaProblems(doc, media.schema, where, seen);
  if (refsOf(media.schema).length === 0 && media.schema.example === undefined && media.example === undefined && !media.schema.properties) {
    problems.push(`${where} has no example`);
  }
  return problems;
}

/** The properties of the schema an operation answers with `status` in JSON, through its reference. */
function responseProperties(doc: OpenApiDocument, op: Operation, status: string): Record<string, Schema> {
  const schema = op.responses[status]?.content?.['application/json']?.schema;
  assert.ok(schema, `a ${status} JSON schema`);
  const [ref] = refsOf(schema);
  return ref ? (resolve(doc, ref).schema.properties ?? {}) : (schema.properties ?? {});
}

describe('OpenAPI document', () => {
  let hookway: TestHookway;
  let doc: OpenApiDocument;

  before(async () => {
    hookway = await startTestHookway({}, { api: true, worker: false });
    const answer = await fetch(`${hookway.apiUrl}/docs-json`);
    assert.equal(answer.status, 200);
    doc = (await answer.json()) as OpenApiDocument;
  });
  after(async () => {
    await hookway.stop();
    await hookway.dropDatabase();
  });

  test('documents every route of the API', () => {
    const names = operations(doc).map((o) => o.name);
    for (const route of [
      'POST /v1/endpoints',
      'GET /v1/endpoints',
      'GET /v1/endpoints/{id}',
      'PATCH /v1/endpoints/{id}',
      'DELETE /v1/endpoints/{id}',
      'GET /v1/endpoints/{id}/secret',
      'POST /v1/endpoints/{id}/secret/rotate',
      'POST /v1/endpoints/{id}/dead-letters/retry',
      'GET /v1/endpoints/{id}/blocked-keys',
      'GET /v1/endpoints/{id}/ordering-keys/{key}',
      'POST /v1/messages',
      'GET /v1/messages/{id}',
      'GET /v1/deliveries/{id}',
      'GET /v1/dead-letters',
      'POST /v1/dead-letters/{id}/retry',
      'DELETE /v1/dead-letters/{id}',
      'GET /v1/stats',
      'GET /health',
      'GET /metrics',
    ]) {
      assert.ok(names.includes(route), `${route} is in the document`);
    }
  });

  test('every operation has a summary and a documented success answer', () => {
    const problems: string[] = [];
    for (const { name, op } of operations(doc)) {
      if (!op.summary) problems.push(`${name} has no summary`);
      const successes = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (successes.length === 0) problems.push(`${name} declares no 2xx answer`);
      for (const [status, response] of successes) {
        if (!response.description) problems.push(`${name} ${status} has no description`);
        // 204 answers nothing; every other success names what it answers.
        if (status !== '204' && !Object.values(response.content ?? {}).some((media) => media.schema)) {
          problems.push(`${name} ${status} has no schema`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  test('every /v1 operation declares 401, and every error answer has the shared error shape', () => {
    const problems: string[] = [];
    for (const { name, path, op } of operations(doc)) {
      if (path.startsWith('/v1/') && !op.responses['401']) problems.push(`${name} does not declare 401`);
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[45]\d\d$/.test(status)) continue;
        const schema = response.content?.['application/json']?.schema;
        const properties = schema ? responseProperties(doc, op, status) : {};
        if (!properties.error) problems.push(`${name} ${status} does not answer { error }`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('every parameter, request field and answer field has a description and an example', () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const { name, op } of operations(doc)) {
      for (const parameter of op.parameters ?? []) {
        const at = `${name} ${parameter.in} ${parameter.name}`;
        if (!parameter.description) problems.push(`${at} has no description`);
        if (parameter.example === undefined && parameter.schema?.example === undefined) problems.push(`${at} has no example`);
      }
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) problems.push(...bodyProblems(doc, media, `${name} body (${type})`, seen));
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) problems.push(...bodyProblems(doc, media, `${name} ${status} (${type})`, seen));
      }
    }
    assert.deepEqual(problems, []);
  });

  test('states the facts a client relies on', () => {
    const op = (method: string, path: string): Operation => {
      const found = doc.paths[path]?.[method];
      assert.ok(found, `${method.toUpperCase()} ${path}`);
      return found;
    };
    assert.ok(op('post', '/v1/endpoints').requestBody?.content?.['application/json']?.schema, 'endpoint creation takes a JSON body');
    assert.ok('secret' in responseProperties(doc, op('post', '/v1/endpoints'), '201'), 'creation answers the secret');
    assert.ok(!('secret' in responseProperties(doc, op('get', '/v1/endpoints/{id}'), '200')), 'reads leave the secret out');
    assert.ok('circuit' in responseProperties(doc, op('get', '/v1/endpoints/{id}'), '200'));
    const query = (method: string, path: string) => (op(method, path).parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    for (const name of ['limit', 'after']) {
      assert.ok(query('get', '/v1/endpoints').includes(name), `GET /v1/endpoints takes ${name}`);
      assert.ok(query('get', '/v1/dead-letters').includes(name), `GET /v1/dead-letters takes ${name}`);
    }
    assert.ok(query('get', '/v1/dead-letters').includes('endpointId'));
    assert.ok(query('get', '/v1/stats').includes('window'));
    assert.ok('items' in responseProperties(doc, op('get', '/v1/endpoints'), '200'));
    assert.ok('total' in responseProperties(doc, op('get', '/v1/dead-letters'), '200'));
    assert.ok('attempts' in responseProperties(doc, op('get', '/v1/deliveries/{id}'), '200'));
    assert.ok('deliveries' in responseProperties(doc, op('post', '/v1/messages'), '202'), 'a message is accepted with 202 and its deliveries');
    const publish = op('post', '/v1/messages');
    assert.ok(publish.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'));
    for (const status of ['400', '413', '503']) assert.ok(publish.responses[status], `POST /v1/messages declares ${status}`);
    for (const status of ['404', '409']) assert.ok(op('post', '/v1/dead-letters/{id}/retry').responses[status], `dead-letter retry declares ${status}`);
    assert.ok(op('get', '/v1/deliveries/{id}').responses['404']);
    assert.ok(op('delete', '/v1/endpoints/{id}').responses['204']);
    assert.ok(op('get', '/health').responses['503'], 'health declares 503');
    assert.ok(op('get', '/metrics').responses['200'].content?.['text/plain'], 'metrics answer plain text');
    const error = resolve(doc, '#/components/schemas/ApiErrorBody');
    assert.ok(error.schema.properties?.error, 'the shared error schema has `error`');
  });
});
