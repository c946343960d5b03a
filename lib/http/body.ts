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
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw refuse();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
