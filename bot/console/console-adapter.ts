// The console adapter (`npm run chat`): a terminal chat as a local user, through the same core as the real
// platforms. Progress arrives as lines; a finished video prints its URL and, when local, its file path.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Reply, ReplyTarget } from '../../core/model.ts';
import type { Translator } from '../../core/translator.ts';
import type { ChatCore } from '../../core/api.ts';
import type { PlatformSender } from '../notifier-hub.ts';
import { filePhoto, parsePhotoCommand } from './photo.ts';

export interface ConsoleAdapterDeps {
  core: ChatCore;
  t: Translator;
  write: (line: string) => void;
  userId: string;
  locale?: string;
}

export class ConsoleAdapter implements PlatformSender {
  constructor(private readonly d: ConsoleAdapterDeps) {}

  async send(line: string): Promise<void> {
    // "/photo <path> [prompt]": the file is the photo, the prompt its caption.
    const photo = parsePhotoCommand(line);
    if (photo && !photo.path) return this.d.write('usage: /photo <path> [prompt]');
    if (photo && !fs.existsSync(photo.path)) return this.d.write(`no such file: ${photo.path}`);
    const text = photo ? photo.prompt : line;
    const res = await this.d.core.respond({
      platform: 'console',
      kind: 'message',
      eventId: crypto.randomUUID(),
      platformUserId: this.d.userId,
      chatId: this.d.userId,
      displayName: this.d.userId,
      platformLocale: this.d.locale,
      text,
      ...(photo ? { photo: filePhoto(photo.path) } : {}),
    });
    this.print(res.locale, res.replies);
  }

  async push(target: ReplyTarget, replies: Reply[]): Promise<void> {
    this.print(target.locale, await Promise.all(replies.map((r) => this.withFile(r))));
  }

  /** A finished video not on this disk is fetched to a temp file, so the terminal can show a path to open. */
  private async withFile(r: Reply): Promise<Reply> {
    if (r.kind !== 'video' || r.localPath) return r;
    try {
      const res = await fetch(r.videoUrl, { signal: AbortSignal.timeout(30_000) });
      if (!res.ok) return r;
      const file = path.join(os.tmpdir(), `vidgo-${r.generationId}.mp4`);
      await fs.promises.writeFile(file, Buffer.from(await res.arrayBuffer()));
      return { ...r, localPath: file };
    } catch {
      return r;
    }
  }

  private print(locale: ReplyTarget['locale'], replies: Reply[]) {
    const { t, write } = this.d;
    for (const r of replies) {
      if (r.kind === 'progress')
        write(`… ${t.t(locale, r.message)}`); // the message carries the percentage
      else if (r.kind === 'link') write(`${t.t(locale, r.message)}\n  ${r.url}`);
      else if (r.kind === 'video') {
        write(`🎬 ${t.t(locale, r.caption)}\n  ${r.videoUrl}${r.localPath ? `\n  file: ${r.localPath}` : ''}`);
      } else write(t.t(locale, r.message));
      const choices = r.kind === 'text' || r.kind === 'video' ? (r.choices ?? []) : [];
      for (const c of choices) write(`  → ${c.url ?? c.command}  (${t.t(locale, c.label)})`);
    }
  }
}
