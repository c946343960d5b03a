import { publicUrlFromEnv } from '@/lib/env';

export { lockLabel } from '@/lib/devices/lock-label';

/**
 * Where the dashboard shows a stay or a lock: a full link when `PUBLIC_URL`
 * is set, else the path (the member's browser knows the host).
 */
const link = (path: string) => `${publicUrlFromEnv() ?? ''}${path}`;
export const stayPath = (reservationId: string) => link(`/reservations/${reservationId}`);
export const lockPath = (deviceId: string) => link(`/locks/${deviceId}`);
