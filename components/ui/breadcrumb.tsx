import Link from 'next/link';

/** "Settings / Guest messages": the way back up, and where the page is. */
export function Breadcrumb({
  parent,
  current,
}: {
  parent: { href: string; label: string };
  current: string;
}) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
      <Link href={parent.href} className="text-brand-700 underline underline-offset-4">
        {parent.label}
      </Link>
      <span aria-hidden> / </span>
      <span aria-current="page">{current}</span>
    </nav>
  );
}
