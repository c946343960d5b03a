// Organizations: the first thing an operator makes.

import { z } from 'zod';
import { createOrganization, createOrganizationSchema } from '../../lib/organizations/admin';
import { defineCommand, jsonFlag } from './cli';
import { clean, print, printJson } from './output';

export const createOrganizationCommand = defineCommand({
  summary: 'Create an organization and a first property of the same name and time zone.',
  synopsis: '--name "Harbor Hotel" [--time-zone America/New_York] [--json]',
  flags: { name: 'string', 'time-zone': 'string', json: 'boolean' },
  required: ['name'],
  schema: z.object({
    name: createOrganizationSchema.shape.name,
    'time-zone': createOrganizationSchema.shape.timeZone,
    json: jsonFlag,
  }),
  async run(input, { database }) {
    const org = await createOrganization(database.db, {
      name: input.name,
      timeZone: input['time-zone'],
    });
    if (input.json) return printJson(org);
    print(
      `Created organization ${clean(org.name)} (${org.timeZone}) with a property of the same name.`,
    );
    print(`Organization id: ${org.id}`);
  },
});
