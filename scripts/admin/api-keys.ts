// Keys for the Seam-style API.

import { z } from 'zod';
import { createApiKey, createApiKeySchema, revokeApiKey } from '../../lib/api-keys';
import { actorFor, defineCommand, jsonFlag, organizationFlag, uuidFlag } from './cli';
import { clean, print, printJson } from './output';

export const createApiKeyCommand = defineCommand({
  summary: 'Create a key for the Seam-style API. The key is printed once and never again.',
  synopsis: '--organization <id> --name "PMS" [--json]',
  flags: { organization: 'string', name: 'string', json: 'boolean' },
  required: ['organization', 'name'],
  schema: z.object({
    organization: organizationFlag,
    name: createApiKeySchema.shape.name,
    json: jsonFlag,
  }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const { apiKey, key } = await createApiKey(context.database.db, actor, { name: input.name });
    if (input.json) return printJson({ ...key, apiKey });
    print(
      `Created API key "${clean(key.name)}" (id ${key.id}) for ${clean(actor.organizationName)}.`,
    );
    print('Copy it now; it is not shown again:');
    print(apiKey);
  },
});

export const revokeApiKeyCommand = defineCommand({
  summary: 'Revoke an API key; requests with it fail from now on. Revoking twice is harmless.',
  synopsis: '--organization <id> --key-id <uuid>',
  flags: { organization: 'string', 'key-id': 'string' },
  required: ['organization', 'key-id'],
  schema: z.object({
    organization: organizationFlag,
    'key-id': uuidFlag('the id create-api-key printed'),
  }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    await revokeApiKey(context.database.db, actor, input['key-id'], context.now);
    print(`Revoked API key ${input['key-id']}.`);
  },
});
