// A fake Telegram Bot API at /bot<token>/<method> (core.telegram.org/bots/api): JSON or multipart bodies,
// {ok, result} answers, 401 for a wrong token, 400 for a video URL it cannot fetch (not https, or on this machine
// or a private network: Telegram's servers cannot reach those) or over 20 MB, 403 for a private chat with a user
// who never started the bot (bots cannot open a conversation), 400 "message is not modified" for an edit that
// changes nothing, and 429 with parameters.retry_after when a test floods it (docs/platforms.md).
import { fetchMedia, startFakeServer, type Fetched, type FormFile, type Recorded } from '../bot/support/fake-http.ts';

export interface TgCall {
  method: string;
  params: Record<string, any>;
  messageId?: number;
  at: number;
  status: number;
}

const UNREACHABLE_HOST = /^(localhost|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|\[::1\])$/;

export async function startFakeTelegram(opts: { token: string }) {
  const calls: TgCall[] = [];
  const fetched: Fetched[] = [];
  const updates: any[] = [];
  /** Files users sent, by file_id: getFile and GET /file/bot<token>/<file_path> (Bot API: at most 20 MB by getFile). */
  const files = new Map<string, Buffer>();
  let messageId = 100;
  // failSends: the next n sendMessage calls answer 500 (after being recorded); notStarted: user ids whose private
  // chat with the bot does not exist yet; holdMs: how long an empty getUpdates is held.
  // flood: the next `times` calls of `method` (any method when absent) answer 429 Too Many Requests, retry_after seconds.
  const ctl = {
    failSends: 0,
    notStarted: new Set<string>(),
    holdMs: 50,
    flood: undefined as { method?: string; times: number; retryAfter: number } | undefined,
  };
  // What each sent message now shows (chat:id → text and keyboard), so an edit to the same content is refused.
  const shown = new Map<string, { text?: string; markup?: string }>();
  const commands = new Map<string, unknown[]>(); // scope JSON + language_code → the command list
  const webhook = {
    url: '',
    secretToken: undefined as string | undefined,
    allowedUpdates: undefined as string[] | undefined,
  };
  const polls: { seq: number; held?: () => void; conflicted?: number; conflicts: number } = { seq: 0, conflicts: 0 };
  const ok = (result: unknown) => ({ json: { ok: true, result } });
  const bad = (description: string, code = 400) => ({
    status: code,
    json: { ok: false, error_code: code, description },
  });

  const fake = await startFakeServer(async (r: Recorded) => {
    const download = /^\/file\/bot([^/]+)\/files\/([^/]+)$/.exec(r.path);
    if (download && r.method === 'GET') {
      if (download[1] !== opts.token) return bad('Unauthorized', 401);
      const f = files.get(decodeURIComponent(download[2]!));
      return f ? { bytes: f } : bad('Not Found', 404);
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(r.path);
    if (!m) return bad('Not Found', 404);
    if (m[1] !== opts.token) return bad('Unauthorized', 401);
    const method = m[2]!;
    const params: Record<string, any> = r.json ?? r.form ?? {};
    for (const [k, v] of Object.entries(params)) {
      if (typeof v === 'string' && /^[[{]/.test(v))
        try {
          params[k] = JSON.parse(v);
        } catch {
          /* plain string */
        }
      // An uploaded file named by reference: "video": "attach://<part name>".
      if (typeof v === 'string' && v.startsWith('attach://') && r.form?.[v.slice(9)]) params[k] = r.form[v.slice(9)];
    }
    const call: TgCall = { method, params, at: Date.now(), status: 200 };
    calls.push(call);
    const answer = await route(method, params, call);
    call.status = answer.status ?? 200;
    return answer;
  });

  async function route(
    method: string,
    params: Record<string, any>,
    call: TgCall,
  ): Promise<{ status?: number; json: unknown }> {
    // Private chat ids are the (positive) user ids; group and supergroup ids are negative.
    const chat = { id: Number(params.chat_id), type: Number(params.chat_id) > 0 ? 'private' : 'supergroup' };
    const msg = (extra: { text?: string; caption?: string; [k: string]: unknown }) => {
      call.messageId = ++messageId;
      shown.set(`${chat.id}:${messageId}`, {
        text: extra.text ?? extra.caption,
        markup: JSON.stringify(params.reply_markup ?? null),
      });
      return { message_id: messageId, date: Math.floor(Date.now() / 1000), chat, ...extra };
    };
    const f = ctl.flood;
    if (f && f.times > 0 && (!f.method || f.method === method)) {
      f.times--;
      return {
        status: 429,
        json: {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${f.retryAfter}`,
          parameters: { retry_after: f.retryAfter },
        },
      };
    }
    if (/^send/.test(method) && ctl.notStarted.has(String(params.chat_id)))
      return bad("Forbidden: bot can't initiate conversation with a user", 403);
    switch (method) {
      case 'getFile': {
        const f = files.get(String(params.file_id));
        if (!f) return bad('Bad Request: invalid file_id');
        if (f.length > 20 * 1024 * 1024) return bad('Bad Request: file is too big');
        return ok({
          file_id: params.file_id,
          file_unique_id: `u-${params.file_id}`,
          file_size: f.length,
          file_path: `files/${encodeURIComponent(String(params.file_id))}`,
        });
      }
      case 'getMe':
        return ok({
          id: Number(opts.token.split(':')[0]),
          is_bot: true,
          first_name: 'VidGo',
          username: 'VidGoTestBot',
        });
      case 'deleteWebhook':
        Object.assign(webhook, { url: '', secretToken: undefined, allowedUpdates: undefined });
        return ok(true);
      case 'sendChatAction':
      case 'answerCallbackQuery':
        return ok(true);
      case 'getUpdates': {
        // Long polling: hold an empty answer briefly, as Telegram holds it for `timeout` seconds. A second
        // consumer polling meanwhile ends the held request with 409 Conflict, as Telegram does.
        const mine = ++polls.seq;
        polls.held?.();
        if (!updates.length) {
          await new Promise<void>((r) => {
            const t = setTimeout(r, ctl.holdMs);
            polls.held = () => {
              clearTimeout(t);
              polls.conflicted = mine;
              r();
            };
          });
          if (polls.conflicted === mine) {
            polls.conflicts++;
            return bad(
              'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
              409,
            );
          }
          polls.held = undefined;
        }
        return ok(updates.splice(0));
      }
      case 'sendMessage':
        if (ctl.failSends > 0 && ctl.failSends--) return bad('Internal Server Error', 500);
        if (!params.text) return bad('Bad Request: message text is empty');
        return ok(msg({ text: params.text }));
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const key = `${chat.id}:${params.message_id}`;
        const now = shown.get(key);
        if (!params.message_id || !now) return bad('Bad Request: message to edit not found');
        const next = {
          text: method === 'editMessageText' ? params.text : now.text,
          markup: JSON.stringify(params.reply_markup ?? null),
        };
        if (next.text === now.text && next.markup === now.markup) {
          return bad(
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
          );
        }
        shown.set(key, next);
        return ok({
          message_id: Number(params.message_id),
          date: Math.floor(Date.now() / 1000),
          chat,
          text: next.text,
        });
      }
      case 'setMyCommands': {
        const list = params.commands as { command: string; description: string }[];
        if (
          !Array.isArray(list) ||
          list.length > 100 ||
          list.some((c) => !/^[a-z0-9_]{1,32}$/.test(c.command) || !c.description || c.description.length > 256)
        ) {
          return bad('Bad Request: BOT_COMMAND_INVALID');
        }
        commands.set(`${JSON.stringify(params.scope ?? { type: 'default' })}|${params.language_code ?? ''}`, list);
        return ok(true);
      }
      case 'setWebhook':
        if (!/^https:\/\//.test(String(params.url ?? '')))
          return bad('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        if (params.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(params.secret_token))
          return bad('Bad Request: secret token contains unallowed characters');
        Object.assign(webhook, {
          url: params.url,
          secretToken: params.secret_token,
          allowedUpdates: params.allowed_updates,
        });
        return ok(true);
      case 'sendVideo': {
        const v = params.video;
        if (typeof v === 'string') {
          let u: URL | undefined;
          try {
            u = new URL(v);
          } catch {
            /* a file_id */
          }
          if (u?.protocol !== 'https:' || UNREACHABLE_HOST.test(u.hostname))
            return bad('Bad Request: wrong file identifier/HTTP URL specified');
          const f = await fetchMedia(v);
          fetched.push(f);
          if (f.status !== 200 || f.size > 20 * 1024 * 1024) return bad('Bad Request: failed to get HTTP URL content');
          return ok(
            msg({ video: { file_id: 'vid', file_size: f.size, mime_type: f.contentType }, caption: params.caption }),
          );
        }
        const file = v as FormFile | undefined;
        if (!file || file.size > 50 * 1024 * 1024) return bad('Bad Request: file is too big');
        return ok(msg({ video: { file_id: 'vid', file_size: file.size }, caption: params.caption }));
      }
      default:
        return bad(`Bad Request: method ${method} not found`, 404);
    }
  }
  return {
    ...fake,
    calls,
    fetched,
    updates,
    files,
    ctl,
    polls,
    shown,
    commands,
    webhook,
    of: (method: string) => calls.filter((c) => c.method === method),
  };
}
export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;
