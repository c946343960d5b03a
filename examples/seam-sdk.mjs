// The hospitality guide's flow, written for Seam's SDK, run against Keyhold.
//
//   KEYHOLD_URL=http://localhost:3000 KEYHOLD_API_KEY=seam_kh_... [KEYHOLD_LOCK='Room 206'] \
//     node examples/seam-sdk.mjs
import { SeamHttp } from '@seamapi/http/connect';

const seam = SeamHttp.fromApiKey(process.env.KEYHOLD_API_KEY, {
  endpoint: `${process.env.KEYHOLD_URL ?? 'http://localhost:3000'}/api/seam`,
});

const locks = await seam.locks.list();
const lock = locks.find((l) => l.display_name === process.env.KEYHOLD_LOCK) ?? locks[0];
console.log(`${locks.length} locks; using ${lock.display_name}`);

// Time of creation: a stay from tomorrow 15:00 UTC to the day after 11:00 UTC.
const day = 24 * 60 * 60 * 1000;
const tomorrow = new Date(Date.now() + day).toISOString().slice(0, 10);
const after = new Date(Date.now() + 2 * day).toISOString().slice(0, 10);
const created = await seam.accessCodes.create({
  device_id: lock.device_id,
  name: 'Guest stay',
  starts_at: `${tomorrow}T15:00:00Z`,
  ends_at: `${after}T11:00:00Z`,
  use_backup_access_code_pool: true,
});
console.log(`Created access code ${created.access_code_id}: status ${created.status}`);

// Time of reservation: tell the guest their code, or say what is wrong.
const accessCode = await seam.accessCodes.get({ access_code_id: created.access_code_id });
if (accessCode.errors.length === 0) {
  console.log(`Hello Guest! Your access code is: ${accessCode.code}`);
} else {
  console.log(`Not ready: ${accessCode.errors.map((e) => e.error_code).join(', ')}`);
}

// The stay was cancelled after all.
await seam.accessCodes.delete({ access_code_id: created.access_code_id });
console.log('Deleted it again.');
