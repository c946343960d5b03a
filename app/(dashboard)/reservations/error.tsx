'use client';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

// Shown when a reservations page fails to render; expected outcomes (not found,
// bad input) never land here, so the message stays generic.
export default function ReservationsError({ reset }: { error: Error; reset: () => void }) {
  return (
    <Alert tone="error" className="space-y-3">
      <p>Something went wrong loading reservations. Please try again.</p>
      <Button size="sm" onClick={reset}>
        Try again
      </Button>
    </Alert>
  );
}
