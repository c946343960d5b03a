// Members: the first people who sign in, before anyone can invite them from a screen.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { addMember, addMemberSchema } from '../../lib/organizations/admin';
import { actorFor, defineCommand, jsonFlag, organizationFlag, UsageError } from './cli';
import { clean, print, printJson } from './output';

export const createUserCommand = defineCommand({
  summary:
    'Add a member to an organization. A new email gets a user with this name and password; an existing user keeps theirs and only gains the membership.',
  synopsis:
    '--organization <id> --email ann@example.com --name "Ann" --role admin|owner|front_desk (--password <pw> | --password-stdin) [--json]',
  flags: {
    organization: 'string',
    email: 'string',
    name: 'string',
    role: 'string',
    password: 'string',
    'password-stdin': 'boolean',
    json: 'boolean',
  },
  required: ['organization', 'email', 'name', 'role'],
  schema: z
    .object({
      organization: organizationFlag,
      email: addMemberSchema.shape.email,
      name: addMemberSchema.shape.name,
      role: addMemberSchema.shape.role,
      password: addMemberSchema.shape.password.optional(),
      'password-stdin': z.boolean().default(false),
      json: jsonFlag,
    })
    .check((ctx) => {
      const { password, 'password-stdin': fromStdin } = ctx.value;
      if (password !== undefined && fromStdin) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          path: ['password'],
          message: 'give --password or --password-stdin, not both',
        });
      } else if (password === undefined && !fromStdin) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          path: ['password'],
          message: 'required (or pipe it in with --password-stdin)',
        });
      }
    }),
  prepare(input) {
    if (!input['password-stdin']) return input;
    if (process.stdin.isTTY) {
      throw new UsageError(
        'Invalid --password-stdin: stdin is a terminal; pipe the password in, e.g. < password.txt',
      );
    }
    // One trailing newline is what `echo` and most files add; anything else is the password.
    const password = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
    const parsed = addMemberSchema.shape.password.safeParse(password);
    if (!parsed.success) {
      throw new UsageError(`Invalid --password-stdin: ${parsed.error.issues[0]?.message}`);
    }
    return { ...input, password: parsed.data };
  },
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const member = await addMember(context.database.db, actor, {
      email: input.email,
      name: input.name,
      role: input.role,
      password: input.password ?? '',
    });
    if (input.json) return printJson({ ...member, organizationId: actor.organizationId });
    print(
      member.createdUser
        ? `Created user ${member.email} (${clean(member.name)}) as ${member.role} of ${clean(actor.organizationName)}.`
        : `${member.email} already had an account: added as ${member.role} of ${clean(actor.organizationName)}; their name and password are unchanged.`,
    );
    print(`User id: ${member.userId}`);
  },
});
