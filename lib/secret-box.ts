import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Credentials Keyhold must be able to read back (a Seam API key), encrypted
 * at rest with AES-256-GCM. The key comes from settings (`CREDENTIALS_KEY`, or
 * derived from `AUTH_SECRET`); `context` binds a sealed value to the row it
 * belongs to, so a value copied to another row does not open.
 */

const VERSION = 'v1';

/** A 32-byte key from a setting's text. */
export function deriveKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', 'keyhold/credentials/v1', 32));
}

export function seal(plaintext: string, key: Buffer, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body].map(encode).join('.');
}

/** The plaintext, or null when this key or context cannot open it (a changed key, a moved value). */
export function open(sealed: string, key: Buffer, context: string): string | null {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) return null;
  const authTag = Buffer.from(tag, 'base64url');
  // A short tag would be accepted by default and is easier to forge.
  if (authTag.length !== 16) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
      authTagLength: 16,
    });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(authTag);
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return null;
  }
}

function encode(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url');
}
