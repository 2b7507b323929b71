import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

/** A stored value that cannot be decrypted with this key (wrong key, or tampered). */
export class DecryptionError extends Error {
  constructor() {
    super('a stored secret could not be decrypted: is HOOKWAY_ENCRYPTION_KEY the key it was stored with?');
    this.name = 'DecryptionError';
  }
}

/**
 * AES-256-GCM for values at rest: `enc:v1:` + base64(iv | tag | ciphertext). Values stored before
 * encryption existed (no prefix) are read as they are, so an upgrade needs no downtime.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new TypeError('SecretBox needs a 32-byte key');
  }

  /** Encrypts `plain` with a fresh random IV. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** Decrypts what {@link seal} produced; returns unprefixed (legacy plaintext) values unchanged. */
  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionError();
    }
  }
}
