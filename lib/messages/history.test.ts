import { describe, expect, it } from 'vitest';
import { describeDelivery } from './history';

const NOW = new Date('2026-11-26T17:00:00Z');
const ZONE = 'America/New_York';
const row = (overrides: Partial<Parameters<typeof describeDelivery>[0]> = {}) => ({
  status: 'queued' as const,
  attempts: 0,
  lastError: null,
  nextAttemptAt: NOW,
  sentAt: null,
  providerMessageId: null,
  ...overrides,
});

describe('describeDelivery', () => {
  it.each([
    ['queued and due', row(), 'queued', 'Queued: goes out within seconds'],
    [
      'queued for later',
      row({ nextAttemptAt: new Date('2026-11-27T15:00:00Z') }),
      'queued',
      'Goes out Fri, 27 Nov 2026, 10:00 EST',
    ],
    [
      'retrying after a failure',
      row({
        attempts: 2,
        lastError: 'ECONNREFUSED',
        nextAttemptAt: new Date('2026-11-26T17:04:00Z'),
      }),
      'retrying',
      'Failed 2 times; trying again Thu, 26 Nov 2026, 12:04 EST: ECONNREFUSED',
    ],
    [
      'sent through a provider',
      row({ status: 'sent', sentAt: NOW, providerMessageId: '<abc@harbor.example>' }),
      'sent',
      'Sent Thu, 26 Nov 2026, 12:00 EST',
    ],
    [
      'only logged',
      row({ status: 'sent', sentAt: NOW, providerMessageId: 'logged-1234' }),
      'logged',
      'Logged, not sent',
    ],
    [
      'given up on',
      row({ status: 'failed', attempts: 1, lastError: 'EENVELOPE 550: no such user' }),
      'failed',
      'Not delivered: EENVELOPE 550: no such user',
    ],
  ])('%s', (_name, input, state, label) => {
    const view = describeDelivery(input, ZONE, NOW);
    expect(view.state).toBe(state);
    expect(view.stateLabel).toContain(label);
  });
});
