import { SMTPServer } from 'smtp-server';
import type { Transport } from './transport-types';
import { smtpTransport } from './transports';

/** For tests: what a loopback SMTP server accepted. */
export type ReceivedMail = { raw: string; to: string[]; port: number };

/**
 * For tests: a real SMTP server on 127.0.0.1 (no TLS, no login) that appends
 * every message it accepts to `received`. Port 0 picks a free one.
 */
export async function startSmtpServer(
  received: ReceivedMail[],
  port = 0,
): Promise<{ server: SMTPServer; port: number; close: () => Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          to: session.envelope.rcptTo.map((r) => r.address),
          port: (server.server.address() as { port: number }).port,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    server,
    port: (server.server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** For tests: email through the loopback server on `port`, giving up after 2 s. */
export function loopbackSmtp(port: number): Transport {
  return smtpTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    from: 'Front desk <desk@harbor.example>',
    timeoutMs: 2_000,
  });
}
