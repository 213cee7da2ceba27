// What the photo path needs from outside core: validating and storing a received photo privately.
import type { SourceImage } from '../api.ts';

/** A received photo is refused above this size (before decoding), and so are its pixels above MAX_PHOTO_SIDE. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_PHOTO_SIDE = 4096;

export type PhotoRefusal = 'not_image' | 'too_large' | 'too_many_pixels';

export type PhotoIntakeResult = { ok: true; photo: SourceImage } | { ok: false; reason: PhotoRefusal };

/**
 * Checks a received photo (a real JPEG, PNG or WebP by its bytes, within the limits), normalises it (orientation
 * applied, every metadata block such as EXIF and GPS dropped) and stores it privately for the user; the store
 * deletes it after the retention.
 */
export interface PhotoIntake {
  accept(userId: string, bytes: Uint8Array): Promise<PhotoIntakeResult>;
}
