import { RE2JS } from '@bufbuild/re2';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { InvalidFieldError } from '../errors';

/** Largest schema, as JSON, in bytes. */
export const SCHEMA_MAX_BYTES = 65_536;

/** Why a payload does not satisfy its type's schema: where (a JSON pointer into the payload) and what. */
export interface SchemaViolation {
  /** JSON pointer of the failing value inside the payload; `""` for the payload itself. */
  pointer: string;
  message: string;
}

// JSON Schema `pattern` is matched by RE2 (linear time), so no schema can make one payload cost minutes.
// ajv shares compiled patterns by their toString(), so each must print as its own pattern.
const re2Engine = Object.assign(
  (pattern: string): { test: (s: string) => boolean; toString: () => string } => {
    const compiled = RE2JS.compile(pattern);
    return { test: (s: string) => compiled.test(s), toString: () => `/${pattern}/re2` };
  },
  { code: 'RE2JS.compile' },
);

/**
 * A fresh validator per schema: strict (unknown keywords, ambiguous types and unions are errors) except
 * that `required` may name properties the schema does not describe, as many real schemas do; the first
 * error is reported (enough for an answer); formats are checked; and there is no loader, so a `$ref` to
 * anything outside the schema is refused at compile time instead of fetched.
 */
function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false, validateFormats: true, code: { regExp: re2Engine } });
  addFormats(ajv);
  return ajv;
}

/**
 * Compiles a JSON Schema (2020-12) for payloads.
 * @throws InvalidFieldError naming `schema` when it is too large, not an object, or does not compile (ajv's reason).
 */
export function compilePayloadSchema(schema: unknown): ValidateFunction {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new InvalidFieldError('schema', 'schema must be a JSON Schema object');
  const size = Buffer.byteLength(JSON.stringify(schema));
  if (size > SCHEMA_MAX_BYTES) throw new InvalidFieldError('schema', `schema must be at most ${SCHEMA_MAX_BYTES} bytes of JSON, got ${size}`);
  const declared = (schema as Record<string, unknown>).$schema;
  if (declared !== undefined && declared !== 'https://json-schema.org/draft/2020-12/schema') {
    throw new InvalidFieldError('schema', 'schema: $schema must be https://json-schema.org/draft/2020-12/schema or absent');
  }
  refuseCostlyKeywords(schema);
  try {
    return newAjv().compile(schema);
  } catch (error) {
    throw new InvalidFieldError('schema', `schema does not compile: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The most items `uniqueItems` may compare: its check is quadratic in the array's length. */
export const UNIQUE_ITEMS_MAX = 1000;
/** The most `patternProperties` one schema object may have: each key is matched against each pattern. */
export const PATTERN_PROPERTIES_MAX = 20;

// Keywords whose validation grows faster than the payload: a schema must bound them, or a payload of a few
// hundred KB would hold the API's one thread for seconds at every message.
function refuseCostlyKeywords(schema: object): void {
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const keywords = node as Record<string, unknown>;
    if (keywords.uniqueItems === true && !(typeof keywords.maxItems === 'number' && keywords.maxItems <= UNIQUE_ITEMS_MAX)) {
      throw new InvalidFieldError('schema', `schema: uniqueItems needs maxItems of at most ${UNIQUE_ITEMS_MAX} beside it (its check compares every pair of items)`);
    }
    const patterns = keywords.patternProperties;
    if (typeof patterns === 'object' && patterns !== null && Object.keys(patterns).length > PATTERN_PROPERTIES_MAX) {
      throw new InvalidFieldError('schema', `schema: at most ${PATTERN_PROPERTIES_MAX} patternProperties per object`);
    }
    stack.push(...Object.values(keywords));
  }
}

/** The first violation ajv found in the last call of `validate`, or undefined. */
export function firstViolation(validate: ValidateFunction): SchemaViolation | undefined {
  const error: ErrorObject | undefined = validate.errors?.[0];
  if (!error) return undefined;
  const params = error.params as Record<string, unknown>;
  // A missing property is reported on its parent; point at the property itself.
  const pointer = error.keyword === 'required' && typeof params.missingProperty === 'string' ? `${error.instancePath}/${escapePointer(params.missingProperty)}` : error.instancePath;
  const extra = error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string' ? ` (${params.additionalProperty})` : '';
  return { pointer, message: `${error.message ?? 'is invalid'}${extra}` };
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
