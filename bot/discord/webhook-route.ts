// POST /webhooks/discord: Ed25519 over timestamp + raw body first (401 on failure: Discord probes this with bad
// signatures; a failure counts against the IP), PING → PONG, then a deferred reply (type 5) at once, well inside Discord's 3 s; the answer
// edits it afterwards. Interactions go into the inbox (deduplicated by id, durable). A button press answers in its
// own message (deferred update, type 6; or type 7 disabling its buttons when the answer is ephemeral, see
// bot/discord/answered-buttons.ts); /style's autocomplete (type 4) is answered at once with type 8.
// Source: docs/outside-contracts.md §8, docs/platforms.md.
import type { Server } from '@hapi/hapi';
import { InteractionResponseType, InteractionType, type APIInteraction } from 'discord.js';
import type { KeyObject } from 'node:crypto';
import { verifyDiscord } from './verify.ts';
import { answersEphemerally, DISCORD_SOURCE, EPHEMERAL } from './inbound.ts';
import { disabledRows, pressedId, pressedRows } from './answered-buttons.ts';
import { focusedValue, styleChoices } from './autocomplete.ts';
import { parseJson, rawBodyRoute } from '../../web/raw-body.ts';
import { refuse, routeInbox, type WebhookDeps } from '../webhook.ts';
import { acceptAndHandle, type InboxHandler } from '../inbox.ts';
import type { StyleSource } from '../platform.ts';

export function discordWebhookRoute(
  server: Server,
  d: WebhookDeps & { publicKey: KeyObject; handle: InboxHandler; styles: StyleSource },
) {
  const inbox = routeInbox(d);
  const handle = d.handle;
  server.route({
    method: 'POST',
    path: '/webhooks/discord',
    options: rawBodyRoute,
    handler: async (request, h) => {
      const raw = request.payload as Buffer;
      const sig = request.headers['x-signature-ed25519'];
      const ts = request.headers['x-signature-timestamp'];
      if (
        !Buffer.isBuffer(raw) ||
        !verifyDiscord(d.publicKey, raw, sig as string | undefined, ts as string | undefined)
      ) {
        return refuse(d, request, h, 'invalid request signature');
      }
      const i = parseJson<APIInteraction>(raw);
      if (i === undefined) return h.response({ error: 'malformed JSON' }).code(400);
      if (!i || typeof i.type !== 'number') return h.response({ error: 'not an interaction' }).code(400);
      if (i.type === InteractionType.Ping) return { type: InteractionResponseType.Pong };
      if (i.type === InteractionType.ApplicationCommandAutocomplete) {
        // Only /style has an autocompleted option; it changes nothing, so it needs no inbox.
        const choices =
          i.data.name === 'style' ? await styleChoices(d.styles, focusedValue(i.data.options), i.locale) : [];
        return { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } };
      }
      await acceptAndHandle(inbox, DISCORD_SOURCE, String(i.id), i, handle);
      if (i.type === InteractionType.MessageComponent) {
        // The answer goes into the pressed message; an answer for the user alone follows as an ephemeral message,
        // so the shared message only has its buttons disabled.
        return answersEphemerally(i)
          ? {
              type: InteractionResponseType.UpdateMessage,
              data: { components: disabledRows(pressedRows(i), pressedId(i)), allowed_mentions: { parse: [] } },
            }
          : { type: InteractionResponseType.DeferredMessageUpdate };
      }
      // An account command in a server channel (sign-in link, link code, points): only the user sees the answer.
      return answersEphemerally(i)
        ? { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: EPHEMERAL } }
        : { type: InteractionResponseType.DeferredChannelMessageWithSource };
    },
  });
}
