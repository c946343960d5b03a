/**
 * Seam's HTTP API as Keyhold speaks it: POST with a JSON body on every path,
 * which the real API and Seam's fake server both accept (reference/seam-api.md
 * §4 and §6; the official SDK's PATCH and DELETE verbs fail on the fake). Each
 * call has a bounded time; refusals for load (429) and server errors are
 * retried with backoff.
 */

export type SeamClientOptions = {
  apiKey: string;
  /** Seam's API (settings' `SEAM_ENDPOINT`), or a Seam-compatible server. */
  endpoint: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Further attempts after a 429, a 5xx, a timeout or a broken connection. */
  retries?: number;
  /** Waits between attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
};

/** A call Seam answered with an error, or did not answer. */
export class SeamApiError extends Error {
  constructor(
    /** HTTP status; 0 when no answer came (timeout, refused connection). */
    readonly status: number,
    /** Seam's `error.type`, e.g. `device_not_found`; `timeout` or `network` without an answer. */
    readonly type: string,
    message: string,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'SeamApiError';
  }

  /** Seam might take the same call if it came again: overload, its own failure, or no answer. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }

  /** Seam refused the call before doing anything (no answer or a 5xx leaves that open). */
  get refused(): boolean {
    return this.status === 429;
  }
}

const RETRY_BASE_MS = 300;
const RETRY_CAP_MS = 5_000;

export class SeamClient {
  private readonly endpoint: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: SeamClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  /**
   * POST `body` to `path` and return the parsed answer. `retry: 'refused'`
   * repeats only calls Seam refused outright (429): for a create, where a
   * repeat after a 5xx could make a second code.
   */
  async call<T>(
    path: string,
    body: Record<string, unknown>,
    { retry = 'any' }: { retry?: 'any' | 'refused' } = {},
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(path, body);
      } catch (error) {
        if (!(error instanceof SeamApiError)) throw error;
        const again = retry === 'any' ? error.retryable : error.refused;
        if (!again || attempt >= this.retries) throw error;
        await this.sleep(this.delayMs(attempt, error));
      }
    }
  }

  private retryAfterMs = new WeakMap<SeamApiError, number>();

  private delayMs(attempt: number, error: SeamApiError): number {
    const asked = this.retryAfterMs.get(error);
    if (asked !== undefined) return Math.min(RETRY_CAP_MS, asked);
    const base = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 3 ** attempt);
    return Math.round(base * (0.5 + this.random() * 0.5));
  }

  private async once<T>(path: string, body: Record<string, unknown>): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new SeamApiError(
        0,
        timedOut ? 'timeout' : 'network',
        timedOut
          ? `Seam did not answer within ${Math.round(this.timeoutMs / 1000)} s.`
          : 'Seam could not be reached.',
      );
    }
    const requestId = response.headers.get('seam-request-id');
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok && isObject(parsed)) return parsed as T;
    const apiError = isObject(parsed) && isObject(parsed.error) ? parsed.error : undefined;
    const type = typeof apiError?.type === 'string' ? apiError.type : `http_${response.status}`;
    // Seam's own words where it gave them; never the response body otherwise.
    const message =
      typeof apiError?.message === 'string'
        ? apiError.message
        : response.ok
          ? 'Seam answered with something that is not JSON.'
          : `Seam answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
    const error = new SeamApiError(response.ok ? 502 : response.status, type, message, requestId);
    const retryAfter = Number(response.headers.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter > 0) {
      this.retryAfterMs.set(error, retryAfter * 1000);
    }
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
