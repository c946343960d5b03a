import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, withRequestId } from './log';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger(stream, 'info') };
}

describe('logger', () => {
  it('writes JSON lines carrying the request id', () => {
    const { lines, logger } = capture();
    withRequestId('req-123', () => logger.info({ event: 'x' }, 'hello'));
    expect(lines[0]).toMatchObject({ requestId: 'req-123', event: 'x', msg: 'hello' });
  });

  it('never writes passwords, secrets, API keys or PINs', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'hunter22',
        user: { password: 'hunter22' },
        apiKey: 'seam_live_abc',
        pin: '4821',
        accessCode: { id: 'a', code: '4821' },
        request: { headers: { authorization: 'Bearer x' } },
      },
      'careful',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['hunter22', 'seam_live_abc', '4821', 'Bearer x']) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({ password: '[redacted]', accessCode: { id: 'a' } });
  });
});

describe('error serialization', () => {
  it('keeps the SQL of a failed query but not its parameters', async () => {
    const { createTestDatabase } = await import('@/db/testing');
    const { accessCodes } = await import('@/db/schema');
    const database = await createTestDatabase();
    const { lines, logger } = capture();
    try {
      await database.db.insert(accessCodes).values({
        organizationId: '00000000-0000-4000-8000-000000000000',
        deviceId: '00000000-0000-4000-8000-000000000000',
        type: 'ongoing',
        code: '739104',
      });
      throw new Error('the insert should have failed');
    } catch (error) {
      logger.error({ err: error }, 'insert failed');
    } finally {
      await database.close();
    }
    const text = JSON.stringify(lines[0]);
    expect(text).toContain('insert into');
    expect(text).not.toContain('739104');
  });
});
