import { describe, expect, it } from 'vitest';
import type { LockForCodes } from '@/lib/access-codes/store';
import { planDoor } from './codes';
import type { StaffNeed } from './plan';

const at = (iso: string) => new Date(iso);
const lock: LockForCodes = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Room 101',
  codeConstraints: { allowedLengths: [6], digitsOnly: true },
  supportsNativeScheduling: false,
  organizationId: '00000000-0000-4000-8000-000000000002',
  propertyId: '00000000-0000-4000-8000-000000000003',
  leadMinutes: 30,
};
const person = '00000000-0000-4000-8000-000000000004';
const need = (startsAt: string, endsAt: string): StaffNeed => ({
  staffMemberId: person,
  organizationId: lock.organizationId,
  name: 'Maria Lopez',
  role: 'cleaning',
  code: '482915',
  deviceId: lock.id,
  intervals: [{ startsAt: at(startsAt), endsAt: at(endsAt) }],
});
const code = (id: string, startsAt: string, endsAt: string, status = 'unset' as const) => ({
  id,
  deviceId: lock.id,
  staffMemberId: person,
  startsAt: at(startsAt),
  endsAt: at(endsAt),
  name: 'Maria Lopez',
  code: '482915',
  status,
  externalRef: null,
});

describe('planDoor', () => {
  it('when windows merge over two codes, keeps the one running on the lock and deletes the one not begun', () => {
    const now = at('2026-11-26T15:00:00Z');
    const friday = code('friday', '2026-11-27T12:30:00Z', '2026-11-27T22:30:00Z');
    const thursday = {
      ...code('thursday', '2026-11-26T12:30:00Z', '2026-11-26T22:30:00Z'),
      status: 'set' as const,
      externalRef: 'ext-1',
    };
    const plan = planDoor(
      lock,
      [need('2026-11-26T12:30:00Z', '2026-11-27T22:30:00Z')],
      [friday, thursday],
      now,
    );
    expect(plan.deletes).toEqual(['friday']);
    expect(plan.moves.map((m) => m.id)).toEqual(['thursday']);
    expect(plan.inserts).toEqual([]);
  });
});
