'use client';

import { useActionState, useState } from 'react';
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
        <p
          role="alert"
          data-testid="member-error"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          {problem}
        </p>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-3">
                Name
              </th>
              <th scope="col" className="px-4 py-3">
                Email
              </th>
              <th scope="col" className="px-4 py-3">
                Role
              </th>
              <th scope="col" className="hidden px-4 py-3 md:table-cell">
                Last sign-in
              </th>
              <th scope="col" className="px-4 py-3">
                <span className="sr-only">Access</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.map((m) => {
              const self = m.userId === currentUserId;
              return (
                <tr
                  key={m.userId}
                  data-testid="member-row"
                  className={m.disabled ? 'bg-slate-50' : ''}
                >
                  <td className="px-4 py-3 font-medium">
                    {m.name}
                    {self ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}
                    {m.disabled ? (
                      <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs text-slate-700">
                        Disabled
                      </span>
                    ) : null}
                  </td>
                  <td className="px-4 py-3 text-slate-600">{m.email}</td>
                  <td className="px-4 py-3">
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
                        <button
                          type="submit"
                          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-slate-700 hover:bg-slate-100"
                        >
                          Change role
                        </button>
                      </form>
                    )}
                  </td>
                  <td className="hidden px-4 py-3 text-slate-600 md:table-cell">
                    {m.lastSignIn ?? 'Never'}
                  </td>
                  <td className="px-4 py-3 text-right">
                    {self ? null : (
                      <form
                        action={async (formData) => {
                          if (
                            !m.disabled &&
                            !window.confirm(
                              `Disable ${m.name}? They are signed out and cannot sign in until enabled again.`,
                            )
                          ) {
                            return;
                          }
                          report(await setMemberDisabledAction(formData));
                        }}
                      >
                        <input type="hidden" name="userId" value={m.userId} />
                        <input
                          type="hidden"
                          name="disabled"
                          value={m.disabled ? 'false' : 'true'}
                        />
                        <button
                          type="submit"
                          aria-label={`${m.disabled ? 'Enable' : 'Disable'} ${m.name}`}
                          className={
                            m.disabled
                              ? 'rounded-md border border-slate-300 px-3 py-1 text-slate-700 hover:bg-slate-100'
                              : 'rounded-md border border-red-300 px-3 py-1 text-red-700 hover:bg-red-50'
                          }
                        >
                          {m.disabled ? 'Enable' : 'Disable'}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <AddMember />
    </div>
  );
}

function AddMember() {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<MemberRole>('front_desk');
  const [copied, setCopied] = useState(false);
  const [state, action, adding] = useActionState(
    async (previous: ActionResult<AddedMemberResult> | null, formData: FormData) => {
      const result = await addMemberAction(previous, formData);
      setCopied(false);
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
        <button
          type="submit"
          disabled={adding}
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60 sm:mt-6"
        >
          {adding ? 'Adding…' : 'Add member'}
        </button>
      </form>
      {unplaced ? (
        <p role="alert" className="text-sm text-red-700">
          {unplaced}
        </p>
      ) : null}
      {state?.ok ? (
        <div
          role="status"
          className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm"
        >
          {state.data.temporaryPassword ? (
            <>
              <p className="font-medium text-emerald-900">
                {state.data.name} ({state.data.email}) can now sign in as{' '}
                {ROLE_LABELS[state.data.role].toLowerCase()} with this temporary password. Pass it
                on now: it will not be shown again.
              </p>
              <div className="flex flex-wrap items-center gap-2">
                <code
                  data-testid="temporary-password"
                  className="break-all rounded bg-white px-2 py-1 font-mono text-slate-900"
                >
                  {state.data.temporaryPassword}
                </code>
                <button
                  type="button"
                  onClick={async () => {
                    await navigator.clipboard?.writeText(state.data.temporaryPassword ?? '');
                    setCopied(true);
                  }}
                  className="rounded-md border border-emerald-300 bg-white px-2 py-1 text-emerald-900"
                >
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
            </>
          ) : (
            <p className="font-medium text-emerald-900">
              {state.data.email} already had a Keyhold account and was added as{' '}
              {ROLE_LABELS[state.data.role].toLowerCase()}. They sign in with their own password.
            </p>
          )}
        </div>
      ) : null}
    </div>
  );
}
