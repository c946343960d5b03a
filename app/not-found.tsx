import Link from 'next/link';
import { connection } from 'next/server';

export default async function NotFound() {
  // Rendered per request, never prerendered: a static page's scripts would
  // lack the request's CSP nonce and be blocked (lib/http/security-headers.ts).
  await connection();
  return (
    <main className="mx-auto flex min-h-[60vh] max-w-md flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-slate-600">
        This page does not exist, or your role does not give you access to it.
      </p>
      <Link href="/" className="text-brand-600 underline underline-offset-4 hover:text-brand-700">
        Back to Keyhold
      </Link>
    </main>
  );
}
