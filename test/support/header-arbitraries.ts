import fc from 'fast-check';

/** Numbers each generated case, so a receiver can tell which request is which; no generated name collides with it. */
export const CASE_HEADER = 'hookway-test-case';

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split('');
const VISIBLE_ASCII = Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i));

/** Header names: mostly valid tokens, some anything at all, some names undici or HTTP treat specially. */
export const headerName = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 24 }).map((n) => `x-${n}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('expect', 'Upgrade', 'keep-alive', 'Connection', 'TE', 'trailer', 'Transfer-Encoding', 'host', 'Content-Length', 'proxy-authorization', 'Authorization', 'x-Tenant'),
  },
);
/** Header values: mostly visible ASCII with spaces and tabs, some any Unicode or control characters. */
export const headerValue = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit: fc.constantFrom(...VISIBLE_ASCII, '\t'), maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('10 €', 'caf\u00e9', 'a\r\nx-injected: 1', 'a\nb', 'a\0b', ' lead', 'trail\t', '\x7f', '100-continue') },
);

/** The value a receiver got for `name` exactly as written (raw header names keep their case). */
export function rawHeaderValues(rawHeaders: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i] === name) values.push(rawHeaders[i + 1]);
  return values;
}

