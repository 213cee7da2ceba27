// Size limits of the chat platforms and the height each resolution tier allows.
// Sources: docs/outside-contracts.md §6 (LINE mp4 ≤ 200 MB, preview JPEG ≤ 1 MB), §7 (Telegram: 50 MB multipart upload,
// 20 MB by URL), §8 (Discord: 10 MiB per attachment since 2025-01-16).
import type { Resolution } from '../../core/model.ts';

export const PLATFORM_MAX_BYTES = {
  discord: 10 * 1024 * 1024,
  telegramUpload: 50 * 1000 * 1000,
  telegramUrl: 20 * 1000 * 1000,
  line: 200 * 1000 * 1000,
} as const;

export const PREVIEW_MAX_BYTES = 1000 * 1000;

export const TIER_MAX_HEIGHT: Record<Resolution, number> = { '720p': 720, '1080p': 1080, '4k': 2160 };
