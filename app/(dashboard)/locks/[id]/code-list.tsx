import { CodeStatus } from '@/components/code-status';
import { IssueList } from '@/components/issue-list';
import { DataTable, Td } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import type { Issue } from '@/db/schema';
import type { LockDetail, LockDetailCode } from '@/lib/devices/lock-detail';
import { codeLabel, windowWords } from './timeline';

function kindOf(code: LockDetailCode): string {
  if (code.isBackup) return 'Pulled backup';
  if (code.isPermanentBackup) return 'Permanent backup';
  if (code.reservationId) return 'Guest';
  if (code.staffMemberId) return 'Staff';
  return code.type === 'ongoing' ? 'Ongoing' : 'Time-bound';
}

/** The lock's guest and hand-made codes; each row is the target of its bar in the timeline. */
export function CodeList({ detail }: { detail: LockDetail }) {
  // The pool's own codes are counted below, never listed: their digits are nobody's yet.
  const codes = detail.codes.filter((c) => !(c.isBackup && !c.pulled));
  return (
    <section aria-labelledby="codes-heading" className="space-y-3">
      <h2 id="codes-heading" className="text-lg font-semibold">
        Codes
      </h2>
      {codes.length === 0 ? (
        <EmptyState>No guest or hand-made codes on this lock in the next two weeks.</EmptyState>
      ) : (
        <DataTable
          columns={[
            { label: 'Code' },
            { label: 'When' },
            { label: 'Status' },
            { label: 'Digits' },
            { label: 'Problems' },
          ]}
        >
          {codes.map((code) => (
            <tr
              key={code.id}
              id={`code-${code.id}`}
              data-testid="code-row"
              className="scroll-mt-24 target:bg-brand-50"
            >
              <Td>
                <span className="font-medium text-slate-900 wrap-anywhere">{codeLabel(code)}</span>
                <span className="block text-xs text-slate-500">{kindOf(code)}</span>
              </Td>
              <Td className="whitespace-nowrap">{windowWords(code, detail.timeZone)}</Td>
              <Td>
                <CodeStatus
                  state={code.state}
                  seamStatus={code.status}
                  seamIssues={[...code.errors, ...code.warnings].map((i) => i.code)}
                />
              </Td>
              <Td className="font-mono">
                {code.code ?? (
                  <span className="text-slate-500">
                    <span aria-hidden>••••••</span>
                    <span className="sr-only">Hidden</span>
                  </span>
                )}
              </Td>
              <Td>
                <Problems errors={code.errors} warnings={code.warnings} />
              </Td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

function Problems({ errors, warnings }: { errors: Issue[]; warnings: Issue[] }) {
  if (errors.length + warnings.length === 0) return <span className="text-slate-500">None</span>;
  return <IssueList errors={errors} warnings={warnings} />;
}
