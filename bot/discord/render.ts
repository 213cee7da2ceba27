// Reply[] → one Discord message body (content + button rows) and at most one file. Files go as multipart
// (files[n] + payload_json) up to the 10 MiB default upload limit, else the video is a link (docs/outside-contracts.md §8).
import fs from 'node:fs/promises';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { Choice, Locale, Reply } from '../../core/model.ts';
import type { Translator } from '../../core/translator.ts';

export const DISCORD_UPLOAD_LIMIT = 10 * 1024 * 1024;
const CONTENT_MAX = 2000;

/**
 * No mention in a message of ours ever pings: content may echo a user's prompt ("@everyone …").
 * discord.com/developers/docs/resources/message#allowed-mentions-object (docs/platforms.md).
 */
export const NO_MENTIONS = { parse: [] as never[] };

export interface DiscordMessage {
  body: {
    content: string;
    components: APIActionRowComponent<APIButtonComponent>[];
    attachments?: { id: number; filename: string }[];
    allowed_mentions: typeof NO_MENTIONS;
  };
  files: { name: string; data: Buffer; contentType: string }[];
}

function rows(t: Translator, locale: Locale, choices: Choice[]): APIActionRowComponent<APIButtonComponent>[] {
  const buttons: APIButtonComponent[] = choices.slice(0, 25).map((c) => {
    const label = t.t(locale, c.label).slice(0, 80);
    return c.url
      ? { type: ComponentType.Button, style: ButtonStyle.Link, label, url: c.url }
      : { type: ComponentType.Button, style: ButtonStyle.Primary, label, custom_id: c.command.slice(0, 100) };
  });
  const out: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length; i += 5)
    out.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + 5) });
  return out;
}

/** Our own media by URL, for attaching a video that is not on this machine's disk (null when unreachable). */
export async function download(url: string, limit: number): Promise<Buffer | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
    if (!res.ok) return null;
    const buf = Buffer.from(await res.arrayBuffer());
    return buf.length <= limit ? buf : null;
  } catch {
    return null;
  }
}

export async function renderDiscord(
  t: Translator,
  locale: Locale,
  replies: Reply[],
  uploadLimit = DISCORD_UPLOAD_LIMIT,
): Promise<DiscordMessage> {
  const lines: string[] = [];
  const choices: Choice[] = [];
  const files: DiscordMessage['files'] = [];
  for (const r of replies) {
    if (r.kind === 'text') {
      lines.push(t.t(locale, r.message));
      if (r.choices) choices.push(...r.choices);
    } else if (r.kind === 'progress') {
      lines.push(`${t.t(locale, r.message)} (${Math.round(r.percent)}%)`);
    } else if (r.kind === 'link') {
      lines.push(t.t(locale, r.message));
      choices.push({ label: r.label, command: '', url: r.url });
    } else {
      lines.push(`${t.t(locale, r.caption)}\n${r.galleryUrl}`);
      const small = r.sizeBytes > 0 && r.sizeBytes <= uploadLimit && !files.length;
      const data = small
        ? r.localPath
          ? await fs.readFile(r.localPath)
          : await download(r.videoUrl, uploadLimit)
        : null;
      if (data) {
        files.push({ name: `vidgo-${r.generationId.slice(0, 8)}.mp4`, data, contentType: 'video/mp4' });
      } else {
        lines.push(t.t(locale, { key: 'bot.video.ready_link', params: { url: r.videoUrl } }));
      }
      if (r.choices) choices.push(...r.choices);
    }
  }
  const content = lines.join('\n\n').slice(0, CONTENT_MAX);
  return {
    body: {
      content,
      components: rows(t, locale, choices),
      allowed_mentions: NO_MENTIONS,
      ...(files.length ? { attachments: files.map((f, id) => ({ id, filename: f.name })) } : {}),
    },
    files,
  };
}
