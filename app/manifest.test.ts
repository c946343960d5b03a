import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BRAND } from '@/lib/brand';
import { config } from '@/proxy';
import manifest from './manifest';

// The browser tab and a phone's home screen show Keyhold: the files in public/
// exist, are the images they claim to be, and signed-out browsers may fetch them.

const file = (name: string) => readFileSync(new URL(`../public/${name}`, import.meta.url));

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width, height and colour type from a PNG's header chunk; throws if it is not a PNG. */
function pngHeader(bytes: Buffer) {
  expect(bytes.subarray(0, 8).equals(PNG_MAGIC), 'PNG signature').toBe(true);
  expect(bytes.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colorType: bytes[25] };
}

describe('the web manifest', () => {
  const m = manifest();

  it('names Keyhold and opens the dashboard standalone in its colours', () => {
    expect(m).toMatchObject({
      name: 'Keyhold',
      short_name: 'Keyhold',
      start_url: '/',
      display: 'standalone',
      theme_color: BRAND.color,
      background_color: BRAND.background,
    });
    expect(m.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(m.background_color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('offers 192 and 512 pixel PNG icons that are that size', () => {
    const pngs = (m.icons ?? []).filter((icon) => icon.type === 'image/png');
    expect(pngs.map((icon) => icon.sizes)).toEqual(['192x192', '512x512']);
    for (const icon of pngs) {
      const { width, height } = pngHeader(file(icon.src.slice(1)));
      expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
    }
  });
});

describe('the icons', () => {
  it('has a favicon.ico whose every image is a PNG of the size its entry says', () => {
    const ico = file('favicon.ico');
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2), 'type 1 is an icon').toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => {
      const entry = 6 + 16 * i;
      const size = ico[entry] || 256;
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      expect(offset + length).toBeLessThanOrEqual(ico.length);
      const { width, height } = pngHeader(ico.subarray(offset, offset + length));
      expect([width, height]).toEqual([size, ico[entry + 1] || 256]);
      return size;
    });
    expect(sizes).toEqual(expect.arrayContaining([16, 32]));
  });

  it('has an opaque 180 pixel apple-touch-icon (iOS shows transparent corners black)', () => {
    const { width, height, colorType } = pngHeader(file('apple-touch-icon.png'));
    expect([width, height]).toEqual([180, 180]);
    expect(colorType, 'colour type 2 is RGB without alpha').toBe(2);
  });

  it('draws the SVG mark on the brand colour', () => {
    const svg = file('icon.svg').toString('utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toMatch(/viewBox="0 0 512 512"/);
    expect(svg).toContain(`<rect width="512" height="512" rx="112" fill="${BRAND.color}"/>`);
  });
});

describe('the sign-in redirect', () => {
  it('lets signed-out browsers fetch the icons and the manifest', () => {
    // Next reads the matcher as a path pattern; this one is also a plain regular expression.
    const [matcher] = config.matcher;
    const runsProxy = (path: string) => new RegExp(`^${matcher}$`).test(path);
    const files = [
      '/favicon.ico',
      '/icon.svg',
      '/apple-touch-icon.png',
      '/icon-192.png',
      '/icon-512.png',
      '/manifest.webmanifest',
    ];
    expect(files.filter(runsProxy)).toEqual([]);
    expect(['/', '/settings', '/locks/abc'].filter(runsProxy)).toHaveLength(3);
  });
});
