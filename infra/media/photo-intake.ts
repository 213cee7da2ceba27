// PhotoIntake on sharp (libvips, shipped as prebuilt binaries inside its npm packages): the bytes must be a real
// JPEG, PNG or WebP (magic bytes, then a full decode), at most 10 MB and 4096 px a side after orientation. The
// stored copy is re-encoded as JPEG with the EXIF orientation applied and no metadata at all (sharp writes none
// unless asked: EXIF with its GPS tags, XMP, IPTC and ICC are all dropped). Stored under private/ (never public).
import { randomUUID } from 'node:crypto';
import type * as Sharp from 'sharp';
import type { MediaStore } from '../../core/ports.ts';
import { MAX_PHOTO_BYTES, MAX_PHOTO_SIDE, type PhotoIntake, type PhotoIntakeResult } from '../../core/photos/ports.ts';
import { PRIVATE_MEDIA_PREFIX } from '../../core/ports.ts';
import type { SqlPhotoRecords } from '../db/photo-repo.ts';

export type ImageFormat = 'jpeg' | 'png' | 'webp';

/** The format the first bytes announce (JPEG SOI + marker, the PNG signature, RIFF….WEBP), else null. */
export function sniffImage(b: Uint8Array): ImageFormat | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length >= 8 && png.every((v, i) => b[i] === v)) return 'png';
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return null;
}

let sharpModule: Promise<typeof Sharp.default> | undefined;
/** Loaded with the first photo, not at start-up (most instances' idle memory never needs libvips). */
const loadSharp = () => (sharpModule ??= import('sharp').then((m) => m.default));

export interface PhotoIntakeDeps {
  store: MediaStore;
  records: Pick<SqlPhotoRecords, 'add'>;
}

export function createPhotoIntake(d: PhotoIntakeDeps): PhotoIntake {
  return {
    async accept(userId, bytes): Promise<PhotoIntakeResult> {
      if (bytes.length > MAX_PHOTO_BYTES) return { ok: false, reason: 'too_large' };
      const format = sniffImage(bytes);
      if (!format) return { ok: false, reason: 'not_image' };
      const sharp = await loadSharp();
      let meta: Sharp.Metadata;
      try {
        meta = await sharp(bytes).metadata();
      } catch {
        return { ok: false, reason: 'not_image' };
      }
      if (meta.format !== format && !(format === 'jpeg' && meta.format === 'jpeg'))
        return { ok: false, reason: 'not_image' };
      if (!meta.width || !meta.height) return { ok: false, reason: 'not_image' };
      // Checked from the header, before any pixel is decoded.
      if (meta.width > MAX_PHOTO_SIDE || meta.height > MAX_PHOTO_SIDE) return { ok: false, reason: 'too_many_pixels' };
      let out: { data: Buffer; info: Sharp.OutputInfo };
      try {
        out = await sharp(bytes, { failOn: 'error' })
          .rotate()
          .flatten({ background: '#ffffff' })
          .jpeg({ quality: 90 })
          .toBuffer({ resolveWithObject: true });
      } catch {
        return { ok: false, reason: 'not_image' }; // the header was fine, the pixels are not (truncated, corrupt)
      }
      const key = `${PRIVATE_MEDIA_PREFIX}photos/${userId}/${randomUUID()}.jpg`;
      await d.store.put(key, out.data, 'image/jpeg');
      await d.records.add({ userId, key, width: out.info.width, height: out.info.height, sizeBytes: out.data.length });
      return { ok: true, photo: { key, width: out.info.width, height: out.info.height } };
    },
  };
}
