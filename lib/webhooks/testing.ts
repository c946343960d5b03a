import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  WEBHOOK_DELIVERY_ID_HEADER,
  WEBHOOK_EVENT_TYPE_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from './signature';

/** For tests and the bench: one request a loopback receiver took, as it arrived. */
export type ReceivedDelivery = {
  path: string;
  /** The raw body, byte for byte, as a signature is checked over it. */
  body: string;
  signature: string | null;
  eventType: string | null;
  deliveryId: string | null;
  /** performance.now() when the body was complete. */
  receivedAt: number;
  /** What the receiver answered. */
  status: number;
};

/** How to answer the nth (1-based) request to a path: a status, or never answer. */
export type Answer = (path: string, nth: number) => number | 'hang';

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name.toLowerCase()];
  return typeof value === 'string' ? value : null;
};

/**
 * For tests and the bench: a real HTTP receiver on 127.0.0.1 that records
 * every delivery (the test checks the signature with the secret it was
 * shown) and answers as `answer` says (204 by default).
 */
export async function startWebhookReceiver(options: { answer?: Answer; port?: number } = {}) {
  const received: ReceivedDelivery[] = [];
  const counts = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const nth = (counts.get(path) ?? 0) + 1;
      counts.set(path, nth);
      const answer = options.answer?.(path, nth) ?? 204;
      received.push({
        path,
        body: Buffer.concat(chunks).toString('utf8'),
        signature: header(req, WEBHOOK_SIGNATURE_HEADER),
        eventType: header(req, WEBHOOK_EVENT_TYPE_HEADER),
        deliveryId: header(req, WEBHOOK_DELIVERY_ID_HEADER),
        receivedAt: performance.now(),
        status: answer === 'hang' ? 0 : answer,
      });
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer, { 'content-type': 'text/plain' });
      res.end(answer < 300 ? '' : 'no');
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    /** What arrived at one path. */
    at: (path: string) => received.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
