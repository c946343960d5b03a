import { describe, expect, it } from 'vitest';
import { type CodeForGuest, describeCodes } from './stay-codes';

const code = (digits: string, lockName: string, room: string | null, commonDoor = false) =>
  ({ code: digits, lockName, room, commonDoor, startsAt: null, endsAt: null }) as CodeForGuest;

describe('describeCodes', () => {
  it('names the stay’s room, never its common door, and one PIN when they share it', () => {
    expect(
      describeCodes([code('4821', 'Room 101', '101'), code('4821', 'Entrance', 'Lobby', true)]),
    ).toEqual({ code: '4821', room: '101' });
  });

  it('tells each code where they differ, the common door by its name', () => {
    expect(
      describeCodes([code('482193', 'Room 101', '101'), code('5512', 'Entrance', 'Lobby', true)]),
    ).toEqual({ code: '482193 (room 101), 5512 (Entrance)', room: '101' });
  });

  it('falls back to the lock’s name when no room is known', () => {
    expect(describeCodes([code('4821', 'Garden gate', null, true)])).toEqual({
      code: '4821',
      room: 'Garden gate',
    });
  });
});
