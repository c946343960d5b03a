import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { refused } from './testing';

// The shared helper every refusal test leans on must itself fail when the call was not refused.

describe('refused', () => {
  const refusal = AppError.notFound('Device');

  it('answers the AppError a refused call threw', async () => {
    expect(await refused(async () => Promise.reject(refusal))).toBe(refusal);
    expect(
      await refused(
        async () => 1,
        async () => Promise.reject(refusal),
      ),
    ).toBe(refusal);
  });

  it('fails when the call succeeds, or fails with anything but an AppError', async () => {
    await expect(refused(async () => 'done')).rejects.toThrow('should have been refused');
    const bug = new TypeError('x is undefined');
    await expect(refused(async () => Promise.reject(bug))).rejects.toMatchObject({
      message: 'the call should have been refused with an AppError',
      cause: bug,
    });
  });

  it('fails when a refused call changed what the snapshot reads', async () => {
    let rows = 1;
    const writesThenRefuses = async () => {
      rows += 1;
      throw refusal;
    };
    await expect(refused(async () => rows, writesThenRefuses)).rejects.toThrow(
      'a refused call should write nothing',
    );
  });
});
