/** A query string as plain strings: a repeated key keeps its first value, on pages and in routes. */
export function firstValues(
  params: URLSearchParams | Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = params instanceof URLSearchParams ? params.entries() : Object.entries(params);
  for (const [key, value] of entries) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && !Object.hasOwn(out, key)) out[key] = first;
  }
  return out;
}
