import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatApplicationToken,
  hashTokenSecret,
  newTokenSecret,
  parseApplicationToken,
  tokenSecretMatches,
} from '../../src/domain/application-tokens';
import { newId } from '../../src/domain/ids';

describe('application token format', () => {
  test('a formatted token parses back into its id and secret', () => {
    const parts = { id: newId('tok'), secret: newTokenSecret() };
    const token = formatApplicationToken(parts);
    assert.match(token, /^hwa_tok_[0-9a-f]{28}_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(parseApplicationToken(token), parts);
  });

  test('secrets are 32 random bytes, base64url, and never repeat', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => newTokenSecret()));
    assert.equal(secrets.size, 1000);
    for (const secret of secrets) assert.equal(Buffer.from(secret, 'base64url').length, 32);
  });

  test('anything else is not an application token', () => {
    const id = newId('tok');
    const secret = newTokenSecret();
    for (const token of [
      '',
      'hw_operator_token',
      `hwa_${id}`,
      `hwa_${id}_`,
      `hwa_${id}_${secret}x`,
      `hwa_${id}_${secret.slice(1)}`,
      `HWA_${id}_${secret}`,
      `hwa_${newId('ep')}_${secret}`,
      `hwa_${id}_${secret.slice(0, 42)}+`,
      ` hwa_${id}_${secret}`,
    ]) {
      assert.equal(parseApplicationToken(token), undefined, token);
    }
  });

  test('only the secret whose hash is stored matches', () => {
    const secret = newTokenSecret();
    const stored = hashTokenSecret(secret);
    assert.equal(stored.length, 32);
    assert.equal(tokenSecretMatches(secret, stored), true);
    assert.equal(tokenSecretMatches(newTokenSecret(), stored), false);
    assert.equal(tokenSecretMatches(secret, stored.subarray(0, 16)), false, 'a truncated hash never matches');
  });
});
