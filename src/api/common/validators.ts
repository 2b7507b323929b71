import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches, registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';
import { customHeadersProblem } from './header-rules';

/**
 * The field may be left out, but when present it is validated, `null` included. (`@IsOptional` would let
 * `null` through to a NOT NULL column.)
 */
export const Optional = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== undefined);

import { SUBSCRIPTION_PATTERN } from '../../domain/filters/event-type-match';

/** Event type names: letters, digits and `_ . : -`, as receivers route on them. */
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9_.:-]{1,256}$/;

/**
 * Keeps a free-form object exactly as the client sent it. class-transformer would rebuild it and silently
 * drop keys such as `toString`, `constructor` or `__proto__`: a payload must reach receivers unchanged.
 */
export const KeepAsSent = (): PropertyDecorator =>
  Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => obj[key], { toClassOnly: true });

/** A list of 1 to 100 event type names, each exact or a prefix ending in `.*`. */
export const EventTypeList = (): PropertyDecorator =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1, { message: 'eventTypes must name at least one type; leave it out (or null on PATCH) to receive all' }),
    ArrayMaxSize(100),
    IsString({ each: true }),
    Matches(SUBSCRIPTION_PATTERN, { each: true, message: 'eventTypes entries must match [A-Za-z0-9_.:-]{1,256}, or be a prefix followed by .* (invoice.*)' }),
  );
/**
 * Caller-chosen message ids: the same characters, at most 200 so the workflow ID built from one stays within
 * the 255 characters Temporal's SQL persistence stores. "." and ".." are refused: URLs normalise them away as
 * path segments, so `GET /v1/messages/.` could never find the message.
 */
export const MESSAGE_ID_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9_.:-]{1,200}$/;
/** Ordering keys: at most 128 characters, so the stream's workflow ID stays within Temporal's 255. */
export const ORDERING_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
/** `Idempotency-Key` header values. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,256}$/;

function decorator(name: string, message: string, check: (value: unknown) => boolean) {
  return (options?: ValidationOptions) =>
    (target: object, propertyName: string): void =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName,
        options: { message: `${propertyName} ${message}`, ...options },
        validator: { validate: check },
      });
}

/** Why `url` cannot be an endpoint, or undefined when it can. */
export function webhookUrlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > 2048) return 'must be a string of at most 2048 characters';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must use http or https';
  if (parsed.username || parsed.password) return 'must not contain credentials; use headers instead';
  if (!parsed.hostname) return 'must name a host';
  return undefined;
}

/** An absolute http(s) URL without credentials. */
export const IsWebhookUrl = (options?: ValidationOptions) =>
  (target: object, propertyName: string): void =>
    registerDecorator({
      name: 'isWebhookUrl',
      target: target.constructor,
      propertyName,
      options: { message: (args) => `${propertyName} ${webhookUrlProblem(args.value) ?? 'is invalid'}`, ...options },
      validator: { validate: (value: unknown) => webhookUrlProblem(value) === undefined },
    });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Checks that can name the part of a value at fault (`x-price` inside `headers`), by constraint name.
const INNER_PATHS = new Map<string, (value: unknown) => string | undefined>();

/** The path inside a property that failed `constraint`, e.g. `x-price` for `headers`, when the check names one. */
export function innerFieldPath(constraint: string, value: unknown): string | undefined {
  return INNER_PATHS.get(constraint)?.(value);
}

/**
 * Custom request headers: only what every attempt can send and receivers get as written (see
 * header-rules.ts). The failure names the header, as `headers.<name>`.
 */
export const IsHeaderMap = (options?: ValidationOptions) =>
  (target: object, propertyName: string): void =>
    registerDecorator({
      name: 'isHeaderMap',
      target: target.constructor,
      propertyName,
      options: { message: (args) => customHeadersProblem(args.value)?.message ?? 'is invalid', ...options },
      validator: { validate: (value: unknown) => customHeadersProblem(value) === undefined },
    });
INNER_PATHS.set('isHeaderMap', (value) => customHeadersProblem(value)?.path);

// PostgreSQL's json types cannot hold U+0000, and a lone surrogate is not valid Unicode for any receiver.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first string (or key) inside `value` that JSON storage cannot keep, as a path, or undefined. */
export function findUnstorableString(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnstorableString(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (UNSTORABLE.test(key)) return childPath;
      const found = findUnstorableString(child, childPath);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** A JSON object (not an array, not null) whose strings PostgreSQL can store. */
export const IsStorableJsonObject = decorator(
  'isStorableJsonObject',
  'must be a JSON object without U+0000 or unpaired surrogates in its strings',
  (value) => isPlainObject(value) && findUnstorableString(value) === undefined,
);

/** A Standard Webhooks secret: `whsec_` and base64 of 24 to 64 bytes. */
export const IsSigningSecret = decorator(
  'isSigningSecret',
  'must be "whsec_" followed by base64 of 24 to 64 random bytes',
  (value) => {
    if (typeof value !== 'string' || !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
    const bytes = Buffer.from(value.slice(6), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  },
);

/** Bounds of a `{ string: string }` map such as an application's `metadata`. */
const STRING_MAP_LIMITS = { entries: 50, keyLength: 256, valueLength: 1024 };

/** Why `value` is not a small `{ string: string }` map, or undefined when it is. */
export function stringMapProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of strings';
  const entries = Object.entries(value);
  if (entries.length > STRING_MAP_LIMITS.entries) return `must have at most ${STRING_MAP_LIMITS.entries} entries`;
  for (const [key, item] of entries) {
    if (key.length === 0 || key.length > STRING_MAP_LIMITS.keyLength) return `keys must be 1 to ${STRING_MAP_LIMITS.keyLength} characters`;
    if (typeof item !== 'string') return `values must be strings (${key} is not)`;
    if (item.length > STRING_MAP_LIMITS.valueLength) return `values must be at most ${STRING_MAP_LIMITS.valueLength} characters (${key} is longer)`;
  }
  return undefined;
}

/** At most 50 string entries, keys up to 256 and values up to 1024 characters. */
export const IsStringMap = (options?: ValidationOptions) => (target: object, propertyName: string): void =>
  registerDecorator({
    name: 'isStringMap',
    target: target.constructor,
    propertyName,
    options,
    validator: {
      validate: (value: unknown) => stringMapProblem(value) === undefined,
      defaultMessage: (args) => `${args?.property ?? propertyName} ${stringMapProblem(args?.value) ?? 'is not valid'}`,
    },
  });
