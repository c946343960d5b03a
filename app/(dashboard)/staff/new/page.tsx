import type { Metadata } from 'next';
import { Breadcrumb } from '@/components/ui/breadcrumb';
import { getDb } from '@/db/client';
import { requirePageActor } from '@/lib/http/session';
import { staffDoorChoices } from '@/lib/staff/members';
import { StaffForm } from '../staff-form';

export const metadata: Metadata = { title: 'Add a person' };

export default async function NewStaffMemberPage() {
  const actor = await requirePageActor('staff.manage');
  const choices = await staffDoorChoices(await getDb(), actor);
  return (
    <div className="mx-auto max-w-3xl space-y-5">
      <Breadcrumb parent={{ href: '/staff', label: 'Staff' }} current="Add a person" />
      <div>
        <h1 className="text-xl font-semibold">Add a person</h1>
        <p className="text-sm text-slate-600">
          Keyhold gives them one code and puts it on each of their doors for each of their windows.
          With an email or a phone, they are sent it at once.
        </p>
      </div>
      <StaffForm choices={choices} />
    </div>
  );
}
