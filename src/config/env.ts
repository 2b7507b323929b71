import fs from 'node:fs';
import { isIP } from 'node:net';
import { parseDuration } from '../domain/duration';

/** A setting that is present but unusable; names the environment variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

/** The environment settings are read from. */
export type Env = Record<string, string | undefined>;

// Every reader takes the environment and the variable's name first, the form test/unit/docs.test.ts finds.

/** A trimmed string, or `fallback` when unset or blank. */
export function readString(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

/** A trimmed string, or undefined when unset or blank. */
export function readOptional(env: Env, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

/** A whole number within [min, max]. */
export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** A finite number within [min, max]. */
export function readNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/** `true`/`1` or `false`/`0`, in any case. */
export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** A duration (`5d`, `12h`, `30m`, `10s`, `250ms` or a number of ms) of at least `minMs`, in ms. */
export function readDuration(env: Env, name: string, fallbackMs: number, minMs: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallbackMs;
  const ms = parseDuration(raw);
  if (ms === undefined) throw new ConfigError(name, `must be a duration like 5d, 12h, 30m, 10s or a number of ms, got "${raw}"`);
  if (ms < minMs) throw new ConfigError(name, `must be at least ${minMs} ms, got "${raw}"`);
  return ms;
}

/** The path of a file that exists, or undefined when unset. */
export function readFile(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!fs.existsSync(raw)) throw new ConfigError(name, `names a file that does not exist: "${raw}"`);
  return raw;
}

/** A `host:port` address. */
export function readHostPort(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  if (!/^[^\s:]+:\d+$/.test(value)) throw new ConfigError(name, `must be host:port, got "${value}"`);
  return value;
}

/** One of `allowed`. */
export function readChoice(env: Env, name: string, fallback: string, allowed: readonly string[]): string {
  const value = readString(env, name, fallback);
  if (!allowed.includes(value)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}`);
  return value;
}

/** Comma-separated `address/prefix` ranges. */
export function readCidrs(env: Env, name: string): string[] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  const cidrs = raw.split(',').map((c) => c.trim()).filter(Boolean);
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const family = isIP(address);
    if (!family || !/^\d+$/.test(bits ?? '') || Number(bits) > (family === 4 ? 32 : 128)) {
      throw new ConfigError(name, `has "${cidr}", which is not an address/prefix range like 10.0.0.0/8`);
    }
  }
  return cidrs;
}

/** Comma-separated IP addresses with optional ports (`10.0.0.2`, `127.0.0.1:5353`, `[::1]:53`). */
export function readDnsServers(env: Env, name: string): string[] | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const servers = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const server of servers) {
    const match = /^\[(.+)\]:(\d+)$/.exec(server) ?? /^([^:]+):(\d+)$/.exec(server) ?? [server, server, '53'];
    if (!isIP(match[1]) || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new ConfigError(name, `has "${server}", which is not an IP address with an optional port, like 10.0.0.2 or 127.0.0.1:5353`);
    }
  }
  return servers;
}

/** Base64 of exactly 32 bytes. */
export function readKey(env: Env, name: string): Buffer | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) throw new ConfigError(name, 'must be base64 of exactly 32 bytes (openssl rand -base64 32)');
  return key;
}
