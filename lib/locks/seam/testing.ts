import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createFake, type Fake } from '@seamapi/fake-seam-connect';

/**
 * Seam's own fake server (`@seamapi/fake-seam-connect`), started in-process
 * on a loopback port with one workspace, its API key and a connected account.
 * It never moves a code's status by itself: `setStatus` does what Seam would.
 * It listens on every interface, so keep it to test machines.
 */
export type FakeSeam = {
  fake: Fake;
  /** The endpoint to give the adapter, e.g. http://127.0.0.1:40123. */
  url: string;
  workspaceId: string;
  apiKey: string;
  addLock: (options?: FakeLockOptions) => string;
  setOnline: (deviceId: string, online: boolean) => void;
  /** Do what Seam does once the lock confirms: the code is `set` (or stored with its window). */
  setStatus: (
    accessCodeId: string,
    status: 'set' | 'setting' | 'unset',
    scheduled?: boolean,
  ) => void;
  /** Every code the fake holds for a device (its list endpoint does not filter). */
  codesOn: (
    deviceId: string,
  ) => { access_code_id: string; code: string; name: string; status: string }[];
  /**
   * What Seam does once the locks confirm, for every code still on its way:
   * `set`, or stored on the lock with its window when that starts later.
   */
  /** Do what a quick lock would: confirm every pending code, except on the locks named in `except`. */
  confirmAll: (now?: Date, except?: string[]) => void;
  /** Put a code on the lock the way a person at the keypad would (an unmanaged code). */
  addKeypadCode: (deviceId: string, code: string) => void;
  stop: () => Promise<void>;
};

export type FakeLockOptions = {
  name?: string;
  deviceType?: string;
  online?: boolean;
  lengths?: number[];
  slotLimit?: number;
  batteryLevel?: number;
};

export async function startFakeSeam(
  options: { apiKey?: string; port?: number } = {},
): Promise<FakeSeam> {
  const fake = await createFake();
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  const apiKey = options.apiKey ?? `seam_test_${randomUUID().replaceAll('-', '')}`;
  fake.database.addWorkspace({ name: 'Keyhold test hotel', workspace_id: workspaceId });
  fake.database.addApiKey({ token: apiKey, workspace_id: workspaceId });
  const account = fake.database.addConnectedAccount({
    provider: 'august',
    workspace_id: workspaceId,
    user_identifier: { email: 'locks@hotel.example' },
  });
  const server = await fake.startServer({ port: options.port ?? 0 });
  const { port } = server.server.address() as AddressInfo;
  // The fake's database getter reads its current state.
  const accessCodes = () =>
    fake.database.access_codes as unknown as {
      access_code_id: string;
      device_id: string;
      code: string;
      name: string;
      status: string;
      type?: string;
      starts_at?: string;
      is_managed?: boolean;
      is_scheduled_on_device?: boolean;
    }[];

  return {
    fake,
    url: `http://127.0.0.1:${port}`,
    workspaceId,
    apiKey,
    addLock: (options = {}) => {
      const name = options.name ?? `Room ${Math.floor(Math.random() * 900 + 100)}`;
      const device = fake.database.addDevice({
        device_type: (options.deviceType ?? 'august_lock') as never,
        workspace_id: workspaceId,
        connected_account_id: account.connected_account_id,
        name,
        display_name: name,
        can_program_online_access_codes: true,
        properties: {
          online: options.online ?? true,
          supported_code_lengths: options.lengths ?? [4, 6],
          ...(options.slotLimit !== undefined
            ? { max_active_codes_supported: options.slotLimit }
            : {}),
          battery: { level: options.batteryLevel ?? 0.9, status: 'good' },
          battery_level: options.batteryLevel ?? 0.9,
        } as never,
      });
      return device.device_id;
    },
    setOnline: (deviceId, online) => {
      fake.database.updateDevice({ device_id: deviceId, properties: { online } as never });
    },
    setStatus: (accessCodeId, status, scheduled = false) => {
      fake.database.updateAccessCode({
        access_code_id: accessCodeId,
        status,
        ...(scheduled ? { is_scheduled_on_device: true } : {}),
      } as never);
    },
    codesOn: (deviceId) => accessCodes().filter((c) => c.device_id === deviceId),
    addKeypadCode: (deviceId, code) => {
      fake.database.addAccessCode({
        workspace_id: workspaceId,
        device_id: deviceId,
        name: 'Keypad',
        code,
        is_managed: false,
        status: 'set',
      } as never);
    },
    confirmAll: (now = new Date(), except = []) => {
      for (const code of accessCodes()) {
        if (code.is_managed === false || code.status === 'set') continue;
        if (except.includes(code.device_id)) continue;
        const later = code.type === 'time_bound' && new Date(code.starts_at ?? 0) > now;
        if (later && code.is_scheduled_on_device) continue;
        fake.database.updateAccessCode({
          access_code_id: code.access_code_id,
          ...(later ? { status: 'unset', is_scheduled_on_device: true } : { status: 'set' }),
        } as never);
      }
    },
    stop: () => fake.stopServer(),
  };
}
