'use client';

import { useEffect, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { DataTable, Td } from '@/components/ui/data-table';
import { Field, FormProblem } from '@/components/ui/field';
import { ShownOnce } from '@/components/ui/shown-once';
import { useFormAction } from '@/components/ui/use-form-action';
import type { MemberRole } from '@/db/schema';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import type { ActionResult } from '@/lib/http/action';
import {
  addMemberAction,
  changeMemberRoleAction,
  endMemberSessionsAction,
  setMemberDisabledAction,
} from './member-actions';

export type MemberRow = {
  userId: string;
  name: string;
  email: string;
  role: MemberRole;
  /** Already formatted in the organization's zone. */
  lastSignIn: string | null;
  disabled: boolean;
};

const ROLES = Object.keys(ROLE_LABELS) as MemberRole[];

export function Members({
  members,
  currentUserId,
}: {
  members: MemberRow[];
  currentUserId: string | null;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const [changed, setChanged] = useState<string | null>(null);
  const report = (result: ActionResult<null>) => {
    setChanged(null);
    setProblem(result.ok ? null : result.error);
  };

  return (
    <div className="space-y-4">
      {problem ? (
        <Alert tone="error" data-testid="member-error">
          {problem}
        </Alert>
      ) : null}
      {changed ? (
        <Alert tone="success" data-testid="member-changed">
          {changed}
        </Alert>
      ) : null}
      <DataTable
        columns={[
          { label: 'Name' },
          { label: 'Email' },
          { label: 'Role' },
          { label: 'Last sign-in', hideBelow: 'md' },
          { label: 'Access', srOnly: true },
        ]}
      >
        {members.map((m) => {
          const self = m.userId === currentUserId;
          return (
            <tr key={m.userId} data-testid="member-row" className={m.disabled ? 'bg-slate-50' : ''}>
              <Td className="font-medium">
                {m.name}
                {self ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}
                {m.disabled ? (
                  <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs text-slate-700">
                    Disabled
                  </span>
                ) : null}
              </Td>
              <Td className="text-slate-600">{m.email}</Td>
              <Td>
                {self ? (
                  ROLE_LABELS[m.role]
                ) : (
                  <RoleChoice member={m} onProblem={setProblem} onChanged={setChanged} />
                )}
              </Td>
              <Td hideBelow="md" className="text-slate-600">
                {m.lastSignIn ?? 'Never'}
              </Td>
              <Td className="text-right">
                {self ? null : m.disabled ? (
                  <Button
                    size="sm"
                    aria-label={`Enable ${m.name}`}
                    onClick={async () =>
                      report(await setMemberDisabledAction({ userId: m.userId, disabled: false }))
                    }
                  >
                    Enable
                  </Button>
                ) : (
                  <span className="inline-flex flex-wrap justify-end gap-2">
                    <ConfirmButton
                      size="sm"
                      aria-label={`Sign ${m.name} out everywhere`}
                      question={`Sign ${m.name} out everywhere?`}
                      details={
                        <p>
                          Every browser they are signed in with is signed out at its next click.
                          They can sign in again.
                        </p>
                      }
                      confirmLabel="Yes, sign them out"
                      pendingLabel="Signing out…"
                      onConfirm={async () => {
                        const result = await endMemberSessionsAction({ userId: m.userId });
                        setProblem(result.ok ? null : result.error);
                        setChanged(
                          result.ok
                            ? `${m.name} was signed out of ${result.data.ended === 1 ? '1 session' : `${result.data.ended} sessions`}.`
                            : null,
                        );
                        return result.ok;
                      }}
                    >
                      Sign out everywhere…
                    </ConfirmButton>
                    <ConfirmButton
                      size="sm"
                      aria-label={`Disable ${m.name}`}
                      question={`Disable ${m.name}?`}
                      details={<p>They are signed out and cannot sign in until enabled again.</p>}
                      confirmLabel={`Yes, disable ${m.name}`}
                      pendingLabel="Disabling…"
                      onConfirm={async () => {
                        const result = await setMemberDisabledAction({
                          userId: m.userId,
                          disabled: true,
                        });
                        report(result);
                        return result.ok;
                      }}
                    >
                      Disable…
                    </ConfirmButton>
                  </span>
                )}
              </Td>
            </tr>
          );
        })}
      </DataTable>
      <AddMember />
    </div>
  );
}

/**
 * A member's role: choose another, then confirm it. The choice is the page's
 * own state, so after saving it shows the role saved (a form reset used to
 * put the old one back), and the page says what changed.
 */
function RoleChoice({
  member,
  onProblem,
  onChanged,
}: {
  member: MemberRow;
  onProblem: (problem: string | null) => void;
  onChanged: (changed: string | null) => void;
}) {
  const [role, setRole] = useState<MemberRole>(member.role);
  // The saved role wins when the page's data moves on (another admin, a refresh).
  useEffect(() => setRole(member.role), [member.role]);
  const label = ROLE_LABELS[role];
  return (
    <div className="flex flex-wrap items-start gap-2">
      <label htmlFor={`role-${member.userId}`} className="sr-only">
        Role of {member.name}
      </label>
      <select
        id={`role-${member.userId}`}
        value={role}
        onChange={(event) => {
          setRole(event.target.value as MemberRole);
          onChanged(null);
        }}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </select>
      {role === member.role ? null : (
        <ConfirmButton
          size="sm"
          question={`Change ${member.name}’s role from ${ROLE_LABELS[member.role].toLowerCase()} to ${label.toLowerCase()}?`}
          details={<p>What they may see and do changes on their next page.</p>}
          confirmLabel={`Yes, make ${member.name} ${label.toLowerCase()}`}
          pendingLabel="Changing…"
          onConfirm={async () => {
            const result = await changeMemberRoleAction({ userId: member.userId, role });
            onProblem(result.ok ? null : result.error);
            if (result.ok) {
              setRole(result.data.role);
              onChanged(`${member.name} is now ${ROLE_LABELS[result.data.role].toLowerCase()}.`);
            }
            return result.ok;
          }}
        >
          Change role
        </ConfirmButton>
      )}
    </div>
  );
}

function AddMember() {
  const { form, pending, answer, refusal, fieldErrors } = useFormAction(addMemberAction, {
    resetOnSuccess: true,
  });

  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h3 className="text-sm font-semibold">Add a member</h3>
      <form {...form} className="grid items-start gap-3 sm:grid-cols-[2fr_2fr_1fr_auto]">
        <Field name="email" label="Email" error={fieldErrors.email}>
          {(control) => <input {...control} type="email" autoComplete="off" />}
        </Field>
        <Field name="name" label="Name" error={fieldErrors.name}>
          {(control) => <input {...control} autoComplete="off" />}
        </Field>
        <Field name="role" label="Role" error={fieldErrors.role}>
          {(control) => (
            <select {...control} defaultValue="front_desk">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Button type="submit" variant="primary" disabled={pending} className="sm:mt-6">
          {pending ? 'Adding…' : 'Add member'}
        </Button>
      </form>
      <FormProblem refusal={refusal} fields={['email', 'name', 'role']} />
      {answer?.ok && answer.data.temporaryPassword ? (
        <ShownOnce
          message={`${answer.data.name} (${answer.data.email}) can now sign in as ${ROLE_LABELS[answer.data.role].toLowerCase()} with this temporary password. Pass it on now: it will not be shown again.`}
          value={answer.data.temporaryPassword}
          testId="temporary-password"
        />
      ) : answer?.ok ? (
        <Alert tone="success">
          {answer.data.email} already had a Keyhold account and was added as{' '}
          {ROLE_LABELS[answer.data.role].toLowerCase()}. They sign in with their own password.
        </Alert>
      ) : null}
    </div>
  );
}
