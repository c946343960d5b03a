// `npm run admin -- <command> [--flags]`: the operator's tool for what has no
// screen yet — organizations, first members, API keys — for replacing
// factory-reset locks many at a time, and for driving the simulated adapter in
// demos. Bad flags exit 2 before the database is opened; expected failures
// (AppError) exit 1 with their message, naming the flag when the command maps
// the error's field to one; anything else exits 1 with a generic line, details
// only under LOG_LEVEL=debug.

import { createApiKeyCommand, revokeApiKeyCommand } from './admin/api-keys';
import { type Commands, runCli } from './admin/cli';
import {
  backupPoolCommand,
  connectSeamCommand,
  connectZwaveCommand,
  listLocksCommand,
} from './admin/locks';
import { createOrganizationCommand } from './admin/organizations';
import { newLocksCommand, placeLockCommand, replaceLockCommand } from './admin/replacement';
import {
  factoryResetCommand,
  keypadCommand,
  lockOfflineCommand,
  lockOnlineCommand,
  removeCodeAtLockCommand,
  unlockWithKeyCommand,
} from './admin/simulated';
import {
  addCalendarCommand,
  addWebhookSourceCommand,
  importCsvCommand,
  readCalendarsCommand,
} from './admin/sources';
import { createUserCommand } from './admin/users';

const commands: Commands = {
  'create-organization': createOrganizationCommand,
  'create-user': createUserCommand,
  'create-api-key': createApiKeyCommand,
  'revoke-api-key': revokeApiKeyCommand,
  'list-locks': listLocksCommand,
  'backup-pool': backupPoolCommand,
  'lock-offline': lockOfflineCommand,
  'lock-online': lockOnlineCommand,
  'remove-code-at-lock': removeCodeAtLockCommand,
  'new-locks': newLocksCommand,
  'replace-lock': replaceLockCommand,
  'connect-seam': connectSeamCommand,
  'connect-zwave': connectZwaveCommand,
  'place-lock': placeLockCommand,
  'factory-reset': factoryResetCommand,
  keypad: keypadCommand,
  'unlock-with-key': unlockWithKeyCommand,
  'add-calendar': addCalendarCommand,
  'read-calendars': readCalendarsCommand,
  'add-webhook-source': addWebhookSourceCommand,
  'import-csv': importCsvCommand,
};

const code = await runCli(commands, process.argv.slice(2));
process.exitCode = code;
// Everything is closed; if a stray handle keeps the process up, do not hang the operator's shell.
setTimeout(() => process.exit(code), 2000).unref();
