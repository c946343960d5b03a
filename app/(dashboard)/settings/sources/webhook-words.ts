// A webhook source's shapes and endpoint, for the server page and the add form alike.

import type { WebhookShape } from '@/lib/sources/webhook';

export const WEBHOOK_SHAPE_LABELS: Record<WebhookShape, string> = {
  generic: 'Generic (Keyhold’s JSON)',
  guesty: 'Guesty',
};

/** Where a webhook source takes deliveries (app/api/sources/[id]/webhook). */
export const webhookEndpoint = (origin: string, sourceId: string) =>
  `${origin}/api/sources/${sourceId}/webhook`;
