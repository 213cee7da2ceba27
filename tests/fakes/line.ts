// A fake LINE Messaging API (reply, push with X-Line-Retry-Key, loading animation, profile), speaking the
// documented formats and errors: 400 for invalid messages, 409 for a retry key already accepted, 429 when the
// monthly quota is used up. Video messages are checked like LINE does (https, mp4 + JPEG preview ≤1 MB) by
// fetching both URLs. Source: api-contracts.md §6.
import { fetchMedia, startFakeServer, type Fetched, type Recorded } from '../bot/support/fake-http.ts';

export interface LineSent { kind: 'reply' | 'push'; to?: string; replyToken?: string; retryKey?: string; messages: any[] }

export async function startFakeLine(opts: { accessToken: string }) {
  const sent: LineSent[] = [];
  const loadings: { chatId: string; loadingSeconds: number }[] = [];
  const fetched: Fetched[] = [];
  const profiles = new Map<string, { displayName: string; language?: string }>();
  /** Content of messages users sent (images), served at GET /v2/bot/message/{id}/content (api-data.line.me). */
  const contents = new Map<string, { bytes: Buffer; contentType: string }>();
  const acceptedKeys = new Set<string>();
  const usedTokens = new Set<string>();
  // failReplies: the next n replies answer 500; expireTokens: every reply token is refused as expired (400).
  const ctl = { quotaExceeded: false, failReplies: 0, expireTokens: false };
  const attempts = { reply: 0 };
  let n = 0;

  async function invalid(messages: any[]): Promise<string | null> {
    if (!Array.isArray(messages) || messages.length < 1 || messages.length > 5) return 'messages must have 1 to 5 items';
    for (const m of messages) {
      if (m.type === 'text' && (typeof m.text !== 'string' || !m.text || m.text.length > 5000)) return 'invalid text';
      if (m.type === 'video') {
        for (const u of [m.originalContentUrl, m.previewImageUrl]) {
          if (typeof u !== 'string' || !u.startsWith('https://') || u.length > 2000) return 'video urls must be https';
        }
        const v = await fetchMedia(m.originalContentUrl);
        const p = await fetchMedia(m.previewImageUrl);
        fetched.push(v, p);
        if (v.status !== 200 || p.status !== 200 || p.size > 1024 * 1024) return 'video or preview not retrievable';
      }
      for (const item of m.quickReply?.items ?? []) {
        if (item.action?.label?.length > 20) return 'quick reply label too long';
      }
    }
    return null;
  }

  const fake = await startFakeServer(async (r: Recorded) => {
    if (r.headers.authorization !== `Bearer ${opts.accessToken}`) return { status: 401, json: { message: 'Authentication failed' } };
    const ids = () => ({ sentMessages: (r.json?.messages ?? []).map(() => ({ id: String(++n), quoteToken: `q${n}` })) });
    if (r.method === 'POST' && r.path === '/v2/bot/message/reply') {
      attempts.reply++;
      if (ctl.failReplies > 0 && ctl.failReplies--) return { status: 500, json: { message: 'Internal server error' } };
      if (usedTokens.has(r.json.replyToken) || ctl.expireTokens) return { status: 400, json: { message: 'Invalid reply token' } };
      const bad = await invalid(r.json.messages);
      if (bad) return { status: 400, json: { message: bad } };
      usedTokens.add(r.json.replyToken);
      sent.push({ kind: 'reply', replyToken: r.json.replyToken, messages: r.json.messages });
      return { json: ids() };
    }
    if (r.method === 'POST' && r.path === '/v2/bot/message/push') {
      const key = r.headers['x-line-retry-key'] as string | undefined;
      if (key && acceptedKeys.has(key)) return { status: 409, json: { message: 'The retry key is already accepted', ...ids() } };
      if (ctl.quotaExceeded) return { status: 429, json: { message: 'You have reached your monthly limit.' } };
      const bad = await invalid(r.json.messages);
      if (bad) return { status: 400, json: { message: bad } };
      if (key) acceptedKeys.add(key);
      sent.push({ kind: 'push', to: r.json.to, retryKey: key, messages: r.json.messages });
      return { json: ids() };
    }
    if (r.method === 'POST' && r.path === '/v2/bot/chat/loading/start') {
      const s = r.json.loadingSeconds;
      if (s !== undefined && (s < 5 || s > 60 || s % 5)) return { status: 400, json: { message: 'invalid loadingSeconds' } };
      loadings.push({ chatId: r.json.chatId, loadingSeconds: s });
      return { status: 202, json: {} };
    }
    const content = /^\/v2\/bot\/message\/([^/]+)\/content$/.exec(r.path);
    if (r.method === 'GET' && content) {
      const c = contents.get(content[1]!);
      return c ? { bytes: c.bytes, contentType: c.contentType } : { status: 404, json: { message: 'Not found' } };
    }
    const prof = /^\/v2\/bot\/profile\/([^/]+)$/.exec(r.path);
    if (r.method === 'GET' && prof) {
      const p = profiles.get(prof[1]!);
      return p ? { json: { userId: prof[1], displayName: p.displayName, ...(p.language ? { language: p.language } : {}) } } : { status: 404, json: { message: 'Not found' } };
    }
    return { status: 404, json: { message: 'Not found' } };
  });
  return { ...fake, sent, loadings, fetched, profiles, contents, ctl, attempts, texts: (m: LineSent) => m.messages.filter((x) => x.type === 'text').map((x) => x.text as string) };
}
export type FakeLine = Awaited<ReturnType<typeof startFakeLine>>;
