/** A lock's connection in a word, with a dot that helps the eye. */
export function OnlineStatus({ online }: { online: boolean }) {
  return online ? (
    <span className="inline-flex items-center gap-1.5 text-emerald-700">
      <span aria-hidden className="size-2 rounded-full bg-emerald-500" /> Online
    </span>
  ) : (
    <span className="inline-flex items-center gap-1.5 font-medium text-red-700">
      <span aria-hidden className="size-2 rounded-full bg-red-500" /> Offline
    </span>
  );
}
