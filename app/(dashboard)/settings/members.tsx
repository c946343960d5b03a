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
import { INVITATION_DAYS } from '@/lib/organizations/invitation-days';
import {
  addMemberAction,
  changeMemberRoleAction,
  endMemberSessionsAction,
  removeMemberAction,
  revokeInvitationAction,
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

export type InvitationRow = {
  id: string;
  email: string;
  name: string;
  role: MemberRole;
  /** Already formatted in the organization's zone. */
  expires: string;
};

const ROLES = Object.keys(ROLE_LABELS) as MemberRole[];

export function Members({
  members,
  invitations,
  currentUserId,
}: {
  members: MemberRow[];
  invitations: InvitationRow[];
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
                {self ? null : (
                  <div className="flex justify-end gap-2">
                    {m.disabled ? null : (
                      <SignOutEverywhere member={m} onProblem={setProblem} onChanged={setChanged} />
                    )}
                    <Access member={m} report={report} />
                    <ConfirmButton
                      size="sm"
                      aria-label={`Remove ${m.name}`}
                      question={`Remove ${m.name} from this organization?`}
                      details={
                        <p>
                          They lose access here at once. Their account stays; to come back they need
                          a new invitation.
                        </p>
                      }
                      confirmLabel={`Yes, remove ${m.name}`}
                      pendingLabel="Removing…"
                      onConfirm={async () => {
                        const result = await removeMemberAction({ userId: m.userId });
                        report(result);
                        return result.ok;
                      }}
                    >
                      Remove…
                    </ConfirmButton>
                  </div>
                )}
              </Td>
            </tr>
          );
        })}
      </DataTable>
      {invitations.length > 0 ? <Invitations invitations={invitations} report={report} /> : null}
      <AddMember />
    </div>
  );
}

/** Disable or enable one member here; their other organizations are not touched. */
/** An admin ends every session of a member (a lost phone, a shared computer). */
function SignOutEverywhere({
  member: m,
  onProblem,
  onChanged,
}: {
  member: MemberRow;
  onProblem: (problem: string | null) => void;
  onChanged: (changed: string | null) => void;
}) {
  return (
    <ConfirmButton
      size="sm"
      aria-label={`Sign ${m.name} out everywhere`}
      question={`Sign ${m.name} out everywhere?`}
      details={
        <p>
          Every browser they are signed in with is signed out at its next click. They can sign in
          again.
        </p>
      }
      confirmLabel="Yes, sign them out"
      pendingLabel="Signing out…"
      onConfirm={async () => {
        const result = await endMemberSessionsAction({ userId: m.userId });
        onProblem(result.ok ? null : result.error);
        onChanged(
          result.ok
            ? `${m.name} was signed out of ${result.data.ended === 1 ? '1 session' : `${result.data.ended} sessions`}.`
            : null,
        );
        return result.ok;
      }}
    >
      Sign out everywhere…
    </ConfirmButton>
  );
}

function Access({
  member: m,
  report,
}: {
  member: MemberRow;
  report: (result: ActionResult<null>) => void;
}) {
  return m.disabled ? (
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
  );
}

function Invitations({
  invitations,
  report,
}: {
  invitations: InvitationRow[];
  report: (result: ActionResult<null>) => void;
}) {
  return (
    <div className="space-y-2">
      <h3 className="text-sm font-semibold">Pending invitations</h3>
      <DataTable
        columns={[
          { label: 'Name' },
          { label: 'Email' },
          { label: 'Role' },
          { label: 'Expires', hideBelow: 'md' },
          { label: 'Actions', srOnly: true },
        ]}
      >
        {invitations.map((i) => (
          <tr key={i.id} data-testid="invitation-row">
            <Td className="font-medium">{i.name}</Td>
            <Td className="text-slate-600">{i.email}</Td>
            <Td>{ROLE_LABELS[i.role]}</Td>
            <Td hideBelow="md" className="text-slate-600">
              {i.expires}
            </Td>
            <Td className="text-right">
              <ConfirmButton
                size="sm"
                aria-label={`Revoke the invitation of ${i.email}`}
                question={`Revoke the invitation of ${i.email}?`}
                details={<p>Its link stops working at once.</p>}
                confirmLabel="Yes, revoke it"
                pendingLabel="Revoking…"
                onConfirm={async () => {
                  const result = await revokeInvitationAction({ invitationId: i.id });
                  report(result);
                  return result.ok;
                }}
              >
                Revoke…
              </ConfirmButton>
            </Td>
          </tr>
        ))}
      </DataTable>
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
      <h3 className="text-sm font-semibold">Invite a member</h3>
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
          {pending ? 'Inviting…' : 'Invite member'}
        </Button>
      </form>
      <FormProblem refusal={refusal} fields={['email', 'name', 'role']} />
      {answer?.ok ? (
        <ShownOnce
          message={`Invitation created for ${answer.data.email} as ${ROLE_LABELS[answer.data.role].toLowerCase()}. Pass this link on now: it will not be shown again, works once and expires in ${INVITATION_DAYS} days. They sign in (or create their account) there to join.`}
          value={`${window.location.origin}${answer.data.invitePath}`}
          testId="invitation-link"
        />
      ) : null}
    </div>
  );
}
