// The one command grammar every adapter shares: text in, a typed command out. Plain text is a prompt.
// Telegram appends the bot name in groups ("/video@VidGoBot …"); full-width slashes come from CJK keyboards.

export type ConsentChoice = 'points' | 'wait' | 'cancel';

export type Command =
  | { name: 'video'; prompt: string }
  | { name: 'style'; style: string; prompt: string }
  | { name: 'upscale' | 'status' | 'cancel' | 'balance' | 'history' | 'gallery' | 'help' }
  | { name: 'plans'; cancel?: true }
  | { name: 'link'; code?: string; answer?: 'confirm' | 'refuse' }
  | { name: 'lang'; locale?: string }
  | { name: 'settings'; autoPay?: boolean }
  | { name: 'appeal'; text?: string }
  | { name: 'start'; payload?: string }
  | { name: 'consent'; generationId: string; choice: ConsentChoice }
  | { name: 'act'; id: string }
  | { name: 'admin'; sub: string; args: string[]; rest: string }
  | { name: 'usage'; command: string }
  | { name: 'unknown'; command: string }
  | { name: 'empty' };

const BARE = ['upscale', 'status', 'cancel', 'balance', 'history', 'gallery', 'help'] as const;

/**
 * Commands whose whole answer is the user's own business (sign-in links, link codes, points, settings, past
 * prompts, appeals, admin output): answered only where the user alone reads it (core/privacy.ts).
 */
const PERSONAL = new Set<Command['name']>([
  'balance',
  'history',
  'plans',
  'gallery',
  'link',
  'settings',
  'appeal',
  'admin',
]);

export const isPersonalCommand = (cmd: Command) => PERSONAL.has(cmd.name);

export function parse(input: string): Command {
  const text = input.trim().replace(/^／/, '/');
  if (!text) return { name: 'empty' };
  if (!text.startsWith('/')) return { name: 'video', prompt: text };
  const m = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text);
  if (!m) return { name: 'unknown', command: text.split(/\s/)[0]! };
  const cmd = m[1]!.toLowerCase();
  const rest = (m[2] ?? '').trim();
  const words = rest ? rest.split(/\s+/) : [];
  switch (cmd) {
    case 'video':
      return rest ? { name: 'video', prompt: rest } : { name: 'usage', command: 'video' };
    case 'style': {
      if (!words[0]) return { name: 'usage', command: 'style' };
      return { name: 'style', style: words[0].toLowerCase(), prompt: rest.slice(words[0].length).trim() };
    }
    case 'plans':
      // "/plans cancel" stops the plan's renewal; anything else after /plans is the plain command.
      return words[0]?.toLowerCase() === 'cancel' ? { name: 'plans', cancel: true } : { name: 'plans' };
    case 'link': {
      // "/link CODE" uses a code; "/link confirm CODE" / "/link refuse CODE" is the issuer's answer.
      const answer = words[0]?.toLowerCase();
      if ((answer === 'confirm' || answer === 'refuse') && words[1]) return { name: 'link', code: words[1], answer };
      return words[0] ? { name: 'link', code: words[0] } : { name: 'link' };
    }
    case 'lang':
      return { name: 'lang', locale: words[0] };
    case 'settings': {
      // "/settings autopay on|off"; bare "/settings" shows the current state with buttons.
      const v = words.find((w) => /^(on|off)$/i.test(w));
      return v ? { name: 'settings', autoPay: v.toLowerCase() === 'on' } : { name: 'settings' };
    }
    case 'appeal':
      return rest ? { name: 'appeal', text: rest } : { name: 'appeal' };
    case 'start':
      return rest ? { name: 'start', payload: rest } : { name: 'start' };
    case 'consent': {
      const [id, choice] = words;
      if (!id || !choice || !['points', 'wait', 'cancel'].includes(choice))
        return { name: 'usage', command: 'consent' };
      return { name: 'consent', generationId: id, choice: choice as ConsentChoice };
    }
    case 'act':
      // A result button: "/act <opaque id>" (core/generation/actions.ts checks the id on press).
      return { name: 'act', id: words[0] ?? '' };
    case 'admin': {
      const [sub, ...args] = words;
      return { name: 'admin', sub: (sub ?? '').toLowerCase(), args, rest: rest.slice((sub ?? '').length).trim() };
    }
    default:
      if ((BARE as readonly string[]).includes(cmd)) return { name: cmd as (typeof BARE)[number] };
      return { name: 'unknown', command: `/${cmd}` };
  }
}

/**
 * Telegram deep links carry [A-Za-z0-9_-] only: "p_<base64url prompt>" offers a video of that prompt (made only
 * when the user confirms), "s_<style>" picks a style, "a_<id>" presses a result button of the user's own video.
 * The confirm buttons are "c_<id>" (make it) and "x_<id>" (no).
 */
export function parseStartPayload(payload: string): {
  prompt?: string;
  style?: string;
  confirm?: string;
  drop?: string;
  action?: string;
} {
  if (payload.startsWith('p_')) return { prompt: Buffer.from(payload.slice(2), 'base64url').toString('utf8').trim() };
  if (payload.startsWith('s_')) return { style: payload.slice(2).toLowerCase() };
  if (payload.startsWith('c_')) return { confirm: payload.slice(2) };
  if (payload.startsWith('x_')) return { drop: payload.slice(2) };
  if (payload.startsWith('a_')) return { action: payload.slice(2) }; // a gallery "Remix" link: a result button's id

  return {};
}
