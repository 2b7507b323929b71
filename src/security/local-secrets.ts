import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type HookwayConfig } from '../config';

/** Where `npm start` keeps the API token it generated. */
export function apiTokenFile(dataDir: string): string {
  return path.join(dataDir, 'api-token');
}

/** Where the generated encryption key is kept when `HOOKWAY_ENCRYPTION_KEY` is unset. */
export function encryptionKeyFile(dataDir: string): string {
  return path.join(dataDir, 'encryption-key');
}

function readOrCreate(file: string, create: () => string): { value: string; created: boolean } {
  try {
    return { value: fs.readFileSync(file, 'utf8').trim(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const value = create();
  // `wx` fails if another process created it meanwhile; then its value wins.
  try {
    fs.writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { value: fs.readFileSync(file, 'utf8').trim(), created: false };
  }
}

/** How the API authenticates its callers. */
export type ApiAuth = { mode: 'token'; token: string; generated?: { file: string } } | { mode: 'open' };

/**
 * Decides how the API authenticates: `HOOKWAY_API_TOKEN` when set; open only with
 * `HOOKWAY_INSECURE_NO_AUTH=true`; otherwise, where `mayGenerate` (npm start), a token kept in the data
 * dir and generated on first use. Without any of these the API refuses to start.
 */
export function resolveApiAuth(config: HookwayConfig, mayGenerate: boolean): ApiAuth {
  if (config.security.apiToken) return { mode: 'token', token: config.security.apiToken };
  if (config.security.insecureNoAuth) return { mode: 'open' };
  if (!mayGenerate) {
    throw new ConfigError('HOOKWAY_API_TOKEN', 'is required for the API (or set HOOKWAY_INSECURE_NO_AUTH=true to run it open)');
  }
  const file = apiTokenFile(config.dataDir);
  const { value, created } = readOrCreate(file, () => `hw_${randomBytes(24).toString('base64url')}`);
  return { mode: 'token', token: value, ...(created ? { generated: { file } } : {}) };
}

/**
 * The key that encrypts endpoint secrets at rest: `HOOKWAY_ENCRYPTION_KEY`, else the data dir's key file,
 * generated on first use. A generated key is local to this machine: every process of a deployment must
 * share one, so production sets the variable.
 */
export function resolveEncryptionKey(config: HookwayConfig): { key: Buffer; generatedIn?: string } {
  if (config.security.encryptionKey) return { key: config.security.encryptionKey };
  const file = encryptionKeyFile(config.dataDir);
  const { value, created } = readOrCreate(file, () => randomBytes(32).toString('base64'));
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new ConfigError('HOOKWAY_ENCRYPTION_KEY', `unset, and ${file} does not hold base64 of 32 bytes`);
  return { key, generatedIn: created ? file : undefined };
}
