import { hash, verify } from '@node-rs/argon2';

/** Passwords longer than this are refused before hashing: argon2 on megabytes is a denial of service. */
export const MAX_PASSWORD_LENGTH = 1024;
export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** A hash to verify against when the email is unknown, so both cases take the same time. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash('keyhold-no-such-user');
  return dummyHash;
}
