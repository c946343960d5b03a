'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { queryKeys } from '@/lib/query-keys';
import { acknowledgeAlertsAction } from './actions';

export function AcknowledgeButton({ alertIds, label }: { alertIds: string[]; label: string }) {
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        size="sm"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await acknowledgeAlertsAction(alertIds);
            setError(result.ok ? null : result.error);
            // The list and the navigation's badge both read alerts.
            await queryClient.invalidateQueries({ queryKey: queryKeys.alerts.all });
          })
        }
      >
        {pending ? 'Acknowledging…' : label}
      </Button>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </span>
  );
}
