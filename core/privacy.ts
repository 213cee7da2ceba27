// Who may see a reply. Personal content — sign-in links, link codes, balances, account notices — belongs in the
// user's one-to-one chat with the bot: in a group, anyone could open a sign-in link first or read a balance.
// Videos and progress are what a group asked for, so they stay where they were asked.
import type { Choice, Reply, ReplyTarget } from './model.ts';

/** A `link` is a sign-in link into the web app; a `text` is personal when its producer said so. */
export function isPersonal(r: Reply): boolean {
  return r.kind === 'link' || (r.kind === 'text' && r.personal === true);
}

/** Marks every text reply personal (the answer to an account command: /balance, /link, /settings …). */
export function markPersonal(replies: Reply[]): Reply[] {
  return replies.map((r) => (r.kind === 'text' ? { ...r, personal: true } : r));
}

/** A choice's URL is a sign-in link: in a group the button keeps its command (which answers privately) or goes. */
function groupChoices(choices: Choice[] | undefined): Choice[] | undefined {
  if (!choices) return undefined;
  const kept = choices.filter((c) => c.command).map(({ url: _url, ...c }) => c);
  return kept.length ? kept : undefined;
}

function forGroup(r: Reply): Reply {
  if (r.kind !== 'text' && r.kind !== 'video') return r;
  const { choices, ...rest } = r;
  const kept = groupChoices(choices);
  return (kept ? { ...rest, choices: kept } : rest) as Reply;
}

/** Splits replies meant for a group: what the group may see, and what only the user may. */
export function splitForGroup(replies: Reply[]): { shown: Reply[]; personal: Reply[] } {
  const shown: Reply[] = [];
  const personal: Reply[] = [];
  for (const r of replies) (isPersonal(r) ? personal : shown).push(isPersonal(r) ? r : forGroup(r));
  return { shown, personal };
}

/** The user's one-to-one chat behind a (group) target: no interaction handle, which belongs to the group's message. */
export function directTarget(t: ReplyTarget): ReplyTarget {
  return {
    platform: t.platform,
    chatId: t.platformUserId,
    platformUserId: t.platformUserId,
    locale: t.locale,
    conversation: 'direct',
  };
}

export const isGroup = (t: { conversation?: ReplyTarget['conversation'] }) => t.conversation === 'group';
