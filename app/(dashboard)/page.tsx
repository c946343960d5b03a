import { redirect } from 'next/navigation';
import { requirePageActor } from '@/lib/http/session';

// Arrivals will live here; until then the locks list is home.
export default async function HomePage() {
  await requirePageActor();
  redirect('/locks');
}
