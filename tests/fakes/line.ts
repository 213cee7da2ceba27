// A fake LINE Messaging API (reply, push with X-Line-Retry-Key, loading animation, profile), speaking the
// documented formats and errors: 400 for invalid messages, 409 for a retry key already accepted, 429 when the
// monthly quota is used up. Video messages are checked like LINE does (https, mp4 + JPEG preview ≤1 MB) by
// fetching both URLs. Multicast takes 1 to 500 user ids (U + 32 hex) with the same retry-key rules as push. Rich
// menus: validate, create (size, areas inside the menu, chatBarText ≤ 14), the image (PNG or JPEG, ≤ 1 MB, the
// menu's exact size, once), default, list and delete. Flex messages need altText and a bubble or carousel.
// Sources: docs/outside-contracts.md §6, docs/platforms.md.
import { fetchMedia, startFakeServer, type Fetched, type Recorded } from '../bot/support/fake-http.ts';

export interface LineSent {
  kind: 'reply' | 'push' | 'multicast';
  to?: string;
  toMany?: string[];
  replyToken?: string;
  retryKey?: string;
  messages: any[];
}
export interface FakeRichMenu {
  richMenuId: string;
  body: any;
  image?: { type: string; size: number; width: number; height: number };
}

/** A PNG's or JPEG's pixel size, read from its header. */
function imageSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  if (buf[0] === 0xff && buf[1] === 0xd8) {
    for (let i = 2; i + 9 < buf.length; ) {
      if (buf[i] !== 0xff) return null;
      const marker = buf[i + 1]!;
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker))
        return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
      i += 2 + buf.readUInt16BE(i + 2);
    }
  }
  return null;
}

function invalidRichMenu(m: any): string | null {
  const w = m?.size?.width;
  const h = m?.size?.height;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 800 || w > 2500 || h < 250 || w / h < 1.45)
    return 'invalid size';
  if (typeof m.selected !== 'boolean' || typeof m.name !== 'string' || !m.name || m.name.length > 300)
    return 'invalid name or selected';
  if (typeof m.chatBarText !== 'string' || !m.chatBarText || m.chatBarText.length > 14) return 'invalid chatBarText';
  if (!Array.isArray(m.areas) || m.areas.length < 1 || m.areas.length > 20) return 'areas must have 1 to 20 items';
  for (const a of m.areas) {
    const b = a.bounds;
    if (!b || b.x < 0 || b.y < 0 || b.width <= 0 || b.height <= 0 || b.x + b.width > w || b.y + b.height > h)
      return 'area outside the rich menu';
    const act = a.action;
    if (!act || !['postback', 'message', 'uri', 'richmenuswitch', 'datetimepicker'].includes(act.type))
      return 'invalid action';
    if (act.type === 'postback' && (typeof act.data !== 'string' || !act.data || act.data.length > 300))
      return 'invalid postback data';
    if (act.label !== undefined && String(act.label).length > 20) return 'label too long';
  }
  return null;
}

export async function startFakeLine(opts: { accessToken: string }) {
  const sent: LineSent[] = [];
  const loadings: { chatId: string; loadingSeconds: number }[] = [];
  /** For loadings[i]: how many messages (replies, pushes) had been sent when it was requested. */
  const loadingsAt: number[] = [];
  const fetched: Fetched[] = [];
  const profiles = new Map<string, { displayName: string; language?: string }>();
  /** Content of messages users sent (images), served at GET /v2/bot/message/{id}/content (api-data.line.me). */
  const contents = new Map<string, { bytes: Buffer; contentType: string }>();
  const acceptedKeys = new Set<string>();
  const usedTokens = new Set<string>();
  // failReplies: the next n replies answer 500; expireTokens: every reply token is refused as expired (400).
  // failPushes: the next n pushes answer 500.
  const ctl = { quotaExceeded: false, failReplies: 0, expireTokens: false, failPushes: 0 };
  const richMenus = new Map<string, FakeRichMenu>();
  const defaultMenu = { id: undefined as string | undefined };
  const attempts = { reply: 0 };
  let n = 0;

  async function invalid(messages: any[]): Promise<string | null> {
    if (!Array.isArray(messages) || messages.length < 1 || messages.length > 5)
      return 'messages must have 1 to 5 items';
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
      if (m.type === 'flex') {
        if (typeof m.altText !== 'string' || !m.altText || m.altText.length > 1500)
          return 'flex altText required (≤1500)';
        if (!['bubble', 'carousel'].includes(m.contents?.type)) return 'flex contents must be a bubble or carousel';
        if (JSON.stringify(m.contents).length > 30_000) return 'flex contents over 30 KB';
        const hero = m.contents.hero;
        if (hero?.type === 'image' && (typeof hero.url !== 'string' || !hero.url.startsWith('https://')))
          return 'flex image url must be https';
      }
      for (const item of m.quickReply?.items ?? []) {
        if (item.action?.label?.length > 20) return 'quick reply label too long';
      }
    }
    return null;
  }

  const fake = await startFakeServer(async (r: Recorded) => {
    if (r.headers.authorization !== `Bearer ${opts.accessToken}`)
      return { status: 401, json: { message: 'Authentication failed' } };
    const ids = () => ({
      sentMessages: (r.json?.messages ?? []).map(() => ({ id: String(++n), quoteToken: `q${n}` })),
    });
    if (r.method === 'POST' && r.path === '/v2/bot/message/reply') {
      attempts.reply++;
      if (ctl.failReplies > 0 && ctl.failReplies--) return { status: 500, json: { message: 'Internal server error' } };
      if (usedTokens.has(r.json.replyToken) || ctl.expireTokens)
        return { status: 400, json: { message: 'Invalid reply token' } };
      const bad = await invalid(r.json.messages);
      if (bad) return { status: 400, json: { message: bad } };
      usedTokens.add(r.json.replyToken);
      sent.push({ kind: 'reply', replyToken: r.json.replyToken, messages: r.json.messages });
      return { json: ids() };
    }
    if (r.method === 'POST' && r.path === '/v2/bot/message/push') {
      const key = r.headers['x-line-retry-key'] as string | undefined;
      if (key && acceptedKeys.has(key))
        return { status: 409, json: { message: 'The retry key is already accepted', ...ids() } };
      if (ctl.quotaExceeded) return { status: 429, json: { message: 'You have reached your monthly limit.' } };
      if (ctl.failPushes > 0 && ctl.failPushes--) return { status: 500, json: { message: 'Internal server error' } };
      const bad = await invalid(r.json.messages);
      if (bad) return { status: 400, json: { message: bad } };
      if (key) acceptedKeys.add(key);
      sent.push({ kind: 'push', to: r.json.to, retryKey: key, messages: r.json.messages });
      return { json: ids() };
    }
    if (r.method === 'POST' && r.path === '/v2/bot/message/multicast') {
      const key = r.headers['x-line-retry-key'] as string | undefined;
      if (key && acceptedKeys.has(key)) return { status: 409, json: { message: 'The retry key is already accepted' } };
      const to = r.json?.to;
      if (!Array.isArray(to) || to.length < 1 || to.length > 500)
        return { status: 400, json: { message: "The property, 'to', must have 1 to 500 items" } };
      if (!to.every((u: unknown) => typeof u === 'string' && /^U[0-9a-f]{32}$/.test(u)))
        return { status: 400, json: { message: "The property, 'to', must contain user ids only" } };
      if (ctl.quotaExceeded) return { status: 429, json: { message: 'You have reached your monthly limit.' } };
      const bad = await invalid(r.json.messages);
      if (bad) return { status: 400, json: { message: bad } };
      if (key) acceptedKeys.add(key);
      sent.push({ kind: 'multicast', toMany: to, retryKey: key, messages: r.json.messages });
      return { json: {} };
    }
    if (r.method === 'POST' && (r.path === '/v2/bot/richmenu' || r.path === '/v2/bot/richmenu/validate')) {
      const bad = invalidRichMenu(r.json);
      if (bad)
        return { status: 400, json: { message: 'The request body has 1 error(s)', details: [{ message: bad }] } };
      if (r.path.endsWith('/validate')) return { json: {} };
      const richMenuId = `richmenu-${(++n).toString(16).padStart(32, '0')}`;
      richMenus.set(richMenuId, { richMenuId, body: r.json });
      return { json: { richMenuId } };
    }
    const content = /^\/v2\/bot\/richmenu\/([^/]+)\/content$/.exec(r.path);
    if (r.method === 'POST' && content) {
      const menu = richMenus.get(content[1]!);
      if (!menu) return { status: 404, json: { message: 'Not found' } };
      if (menu.image) return { status: 400, json: { message: 'An image has already been uploaded to the richmenu' } };
      const type = String(r.headers['content-type'] ?? '');
      const buf = r.raw ?? Buffer.alloc(0);
      const size = imageSize(buf);
      if (!['image/png', 'image/jpeg'].includes(type) || !size)
        return { status: 415, json: { message: 'Unsupported media type' } };
      if (buf.length > 1024 * 1024) return { status: 413, json: { message: 'Image over 1 MB' } };
      if (size.width !== menu.body.size.width || size.height !== menu.body.size.height)
        return { status: 400, json: { message: 'Image size does not match the rich menu' } };
      menu.image = { type, size: buf.length, ...size };
      return { json: {} };
    }
    const setDefault = /^\/v2\/bot\/user\/all\/richmenu\/([^/]+)$/.exec(r.path);
    if (r.method === 'POST' && setDefault) {
      const menu = richMenus.get(setDefault[1]!);
      if (!menu) return { status: 404, json: { message: 'Not found' } };
      if (!menu.image) return { status: 400, json: { message: 'An image must be uploaded first' } };
      defaultMenu.id = menu.richMenuId;
      return { json: {} };
    }
    if (r.method === 'GET' && r.path === '/v2/bot/user/all/richmenu') {
      return defaultMenu.id
        ? { json: { richMenuId: defaultMenu.id } }
        : { status: 404, json: { message: 'no default rich menu' } };
    }
    if (r.method === 'GET' && r.path === '/v2/bot/richmenu/list') {
      return { json: { richmenus: [...richMenus.values()].map((m) => ({ richMenuId: m.richMenuId, ...m.body })) } };
    }
    const del = /^\/v2\/bot\/richmenu\/([^/]+)$/.exec(r.path);
    if (r.method === 'DELETE' && del) {
      if (!richMenus.delete(del[1]!)) return { status: 404, json: { message: 'Not found' } };
      if (defaultMenu.id === del[1]) defaultMenu.id = undefined;
      return { json: {} };
    }
    if (r.method === 'POST' && r.path === '/v2/bot/chat/loading/start') {
      const s = r.json.loadingSeconds;
      if (s !== undefined && (s < 5 || s > 60 || s % 5))
        return { status: 400, json: { message: 'invalid loadingSeconds' } };
      loadings.push({ chatId: r.json.chatId, loadingSeconds: s });
      loadingsAt.push(sent.length);
      return { status: 202, json: {} };
    }
    const messageContent = /^\/v2\/bot\/message\/([^/]+)\/content$/.exec(r.path);
    if (r.method === 'GET' && messageContent) {
      const c = contents.get(messageContent[1]!);
      return c ? { bytes: c.bytes, contentType: c.contentType } : { status: 404, json: { message: 'Not found' } };
    }
    const prof = /^\/v2\/bot\/profile\/([^/]+)$/.exec(r.path);
    if (r.method === 'GET' && prof) {
      const p = profiles.get(prof[1]!);
      return p
        ? { json: { userId: prof[1], displayName: p.displayName, ...(p.language ? { language: p.language } : {}) } }
        : { status: 404, json: { message: 'Not found' } };
    }
    return { status: 404, json: { message: 'Not found' } };
  });
  return {
    ...fake,
    sent,
    loadings,
    loadingsAt,
    fetched,
    profiles,
    contents,
    ctl,
    attempts,
    richMenus,
    defaultMenu,
    texts: (m: LineSent) => m.messages.filter((x) => x.type === 'text').map((x) => x.text as string),
  };
}
export type FakeLine = Awaited<ReturnType<typeof startFakeLine>>;
