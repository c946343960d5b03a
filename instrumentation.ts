// Runs once when a Keyhold server process starts (next start, next dev).
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  const { boot } = await import('./lib/server/boot');
  await boot();
}
