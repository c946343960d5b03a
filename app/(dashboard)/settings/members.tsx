'use client';

import { useActionState, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { DataTable, Td } from '@/components/ui/data-table';
import { ShownOnce } from '@/components/ui/shown-once';
import type { MemberRole } from '@/db/schema';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import type { ActionResult } from '@/lib/http/action';
import {
  type AddedMemberResult,
  addMemberAction,
  changeMemberRoleAction,
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
  const report = (result: ActionResult<null>) => setProblem(result.ok ? null : result.error);

  return (
    <div className="space-y-4">
      {problem ? (
        <Alert tone="error" data-testid="member-error">
          {problem}
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
                  <form
                    className="flex items-center gap-2"
                    action={async (formData) => report(await changeMemberRoleAction(formData))}
                  >
                    <input type="hidden" name="userId" value={m.userId} />
                    <label htmlFor={`role-${m.userId}`} className="sr-only">
                      Role of {m.name}
                    </label>
                    <select
                      id={`role-${m.userId}`}
                      name="role"
                      defaultValue={m.role}
                      className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {ROLE_LABELS[role]}
                        </option>
                      ))}
                    </select>
                    <Button type="submit" size="sm">
                      Change role
                    </Button>
                  </form>
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

function AddMember() {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<MemberRole>('front_desk');
  const [state, action, adding] = useActionState(
    async (previous: ActionResult<AddedMemberResult> | null, formData: FormData) => {
      const result = await addMemberAction(previous, formData);
      if (result.ok) {
        setEmail('');
        setName('');
      }
      return result;
    },
    null,
  );
  const errorFor = (field: string) =>
    state && !state.ok && state.field === field ? state.error : null;
  const unplaced =
    state && !state.ok && !['email', 'name', 'role'].includes(state.field ?? '')
      ? state.error
      : null;
  const describedBy = (field: string) => (errorFor(field) ? `member-${field}-error` : undefined);
  const inputClass =
    'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none aria-invalid:border-red-500';

  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h3 className="text-sm font-semibold">Add a member</h3>
      <form
        action={action}
        noValidate
        className="grid items-start gap-3 sm:grid-cols-[2fr_2fr_1fr_auto]"
      >
        <div className="space-y-1">
          <label htmlFor="member-email" className="block text-sm font-medium">
            Email
          </label>
          <input
            id="member-email"
            name="email"
            type="email"
            autoComplete="off"
            maxLength={320}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={errorFor('email') ? true : undefined}
            aria-describedby={describedBy('email')}
            className={inputClass}
          />
          {errorFor('email') ? (
            <p id="member-email-error" role="alert" className="text-sm text-red-700">
              {errorFor('email')}
            </p>
          ) : null}
        </div>
        <div className="space-y-1">
          <label htmlFor="member-name" className="block text-sm font-medium">
            Name
          </label>
          <input
            id="member-name"
            name="name"
            autoComplete="off"
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={errorFor('name') ? true : undefined}
            aria-describedby={describedBy('name')}
            className={inputClass}
          />
          {errorFor('name') ? (
            <p id="member-name-error" role="alert" className="text-sm text-red-700">
              {errorFor('name')}
            </p>
          ) : null}
        </div>
        <div className="space-y-1">
          <label htmlFor="member-role" className="block text-sm font-medium">
            Role
          </label>
          <select
            id="member-role"
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value as MemberRole)}
            aria-invalid={errorFor('role') ? true : undefined}
            aria-describedby={describedBy('role')}
            className={inputClass}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
          {errorFor('role') ? (
            <p id="member-role-error" role="alert" className="text-sm text-red-700">
              {errorFor('role')}
            </p>
          ) : null}
        </div>
        <Button type="submit" variant="primary" disabled={adding} className="sm:mt-6">
          {adding ? 'Adding…' : 'Add member'}
        </Button>
      </form>
      {unplaced ? (
        <p role="alert" className="text-sm text-red-700">
          {unplaced}
        </p>
      ) : null}
      {state?.ok && state.data.temporaryPassword ? (
        <ShownOnce
          message={`${state.data.name} (${state.data.email}) can now sign in as ${ROLE_LABELS[state.data.role].toLowerCase()} with this temporary password. Pass it on now: it will not be shown again.`}
          value={state.data.temporaryPassword}
          testId="temporary-password"
        />
      ) : state?.ok ? (
        <Alert tone="success">
          {state.data.email} already had a Keyhold account and was added as{' '}
          {ROLE_LABELS[state.data.role].toLowerCase()}. They sign in with their own password.
        </Alert>
      ) : null}
    </div>
  );
}
