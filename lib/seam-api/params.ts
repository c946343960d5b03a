import { z } from 'zod';
import { readTextCapped } from '@/lib/http/body';
import { isIsoInstant } from '@/lib/validation';

/** The largest body a Seam-style call may send (a `create_multiple` of 500 codes is ~100 KB). */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Request parameters as Seam's SDK sends them: a JSON body, a query string
 * (GET and DELETE), or both. Repeated query keys are arrays, `_strict` is the
 * SDK's and is dropped, and values arrive as strings — the schemas coerce.
 */
export async function readParams(request: Request): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = {};
  const url = new URL(request.url);
  for (const key of new Set(url.searchParams.keys())) {
    if (key === '_strict') continue;
    // The SDK sends null as an empty value: treat it as not given.
    const values = url.searchParams.getAll(key).filter((v) => v !== '');
    if (values.length > 0) params[key] = values.length > 1 ? values : values[0];
  }
  const text = await readTextCapped(
    request,
    MAX_BODY_BYTES,
    'The request body is larger than 1 MB.',
  );
  if (text.trim() !== '') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new BadBody('The request body is not valid JSON.');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadBody('The request body must be a JSON object.');
    }
    for (const [key, value] of Object.entries(body)) {
      // Own keys only: a body key "__proto__" must not become an inherited parameter.
      if (key !== '_strict' && key !== '__proto__') params[key] = value;
    }
  }
  return params;
}

export class BadBody extends Error {}

// Coercers for values that may arrive as query strings.
const fromQuery = (v: unknown) => (v === '' ? undefined : v);

export const seamString = (field: string, max = 500) =>
  z.preprocess(
    fromQuery,
    z
      .string({ error: `${field} must be a string.` })
      .max(max, `${field} must be at most ${max} characters.`)
      // Postgres text cannot hold NUL.
      .refine((s) => !s.includes('\u0000'), `${field} must not contain NUL characters.`),
  );

export const seamId = (field: string) =>
  z.preprocess(fromQuery, z.uuid({ error: `${field} must be a valid id.` }));

export const seamBoolean = (field: string) =>
  z.preprocess(
    (v) => (v === 'true' ? true : v === 'false' ? false : fromQuery(v)),
    z.boolean({ error: `${field} must be true or false.` }),
  );

export const seamInteger = (field: string, min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : fromQuery(v)),
    z
      .number({ error: `${field} must be a number.` })
      .int(`${field} must be a whole number.`)
      .min(min, `${field} must be at least ${min}.`)
      .max(max, `${field} must be at most ${max}.`),
  );

export const seamDate = (field: string) =>
  z.preprocess(
    (v) => (v === null ? undefined : fromQuery(v)),
    z
      .string({ error: `${field} must be an ISO 8601 date and time.` })
      .max(40, `${field} must be an ISO 8601 date and time.`)
      .refine(
        isIsoInstant,
        `${field} must be an ISO 8601 date and time that exists, like 2027-03-05T15:00:00Z.`,
      )
      .transform((s) => new Date(s))
      .refine(
        (d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100,
        `${field} must be between the years 2000 and 2100.`,
      ),
  );

export const seamIdList = (field: string, max = 500) =>
  z.preprocess(
    (v) => {
      if (v === undefined) return v;
      const list = Array.isArray(v) ? v : [v];
      return list.filter((x) => x !== '');
    },
    z
      .array(z.uuid({ error: `${field} must hold valid ids.` }))
      .max(max, `${field} holds too many ids.`),
  );

/** One value or several (repeated query keys), as a list. */
const asList = (v: unknown) =>
  v === undefined ? v : (Array.isArray(v) ? v : [v]).filter((x) => x !== '');

/** Seam's `between`: two ISO times, `[from, to]`. */
export const seamDateRange = (field: string) =>
  z.preprocess(
    asList,
    z
      .array(seamDate(field), { error: `${field} must be two dates: [from, to].` })
      .length(2, `${field} must be two dates: [from, to].`),
  );

/** One of the event types Keyhold writes, under Seam's names. */
export const seamEventType = <T extends readonly [string, ...string[]]>(field: string, types: T) =>
  z.preprocess(
    fromQuery,
    z.enum(types, {
      error: `${field} must be an event type Keyhold writes, such as ${types[0]} or access_code.set_on_device.`,
    }),
  );

export const seamEventTypeList = <T extends readonly [string, ...string[]]>(
  field: string,
  types: T,
) =>
  z.preprocess(
    asList,
    z.array(seamEventType(field, types)).max(50, `${field} holds too many types.`),
  );
