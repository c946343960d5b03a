// The framework's floor for a page: rendered per request, as every Keyhold page is.
export const dynamic = 'force-dynamic';

export default function Page() {
  return (
    <main>
      <h1>Bare Next</h1>
    </main>
  );
}
