/** Shared by the e2e server script and the tests. Not secrets: a throwaway test server. */
export const E2E = {
  // Overridable so two checkouts on one machine can run their suites side by side.
  port: Number(process.env.E2E_PORT ?? 3100),
  password: 'harbor-e2e-password',
  cronSecret: 'e2e-cron-secret-0123456789',
  authSecret: 'e2e-auth-secret-0123456789-0123456789-0123456789',
  /**
   * Seam's fake server beside the app, with one workspace of two quick locks
   * and one that never confirms a code (scripts/e2e-server.ts).
   */
  seam: {
    port: Number(process.env.E2E_SEAM_PORT ?? 3101),
    apiKey: 'seam_e2e_harbor_workspace_key',
    locks: ['Seam Room 401', 'Seam Room 402'],
    slowLock: 'Seam Room 403',
  },
  /**
   * A Z-Wave network beside the app: zwave-js's mock controller and two mock
   * locks behind the real driver and a real Z-Wave JS Server on this port
   * (scripts/e2e-server.ts), for connecting Z-Wave JS from Settings.
   */
  zwave: {
    port: Number(process.env.E2E_ZWAVE_PORT ?? 3102),
    /** Node ids of its locks; Z-Wave JS names a lock it knows no name for "Z-Wave lock <node>". */
    nodes: [2, 3],
  },
  users: {
    admin: { email: 'admin@harbor.example', name: 'Alex Admin', label: 'Admin' },
    owner: { email: 'owner@harbor.example', name: 'Olivia Owner', label: 'Owner' },
    front_desk: { email: 'frontdesk@harbor.example', name: 'Frank Desk', label: 'Front desk' },
  },
} as const;

export type Role = keyof typeof E2E.users;
export const ROLES = Object.keys(E2E.users) as Role[];
export const storageStatePath = (role: Role) => `e2e/.auth/${role}.json`;
