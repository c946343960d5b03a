/** The lock as staff know it: "Room 204", or "Front door (room 204)" when the name does not say it. */
export function lockLabel(lock: { name: string; room: string | null }): string {
  return lock.room && !lock.name.includes(lock.room)
    ? `${lock.name} (room ${lock.room})`
    : lock.name;
}

/** Where the dashboard shows a stay or a lock; emails carry the path, the member's browser knows the host. */
export const stayPath = (reservationId: string) => `/reservations/${reservationId}`;
export const lockPath = (deviceId: string) => `/locks/${deviceId}`;
