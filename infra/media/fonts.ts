// Fonts for ffmpeg drawtext. The committed DejaVu Sans Bold (assets/fonts, Bitstream Vera licence) covers Latin,
// Greek and Cyrillic. CJK/Hangul prompts are drawn in full only when the machine has a CJK font (fc-list); otherwise
// the renderer draws the prompt's drawable words, or "VidGo local preview" when fewer than 3 letters survive
// (no transliteration: a wrong reading is worse than none). See docs/providers.md.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE_FONT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../assets/fonts/DejaVuSans-Bold.ttf',
);
export const FALLBACK_TITLE = 'VidGo local preview';

let cjk: string | null | undefined;
/** A system font with CJK glyphs, or null (looked up once). */
export function cjkFont(): string | null {
  if (cjk !== undefined) return cjk;
  cjk = null;
  try {
    const out = execFileSync('fc-list', [':lang=zh', 'file'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 3000,
    });
    const file = out
      .split('\n')
      .map((l) => l.replace(/:\s*$/, '').trim())
      .find((f) => f && fs.existsSync(f));
    cjk = file ?? null;
  } catch {
    /* no fontconfig on this machine */
  }
  return cjk;
}

/** Characters DejaVu Sans draws: Latin, IPA, Greek, Cyrillic, general punctuation. */
const drawable = (ch: string) => {
  const c = ch.codePointAt(0)!;
  return c < 0x0530 || (c >= 0x1e00 && c <= 0x1fff) || (c >= 0x2000 && c <= 0x206f);
};

/** Picks the font and the text to draw for a prompt. */
export function fontFor(prompt: string, cjkFontFile = cjkFont()): { font: string; text: string } {
  const clean = prompt
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if ([...clean].every(drawable)) return { font: BASE_FONT, text: clean || FALLBACK_TITLE };
  if (cjkFontFile) return { font: cjkFontFile, text: clean };
  const kept = [...clean]
    .map((ch) => (drawable(ch) ? ch : ' '))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  const letters = kept.replace(/[^\p{L}\p{N}]/gu, '').length;
  return { font: BASE_FONT, text: letters >= 3 ? kept : FALLBACK_TITLE };
}

/** Wraps text into at most `maxLines` lines of about `width` characters (CJK counts one per character). */
export function wrap(text: string, width = 34, maxLines = 3): string {
  const words = /\s/.test(text) ? text.split(' ') : [...text];
  const sep = /\s/.test(text) ? ' ' : '';
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line ? line + sep + w : w;
    if ([...next].length > width && line) {
      lines.push(line);
      line = w;
    } else line = next;
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = [...lines[maxLines - 1]!].slice(0, width - 1).join('') + '…';
  }
  return lines.map((l) => ([...l].length > width ? [...l].slice(0, width - 1).join('') + '…' : l)).join('\n');
}
