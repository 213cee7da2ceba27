// A finished video on LINE: the video message, and beside it one Flex bubble holding what would otherwise be
// separate messages: the preview image (hero, opening the gallery), the caption, the receipt and the buttons.
// Flex needs altText (≤ 1,500 characters, shown in notifications and chat lists); https image URLs; a button
// label of at most 40 characters here kept to 20 like quick replies. Sources: developers.line.biz/en/reference/
// messaging-api/#flex-message, /docs/messaging-api/flex-message-elements/ (docs/platforms.md).
import type { messagingApi } from '@line/bot-sdk';
import type { Choice, Locale } from '../../core/model.ts';
import type { Translator } from '../../core/translator.ts';
import { isPublicHttps } from './public-https.ts';

const label20 = (s: string) => (s.length > 20 ? `${s.slice(0, 19)}…` : s);
// The gallery and the five result actions (retry, variation, extend, style, 4K), with room for one more.
const MAX_BUTTONS = 7;

export interface ResultParts {
  previewUrl: string;
  galleryUrl: string;
  caption: string;
  receipt?: string;
  choices: Choice[];
}

function action(t: Translator, locale: Locale, c: Choice): messagingApi.Action {
  const label = label20(t.t(locale, c.label));
  return c.url
    ? { type: 'uri', label, uri: c.url }
    : { type: 'postback', label, data: c.command, displayText: t.t(locale, c.label) };
}

export function resultBubble(t: Translator, locale: Locale, p: ResultParts): messagingApi.FlexMessage {
  const gallery = isPublicHttps(p.galleryUrl);
  const buttons: messagingApi.FlexComponent[] = [
    ...(gallery
      ? [
          {
            type: 'button',
            style: 'primary',
            height: 'sm',
            action: { type: 'uri', label: label20(t.t(locale, { key: 'bot.gallery.button' })), uri: p.galleryUrl },
          } as messagingApi.FlexButton,
        ]
      : []),
    ...p.choices
      .filter((c) => !c.url || isPublicHttps(c.url))
      .slice(0, MAX_BUTTONS - (gallery ? 1 : 0))
      .map(
        (c) =>
          ({
            type: 'button',
            style: 'secondary',
            height: 'sm',
            action: action(t, locale, c),
          }) as messagingApi.FlexButton,
      ),
  ];
  const body: messagingApi.FlexComponent[] = [
    // A gallery LINE cannot open as a button (not https) is at least named.
    {
      type: 'text',
      text: gallery ? p.caption : `${p.caption}\n${p.galleryUrl}`,
      wrap: true,
      weight: 'bold',
      size: 'md',
    } as messagingApi.FlexText,
    ...(p.receipt
      ? [
          {
            type: 'text',
            text: p.receipt,
            wrap: true,
            size: 'sm',
            color: '#666666',
            margin: 'md',
          } as messagingApi.FlexText,
        ]
      : []),
  ];
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    ...(isPublicHttps(p.previewUrl)
      ? {
          hero: {
            type: 'image',
            url: p.previewUrl,
            size: 'full',
            aspectRatio: '16:9',
            aspectMode: 'cover',
            ...(gallery ? { action: { type: 'uri', uri: p.galleryUrl } } : {}),
          } as messagingApi.FlexImage,
        }
      : {}),
    body: { type: 'box', layout: 'vertical', contents: body },
    ...(buttons.length ? { footer: { type: 'box', layout: 'vertical', spacing: 'sm', contents: buttons } } : {}),
  };
  const altText = [p.caption, p.receipt].filter(Boolean).join('\n').slice(0, 1500);
  return { type: 'flex', altText, contents: bubble };
}
