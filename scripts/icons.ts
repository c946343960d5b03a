// Renders public/icon.svg, the one drawing of Keyhold's mark, into the
// bitmaps browsers and phones ask for: the tab's favicon.ico, the iPhone
// home-screen icon and the web manifest's two sizes. Run it after changing
// the SVG (`npx tsx scripts/icons.ts`) and commit what it writes.
// sharp comes with Next.js (it optimizes images), so it needs no dependency of its own.
import { readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { BRAND } from '../lib/brand';

const PUBLIC = new URL('../public/', import.meta.url);

const svg = await readFile(new URL('icon.svg', PUBLIC));
const png = (size: number) => sharp(svg, { density: 300 }).resize(size, size).png().toBuffer();

await writeFile(new URL('icon-192.png', PUBLIC), await png(192));
await writeFile(new URL('icon-512.png', PUBLIC), await png(512));
// iOS rounds the corners itself and shows transparent ones black: fill them.
await writeFile(
  new URL('apple-touch-icon.png', PUBLIC),
  await sharp(await png(180))
    .flatten({ background: BRAND.color })
    .png()
    .toBuffer(),
);
await writeFile(new URL('favicon.ico', PUBLIC), ico(await Promise.all([16, 32, 48].map(png))));

/** An .ico holding PNG images, which every current browser reads. */
function ico(images: Buffer[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((image, i) => {
    const entry = 6 + 16 * i;
    const size = image.readUInt32BE(16); // the PNG's IHDR width; images are square
    header.writeUInt8(size >= 256 ? 0 : size, entry); // width, 0 meaning 256
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1); // height
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(image.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += image.length;
  });
  return Buffer.concat([header, ...images]);
}
