// Reply[] → LINE messages. Video needs https originalContentUrl (mp4) + previewImageUrl (JPEG ≤1 MB); a reply
// carries at most 5 messages; choices become quick-reply buttons (postback data = the command, label ≤20 chars).
// A finished video is the video message plus one Flex bubble (result-bubble.ts) with the caption, the receipt that
// follows it (core sends the receipt right after the video) and its buttons. Source: docs/outside-contracts.md §6 (LINE
// Messaging API reference), docs/platforms.md.
import type { messagingApi } from '@line/bot-sdk';
import type { Choice, Locale, Reply } from '../../core/model.ts';
import type { Translator } from '../../core/translator.ts';
import { isPublicHttps } from './public-https.ts';
import { resultBubble } from './result-bubble.ts';

type Message = messagingApi.Message;
type QuickReplyItem = messagingApi.QuickReplyItem;
export const LINE_MAX_MESSAGES = 5;

const label20 = (s: string) => (s.length > 20 ? `${s.slice(0, 19)}…` : s);

function item(t: Translator, locale: Locale, c: Choice): QuickReplyItem {
  const label = t.t(locale, c.label);
  if (c.url) return { type: 'action', action: { type: 'uri', label: label20(label), uri: c.url } };
  return { type: 'action', action: { type: 'postback', label: label20(label), data: c.command, displayText: label } };
}

export function renderLine(t: Translator, locale: Locale, replies: Reply[], extra: Choice[] = []): Message[] {
  const out: Message[] = [];
  const choices: Choice[] = [];
  for (let i = 0; i < replies.length; i++) {
    const r = replies[i]!;
    if (r.kind === 'text' || r.kind === 'progress') {
      out.push({ type: 'text', text: t.t(locale, r.message) });
      if (r.kind === 'text' && r.choices) choices.push(...r.choices);
    } else if (r.kind === 'link') {
      out.push({ type: 'text', text: `${t.t(locale, r.message)}\n${r.url}` });
      choices.push({ label: r.label, command: '', url: r.url });
    } else if (r.kind === 'video') {
      if (isPublicHttps(r.videoUrl) && isPublicHttps(r.previewUrl)) {
        out.push({ type: 'video', originalContentUrl: r.videoUrl, previewImageUrl: r.previewUrl });
        const next = replies[i + 1];
        const receipt = next?.kind === 'text' && next.message.key.startsWith('core.receipt') ? next : undefined;
        if (receipt) i++;
        out.push(
          resultBubble(t, locale, {
            previewUrl: r.previewUrl,
            galleryUrl: r.galleryUrl,
            caption: t.t(locale, r.caption),
            ...(receipt ? { receipt: t.t(locale, receipt.message) } : {}),
            choices: [...(r.choices ?? []), ...(receipt?.choices ?? [])],
          }),
        );
        continue; // its buttons are in the bubble
      } else {
        // LINE fetches only https: a local http deployment gets a link instead of a broken message.
        out.push({
          type: 'text',
          text: `${t.t(locale, r.caption)}\n${t.t(locale, { key: 'bot.video.ready_link', params: { url: r.videoUrl } })}`,
        });
      }
      if (r.choices) choices.push(...r.choices);
    }
  }
  choices.push(...extra);
  // More than five: the overflow texts are joined into the fifth message.
  if (out.length > LINE_MAX_MESSAGES) {
    const rest = out.splice(LINE_MAX_MESSAGES - 1);
    const texts = rest.filter((m): m is messagingApi.TextMessage => m.type === 'text').map((m) => m.text);
    out.push(
      ...(texts.length === rest.length ? [{ type: 'text', text: texts.join('\n\n') } as Message] : rest.slice(0, 1)),
    );
  }
  if (choices.length && out.length) {
    const last = out[out.length - 1]!;
    last.quickReply = { items: choices.slice(0, 13).map((c) => item(t, locale, c)) };
  }
  return out;
}
