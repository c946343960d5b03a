// A real HTTP server on 127.0.0.1 that plays a calendar channel for tests and
// e2e runs: it serves .ics bodies with ETags, and can be told to fail, throttle,
// stall or send far too much.

import { createHash } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers one request however a test likes. */
export type FeedResponder = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export type FeedOptions = {
  /** The ETag sent with the body; a hash of the body unless given. `null` sends none. */
  etag?: string | null;
  /** A Last-Modified date (HTTP date); answered 304 when If-Modified-Since is not older. */
  lastModified?: string;
  /** Milliseconds to wait before answering at all. */
  delayMs?: number;
  contentType?: string;
};

export type FeedServer = {
  /** The full URL of `path` (which may carry a query) on this server. */
  url(path: string): string;
  /** What `path` answers from now on: an .ics body (with ETag / Last-Modified) or a responder. */
  setFeed(path: string, feed: string | FeedResponder, options?: FeedOptions): void;
  /** Requests made to `path` (its query ignored) so far. */
  requestCount(path: string): number;
  /** The headers of the latest request to `path`, to check what a client sent. */
  lastRequestHeaders(path: string): IncomingHttpHeaders | undefined;
  close(): Promise<void>;
};

/** Answer `status` with no body (a 500, a 429 with `Retry-After`, a 404, …). */
export function statusResponder(
  status: number,
  headers: Record<string, string> = {},
): FeedResponder {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end();
  };
}

/**
 * A body of `bytes` bytes, streamed in chunks with no Content-Length (as a
 * misbehaving server would), stopping when the client hangs up. `bytesSent`
 * tells how much the latest request was given before that.
 */
export function largeBodyResponder(bytes: number): FeedResponder & { bytesSent(): number } {
  const chunk = Buffer.alloc(64 * 1024, 'X');
  let sent = 0;
  const responder: FeedResponder = (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/calendar' });
    sent = 0;
    let closed = false;
    req.socket.once('close', () => {
      closed = true;
    });
    const pump = () => {
      while (!closed && sent < bytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  };
  return Object.assign(responder, { bytesSent: () => sent });
}

/** Start a loopback feed server on a free port. Paths not set answer 404. */
export async function startFeedServer(): Promise<FeedServer> {
  const feeds = new Map<string, { feed: string | FeedResponder; options: FeedOptions }>();
  const counts = new Map<string, number>();
  const lastHeaders = new Map<string, IncomingHttpHeaders>();
  const timers = new Set<NodeJS.Timeout>();

  const pathOf = (raw: string) => new URL(raw, 'http://feed.test').pathname;

  const server = createServer((req, res) => {
    const path = pathOf(req.url ?? '/');
    counts.set(path, (counts.get(path) ?? 0) + 1);
    lastHeaders.set(path, req.headers);
    const entry = feeds.get(path);
    const answer = () => {
      if (!entry) return statusResponder(404)(req, res);
      if (typeof entry.feed === 'function') return entry.feed(req, res);
      return serveBody(req, res, entry.feed, entry.options);
    };
    const delayMs = entry?.options.delayMs ?? 0;
    if (delayMs <= 0) {
      void answer();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) void answer();
    }, delayMs);
    timers.add(timer);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (path) => `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`,
    setFeed(path, feed, options = {}) {
      feeds.set(pathOf(path), { feed, options });
    },
    requestCount: (path) => counts.get(pathOf(path)) ?? 0,
    lastRequestHeaders: (path) => lastHeaders.get(pathOf(path)),
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function serveBody(req: IncomingMessage, res: ServerResponse, body: string, options: FeedOptions) {
  const etag =
    options.etag === undefined
      ? `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`
      : options.etag;
  const headers: Record<string, string> = {
    'Content-Type': options.contentType ?? 'text/calendar; charset=utf-8',
  };
  if (etag) headers.ETag = etag;
  if (options.lastModified) headers['Last-Modified'] = options.lastModified;

  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = req.headers['if-modified-since'];
  const etagMatches =
    etag !== null && ifNoneMatch?.split(',').some((candidate) => candidate.trim() === etag);
  const notModifiedSince =
    ifNoneMatch === undefined &&
    options.lastModified !== undefined &&
    ifModifiedSince !== undefined &&
    Date.parse(ifModifiedSince) >= Date.parse(options.lastModified);
  if (etagMatches || notModifiedSince) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}
