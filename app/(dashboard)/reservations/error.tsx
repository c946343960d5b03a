'use client';

// Shown when a reservations page fails to render; expected outcomes (not found,
// bad input) never land here, so the message stays generic.
export default function ReservationsError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div
      role="alert"
      className="space-y-3 rounded-lg border border-red-200 bg-red-50 px-4 py-6 text-sm text-red-900"
    >
      <p>Something went wrong loading reservations. Please try again.</p>
      <button
        type="button"
        onClick={reset}
        className="rounded-md border border-red-300 bg-white px-3 py-1.5 text-red-800"
      >
        Try again
      </button>
    </div>
  );
}
