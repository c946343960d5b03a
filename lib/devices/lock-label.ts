/**
 * A lock as staff know it in a sentence: "Room 204", or "Front door (room 204)"
 * when the name does not say the room. Arrivals' problems and staff emails
 * name locks this way. Pure, so pages may use it too.
 */
export function lockLabel(lock: { name: string; room: string | null }): string {
  return lock.room && !lock.name.includes(lock.room)
    ? `${lock.name} (room ${lock.room})`
    : lock.name;
}
