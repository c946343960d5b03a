import { isServer, QueryClient } from '@tanstack/react-query';

/** Thrown by client fetchers so retries can skip answers that will not change. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Server-rendered data is fresh on arrival; do not refetch it at once.
        staleTime: 5_000,
        retry: (failures, error) =>
          !(error instanceof HttpError && error.status >= 400 && error.status < 500) &&
          failures < 2,
      },
    },
  });
}

let browserClient: QueryClient | undefined;

/** One client per browser tab; a fresh one per server request. */
export function getQueryClient() {
  if (isServer) return makeQueryClient();
  browserClient ??= makeQueryClient();
  return browserClient;
}

export async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as {
      error?: { message?: string };
    } | null;
    throw new HttpError(
      response.status,
      body?.error?.message ?? `Request failed (${response.status})`,
    );
  }
  return (await response.json()) as T;
}
