import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/ui/empty-state';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { firstValues } from '@/lib/http/search-params';
import { requirePageActor } from '@/lib/http/session';
import { listStayOptions, stayOptionsSchema } from '@/lib/reservations/options';
import { NewReservationForm } from './new-reservation-form';

export const metadata: Metadata = { title: 'New reservation' };

export default async function NewReservationPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('reservations.manage');
  // A bad or foreign property id in the address just falls back to the first property.
  const parsed = stayOptionsSchema.safeParse(firstValues(await searchParams));
  const options = await listStayOptions(
    await getDb(),
    actor,
    parsed.success ? parsed.data : {},
    clock.now(),
  );

  return (
    <div className="mx-auto max-w-3xl space-y-5">
      <div>
        <Link
          href="/reservations"
          className="text-sm text-brand-700 underline-offset-2 hover:underline"
        >
          ← Reservations
        </Link>
        <h1 className="mt-1 text-xl font-semibold">New reservation</h1>
        <p className="text-sm text-slate-600">
          Keyhold makes one guest code for the stay and puts it on each lock shortly before
          check-in.
        </p>
      </div>
      {options.properties.length === 0 || !options.propertyId ? (
        <EmptyState>
          There is no property yet. A property and its locks are needed before a stay can be made.
        </EmptyState>
      ) : (
        <NewReservationForm
          key={options.propertyId}
          properties={options.properties}
          propertyId={options.propertyId}
          locks={options.locks}
          commonDoors={options.commonDoors}
        />
      )}
    </div>
  );
}
