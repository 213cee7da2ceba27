// Sign-in from chat. GET /auth/link?token=… uses nothing up: it shows which account the link is for and a button
// (LINE's and Telegram's link-preview fetchers and mail scanners GET every URL they see). The button posts the token
// back with a nonce that only this page's cookie holds (SameSite=Strict), and only that POST, from our own origin,
// claims the single-use token and sets the session cookie: a preview cannot burn a link, and another site cannot sign
// a visitor into someone else's account (login CSRF). POST /api/v1/logout ends the session itself.
import crypto from 'node:crypto';
import Joi from 'joi';
import type { Request, ResponseToolkit, Server } from '@hapi/hapi';
import { newSessionToken, SESSION_COOKIE, type SessionCredentials } from '../auth/session.ts';
import { PAGE_HEADERS, signInPage, type PageTexts } from '../auth/confirm-page.ts';
import { PLATFORM_NAMES } from '../../core/model.ts';
import type { WebDeps } from './web-deps.ts';

const NONCE_COOKIE = 'vg_link';
const token = Joi.string()
  .max(2000)
  .pattern(/^[A-Za-z0-9._-]+$/)
  .required();

export function authRoutes(server: Server, d: WebDeps) {
  server.state(NONCE_COOKIE, {
    ttl: 15 * 60_000,
    isSecure: d.secureCookies,
    isHttpOnly: true,
    isSameSite: 'Strict',
    path: '/auth',
    encoding: 'none',
    clearInvalid: true,
  });

  const page = (h: ResponseToolkit, texts: PageTexts, code: number, form?: { token: string; nonce: string }) => {
    const res = h.response(signInPage(texts, form)).type('text/html; charset=utf-8').code(code);
    for (const [k, v] of Object.entries(PAGE_HEADERS)) res.header(k, v);
    return res;
  };
  /** The page in the account's language, naming the chat apps the account is used on. */
  const texts = async (userId: string): Promise<PageTexts> => {
    const account = await d.accounts.byUserId(userId);
    const tr = (key: string, params?: Record<string, string>) =>
      d.translate?.(userId, { key, ...(params ? { params } : {}) }) ?? Promise.resolve(key);
    const platforms = [...new Set((await d.accounts.targets(userId)).map((t) => PLATFORM_NAMES[t.platform]))].join(
      ', ',
    );
    return {
      lang: account?.locale ?? 'en',
      title: await tr('web.auth.confirm_title'),
      text: await tr('web.auth.confirm_text', { platforms }),
      button: await tr('web.auth.confirm_button'),
    };
  };

  server.route({
    method: 'GET',
    path: '/auth/link',
    options: { auth: false, validate: { query: Joi.object({ token }) } },
    handler: async (request, h) => {
      const link = await d.links.peek(request.query.token as string);
      if (!link) return h.redirect('/expired').code(303);
      const nonce = crypto.randomBytes(24).toString('base64url');
      return page(h, await texts(link.userId), 200, { token: request.query.token as string, nonce }).state(
        NONCE_COOKIE,
        nonce,
      );
    },
  });

  server.route({
    method: 'POST',
    path: '/auth/link',
    options: {
      auth: false,
      payload: { parse: true, allow: ['application/x-www-form-urlencoded'], maxBytes: 8 * 1024 },
      validate: { payload: Joi.object({ token, nonce: Joi.string().max(100).required() }) },
    },
    handler: async (request, h) => {
      const { token: value, nonce } = request.payload as { token: string; nonce: string };
      const cookie = request.state[NONCE_COOKIE] as string | undefined;
      if (!sameOrigin(request, d.origin) || !cookie || !d.safeEqual(cookie, nonce)) {
        const link = await d.links.peek(value);
        if (!link) return h.redirect('/expired').code(303);
        // Not this browser's page (another site's form, a stale tab): show the page again instead of signing in.
        const fresh = crypto.randomBytes(24).toString('base64url');
        return page(h, await texts(link.userId), 403, { token: value, nonce: fresh }).state(NONCE_COOKIE, fresh);
      }
      const redeemed = await d.links.redeem(value);
      if (!redeemed) return h.redirect('/expired').code(303).unstate(NONCE_COOKIE);
      const session = await newSessionToken(d.signer, redeemed.userId);
      return h.redirect(redeemed.path).code(303).state(SESSION_COOKIE, session).unstate(NONCE_COOKIE);
    },
  });

  server.route({
    method: 'POST',
    path: '/api/v1/logout',
    options: { auth: 'session', cors: d.writeCors, validate: { payload: Joi.object({}).allow(null) } },
    handler: async (request, h) => {
      const { jti, exp } = request.auth.credentials as unknown as SessionCredentials;
      await d.sessions.claim(jti, exp); // this session's id can no longer be used
      return h.response({ ok: true }).unstate(SESSION_COOKIE);
    },
  });
}

/** Browsers send Origin with every form POST; a missing one (an old browser) is let through to the nonce check. */
function sameOrigin(request: Request, origin: string): boolean {
  const o = request.headers.origin;
  return o === undefined || o === origin;
}
