// Reading a calendar feed over HTTP: one conditional GET, bounded in time and
// size. Parsing is ./ical.ts's; when to read again is the caller's.

import { z } from 'zod';
import { readBytesAtMost } from '@/lib/http/body';

export type FeedRead =
  | { kind: 'ok'; body: string; etag: string | null; lastModified: string | null }
  | { kind: 'not_modified' }
  | { kind: 'failed'; error: string; status: number | null; retryAt: Date | null };

/** What the previous good read answered, sent back so an unchanged feed costs a 304. */
export type FeedValidators = { etag: string | null; lastModified: string | null };

export type FetchFeedOptions = {
  now: Date;
  /** The whole read, body included. */
  timeoutMs?: number;
  /** Bodies over this are refused, not buffered: a feed is a few hundred KB at most. */
  maxBytes?: number;
};

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
/** However long a server asks us to wait, a feed is tried again within a day. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** A feed address: http or https only (no file:, no ftp:, nothing the server should not open). */
export const feedUrlSchema = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const { protocol } = new URL(value);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  }, 'The feed address must be an http:// or https:// link.');

/**
 * Read `url` once, asking only for changes since `previous`. Never throws:
 * every failure is a `failed` read whose `error` a host can act on. Neither
 * the error nor anything else returned holds the URL: channels put a secret
 * token in it (Airbnb in the query, VRBO in the path); use feedLabel to show it.
 */
export async function fetchFeed(
  url: string,
  previous: FeedValidators,
  options: FetchFeedOptions,
): Promise<FeedRead> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const address = feedUrlSchema.safeParse(url);
  if (!address.success) {
    return failed(address.error.issues[0]?.message ?? 'The feed address is not valid.');
  }

  const headers: Record<string, string> = {
    Accept: 'text/calendar, text/plain;q=0.9, */*;q=0.5',
    'User-Agent': 'Keyhold calendar sync',
  };
  if (previous.etag) headers['If-None-Match'] = previous.etag;
  if (previous.lastModified) headers['If-Modified-Since'] = previous.lastModified;

  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response | undefined;
  for (let attempt = 1; !response; attempt++) {
    try {
      // no-store: the conditional GET is ours; Next's fetch cache must not answer it.
      response = await fetch(address.data, {
        headers,
        signal,
        redirect: 'follow',
        cache: 'no-store',
      });
    } catch (error) {
      // A kept-alive connection the server had already closed (seen when a busy process
      // reuses it late) fails before any answer: a GET is safe to send once more.
      if (attempt === 1 && !signal.aborted && isDroppedConnection(error)) continue;
      return failed(networkError(error, timeoutMs));
    }
  }

  if (response.status === 304) {
    await discard(response);
    return { kind: 'not_modified' };
  }
  if (!response.ok) {
    await discard(response);
    const status = response.status;
    const retryAt =
      status === 429 || status >= 500
        ? retryAfter(response.headers.get('retry-after'), options.now)
        : null;
    return failed(statusError(status), status, retryAt);
  }

  const tooLarge = `The feed is larger than ${formatBytes(maxBytes)}.`;
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await discard(response);
    return failed(tooLarge, response.status);
  }

  let body: string;
  try {
    const read = await readAtMost(response, maxBytes);
    if (read === null) return failed(tooLarge, response.status);
    body = read;
  } catch (error) {
    return failed(networkError(error, timeoutMs), response.status);
  }
  return {
    kind: 'ok',
    body,
    etag: response.headers.get('etag'),
    lastModified: response.headers.get('last-modified'),
  };
}

/**
 * A feed address as a page may show it: the host and the path, with any
 * token-like path segment cut to its first characters and the query dropped.
 */
export function feedLabel(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'invalid address';
  }
  const segments: string[] = [];
  for (const segment of parsed.pathname.split('/').filter(Boolean)) {
    // Listing ids and file names are short; secrets (VRBO's hex, UUIDs) are long.
    if (segment.length > 24) {
      segments.push(`${segment.slice(0, 4)}…`);
      break;
    }
    segments.push(segment);
  }
  const label = [parsed.host, ...segments].join('/');
  return label.length > 80 ? `${label.slice(0, 79)}…` : label;
}

function failed(
  error: string,
  status: number | null = null,
  retryAt: Date | null = null,
): FeedRead {
  return { kind: 'failed', error, status, retryAt };
}

/** The body as text, or null once it passes `maxBytes` (the rest is never downloaded). */
async function readAtMost(response: Response, maxBytes: number): Promise<string | null> {
  const bytes = await readBytesAtMost(response, maxBytes);
  // iCal is UTF-8 (RFC 5545 §3.1.4); TextDecoder also drops a byte-order mark.
  return bytes === null ? null : new TextDecoder('utf-8').decode(bytes);
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

function statusError(status: number): string {
  if (status === 401 || status === 403) {
    return `The calendar server refused access (HTTP ${status}). The link may have been reset: copy the export link again.`;
  }
  if (status === 404 || status === 410) {
    return `The calendar server has no feed at this address (HTTP ${status}). Copy the export link again.`;
  }
  if (status === 429) return 'The calendar server asked us to slow down (HTTP 429).';
  if (status >= 500) return `The calendar server had an error (HTTP ${status}).`;
  return `The calendar server answered HTTP ${status} instead of the calendar.`;
}

/**
 * What went wrong below HTTP, in words. undici's message is "fetch failed"
 * and its cause may quote the address, so only the cause's code is read.
 */
function networkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `The calendar server did not answer within ${timeoutMs / 1000} seconds.`;
  }
  const code = errorCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return 'Could not connect to the calendar server (connection refused).';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Could not find the calendar server: check the address.';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'The calendar server closed the connection.';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'Could not connect to the calendar server in time.';
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return 'The calendar server’s certificate is not valid.';
  }
  return 'Could not read the calendar feed.';
}

function isDroppedConnection(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}

function errorCode(error: unknown): string | null {
  const cause = error instanceof Error ? (error.cause as unknown) : null;
  for (const candidate of [cause, (cause as { errors?: unknown[] } | null)?.errors?.[0], error]) {
    const code = (candidate as { code?: unknown } | null | undefined)?.code;
    if (typeof code === 'string') return code;
  }
  return null;
}

/** Retry-After as delay-seconds or an HTTP date, from `now`, at most a day ahead; null when absent or unreadable. */
function retryAfter(header: string | null, now: Date): Date | null {
  if (!header) return null;
  const value = header.trim();
  let at: number;
  if (/^\d+$/.test(value)) at = now.getTime() + Number(value) * 1000;
  else {
    at = Date.parse(value);
    if (Number.isNaN(at)) return null;
  }
  return new Date(Math.min(Math.max(at, now.getTime()), now.getTime() + MAX_RETRY_AFTER_MS));
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}
