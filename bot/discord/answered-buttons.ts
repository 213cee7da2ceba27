// A pressed button answers in the message it sits on: the route acknowledges with a deferred update (type 6), or,
// when the answer is only the user's (ephemeral), with an update (type 7) that disables the message's buttons
// while the answer follows as an ephemeral message. Answered buttons are disabled (link buttons stay), so an old
// choice cannot be made twice. Source: discord.com/developers/docs/interactions/receiving-and-responding
// #interaction-response-object-interaction-callback-type (docs/platforms.md).
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIInteraction,
} from 'discord.js';

type Row = APIActionRowComponent<APIButtonComponent>;

/** The button rows of the message a component interaction came from. */
export function pressedRows(i: APIInteraction): Row[] {
  const msg = 'message' in i ? (i.message as { components?: unknown[] } | undefined) : undefined;
  return ((msg?.components ?? []) as Row[]).filter((r) => r.type === ComponentType.ActionRow);
}

/** The same rows with every button that answers (all but links) disabled; the pressed one shown as chosen. */
export function disabledRows(rows: Row[], pressedId?: string): Row[] {
  return rows.map((r) => ({
    ...r,
    components: r.components.map((b) => {
      if (b.type !== ComponentType.Button || b.style === ButtonStyle.Link) return b;
      const chosen = 'custom_id' in b && b.custom_id === pressedId;
      return { ...b, disabled: true, ...(chosen ? { style: ButtonStyle.Success } : {}) } as APIButtonComponent;
    }),
  }));
}

export const isComponent = (i: APIInteraction) => i.type === 3;
export const pressedId = (i: APIInteraction) => (i.data && 'custom_id' in i.data ? i.data.custom_id : undefined);
