// Real-format test photos made with sharp: a JPEG carrying EXIF with GPS tags and an orientation, a PNG of a given
// size, a non-image renamed .jpg, and a 30 MB PNG of noise (stored uncompressed so it really is that large).
import crypto from 'node:crypto';
import sharp from 'sharp';

/** The GPS position written into test photos; none of it may reach a provider. */
export const GPS = {
  GPSLatitudeRef: 'N',
  GPSLatitude: '25/1 2/1 3/1',
  GPSLongitudeRef: 'E',
  GPSLongitude: '121/1 33/1 54/1',
};

/** A landscape JPEG (w×h as stored) with EXIF: camera make, GPS, and `orientation` (6 = shown rotated 90°). */
export async function jpegWithGps(width = 640, height = 480, orientation = 1): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><circle cx="${width / 3}" cy="${height / 2}" r="${height / 4}" fill="#2255aa"/></svg>`,
        ),
      },
    ])
    .jpeg({ quality: 85 })
    .withMetadata({ orientation })
    .withExifMerge({ IFD0: { Make: 'VidGoTestCam', Model: 'GPS-1' }, IFD3: GPS })
    .toBuffer();
}

export async function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#88aa22' } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** A text file named photo.jpg: the bytes are not an image whatever the name says. */
export const notAnImage = () =>
  Buffer.from('%PDF-1.7\nThis is a document renamed to photo.jpg, not an image.\n'.repeat(20));

/** A real PNG of about 30 MB (random pixels, no compression). */
export async function png30mb(): Promise<Buffer> {
  const w = 3200;
  const h = 3200;
  return sharp(crypto.randomBytes(w * h * 3), { raw: { width: w, height: h, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

/** Whether the bytes carry EXIF (any), and any GPS tag value we wrote. */
export async function exifOf(
  bytes: Buffer,
): Promise<{ exif: boolean; gpsText: boolean; orientation?: number; width?: number; height?: number }> {
  const m = await sharp(bytes).metadata();
  const gpsText = bytes.includes(Buffer.from('VidGoTestCam')) || bytes.includes(Buffer.from('121/1'));
  return { exif: Boolean(m.exif), gpsText, orientation: m.orientation, width: m.width, height: m.height };
}
