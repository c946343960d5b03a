import { credentialsKeyFromEnv, env } from '@/lib/env';
import type { SeamClientOptions } from './client';

/** Where Seam is and the key that seals its credentials; from settings unless a test gives them. */
export type SeamSettings = { endpoint: string; credentialsKey: Buffer };

export function seamSettingsFromEnv(): SeamSettings {
  const settings = env();
  return {
    endpoint: settings.SEAM_ENDPOINT,
    credentialsKey: credentialsKeyFromEnv(),
  };
}

/** What reaches one Seam workspace, kept sealed with the settings' credentials key. */
export type SeamCredentials = { apiKey: string };

export function seamClientOptions(
  credentials: SeamCredentials,
  settings: SeamSettings,
): SeamClientOptions {
  return { apiKey: credentials.apiKey, endpoint: settings.endpoint };
}
