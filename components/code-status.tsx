import { type Tone as PillTone, StatusPill } from '@/components/status-pill';
import type { CodeStatusWords, Tone } from '@/lib/access-codes/describe';

const PILL: Record<Tone, PillTone> = { ok: 'green', info: 'slate', warning: 'amber', error: 'red' };

/**
 * A code's state as every page shows it: the words of `describeCodeStatus`
 * in a pill, with its explanation and what to do when asked for. Seam's names
 * for the code's issues ride in the tooltip for integrators.
 */
export function CodeStatus({
  state,
  seamStatus,
  seamIssues = [],
  detail = false,
}: {
  state: Pick<CodeStatusWords, 'condition' | 'title' | 'tone' | 'explanation' | 'action'>;
  /** Seam's `status` of the code. */
  seamStatus?: string;
  /** Seam's names of the code's errors and warnings. */
  seamIssues?: string[];
  /** Show the explanation and the action under the pill. */
  detail?: boolean;
}) {
  const seam = [
    seamStatus ? `Seam status: ${seamStatus}` : null,
    seamIssues.length > 0 ? seamIssues.join(', ') : null,
  ].filter(Boolean);
  return (
    <span className="inline-flex flex-col gap-0.5">
      <span
        data-testid="code-status"
        data-condition={state.condition}
        title={seam.length > 0 ? seam.join(' · ') : undefined}
      >
        <StatusPill tone={PILL[state.tone]}>{state.title}</StatusPill>
      </span>
      {detail && state.explanation ? (
        <span className="text-xs text-slate-600">{state.explanation}</span>
      ) : null}
      {detail && state.action ? (
        <span className="text-xs font-medium text-red-800">{state.action}</span>
      ) : null}
    </span>
  );
}
