const BASE = 'http://keyhold.invalid';

/**
 * Only same-site paths: a crafted callbackUrl must not send a signed-in user
 * elsewhere. Browsers drop tabs and newlines, so "/\t/evil.com" is "//evil.com";
 * parsing it the way a browser would catches every such trick.
 */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/')) return '/';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return '/';
  }
  if (url.origin !== BASE || url.pathname.startsWith('/sign-in')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
