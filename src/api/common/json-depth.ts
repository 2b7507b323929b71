/**
 * The deepest nesting of arrays and objects a request body may have, its outermost object or array
 * counting as level 1. Everything after parsing (validation, storage, signing) walks values recursively,
 * so a body thousands of levels deep would overflow the stack; nothing real needs more than a few dozen.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Whether the UTF-8 JSON text in `bytes` opens more than `maxDepth` arrays or objects inside one another,
 * read in one iterative pass before anything parses it (so the check itself cannot overflow). Brackets
 * inside strings do not count, escaped quotes included. UTF-8 never uses bytes below 0x80 inside a
 * multi-byte character, so scanning bytes is exact. Whether the text is valid JSON is for JSON.parse to say.
 */
export function jsonNestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return false;
}
