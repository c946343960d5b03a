/**
 * The one source of "now". Domain functions take `now` as an argument; entry
 * points call `clock.now()`, which tests can move.
 */
let offsetMs = 0;
let frozen: Date | undefined;

export const clock = {
  now(): Date {
    return frozen ? new Date(frozen) : new Date(Date.now() + offsetMs);
  },
  /** Tests only: pin time, or move it by a number of milliseconds. */
  set(at: Date | undefined) {
    frozen = at;
  },
  advance(ms: number) {
    if (frozen) frozen = new Date(frozen.getTime() + ms);
    else offsetMs += ms;
  },
  reset() {
    frozen = undefined;
    offsetMs = 0;
  },
};
