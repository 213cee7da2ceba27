// The photo half of moderation for a video made from a photo: the image classifier sees the photo with its motion
// prompt. A refusal is recorded like a refused prompt (a strike, appealable); a classifier that cannot decide
// refuses the photo path without a strike, since nothing was judged.
import fs from 'node:fs/promises';
import type { SourceImage } from '../api.ts';
import type { Choice, Reply } from '../model.ts';
import { ImageModerationUnavailable, type ImageModerator, type MediaStore } from '../ports.ts';
import type { ModerationPolicy } from '../moderation/policy.ts';

export interface PhotoModerationDeps {
  imageModerator?: ImageModerator;
  mediaStore: MediaStore;
  moderation: Pick<ModerationPolicy, 'record'>;
}

const reply = (key: string, choices?: Choice[]): Reply => ({
  kind: 'text',
  message: { key },
  ...(choices ? { choices } : {}),
});

/** What the recorded refusal names: the photo's key (admins reviewing the appeal find it) and the prompt. */
export const photoRecordText = (photo: SourceImage, prompt: string) => `[photo ${photo.key}] ${prompt}`;

/** Null when the photo may be animated; else the replies refusing it. */
export async function moderatePhoto(
  d: PhotoModerationDeps,
  userId: string,
  photo: SourceImage,
  prompt: string,
): Promise<Reply[] | null> {
  if (!d.imageModerator) return [reply('photo.moderation_unavailable')];
  let verdict: Awaited<ReturnType<NonNullable<PhotoModerationDeps['imageModerator']>['checkImage']>>;
  try {
    const file = await d.mediaStore.getFile(photo.key);
    verdict = await d.imageModerator.checkImage({ bytes: await fs.readFile(file), contentType: 'image/jpeg' }, prompt);
  } catch (err) {
    if (err instanceof ImageModerationUnavailable) return [reply('photo.moderation_unavailable')];
    throw err;
  }
  const { banned } = await d.moderation.record(userId, photoRecordText(photo, prompt), verdict);
  if (verdict.allowed) return null;
  const refusal = reply(`moderation.refused.${verdict.category ?? 'other'}`, [
    { label: { key: 'moderation.appeal_button' }, command: '/appeal' },
  ]);
  return banned ? [refusal, reply('core.banned_now')] : [refusal];
}
