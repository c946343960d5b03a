/**
 * Keyhold's name, tagline and colours where code needs them: the page
 * metadata, the web manifest and the icon script. The same navy is the
 * background of public/icon.svg and `--color-brand-900` in app/globals.css.
 */
export const BRAND = {
  name: 'Keyhold',
  description: 'Guest and backup access codes on every lock, before every arrival.',
  /** brand-900: the mark's background and the phone's title bar. */
  color: '#12305c',
  /** slate-50: the page behind everything, shown while the app opens. */
  background: '#f8fafc',
} as const;
