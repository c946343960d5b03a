import { AppError } from '@/lib/errors';

/**
 * A request's body as text, read no further than `maxBytes`: past it, the
 * read stops and the request is refused (400, naming `body`). Next caps no
 * route handler's body (the API skips the proxy, whose copy was capped), and a
 * chunked body announces no length, so the stream itself is counted.
 */
export async function readTextCapped(
  request: Request,
  maxBytes: number,
  tooLarge: string,
): Promise<string> {
  const refuse = () => new AppError('invalid_input', tooLarge, { field: 'body' });
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw refuse();
  const bytes = await readBytesAtMost(request, maxBytes);
  if (bytes === null) throw refuse();
  return bytes.toString('utf8');
}

/**
 * A request's or response's body, or null once it passes `maxBytes` (the rest
 * is never read: the stream is cancelled).
 */
export async function readBytesAtMost(
  message: Pick<Request, 'body'>,
  maxBytes: number,
): Promise<Buffer | null> {
  if (!message.body) return Buffer.alloc(0);
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
