// GET /auth/link?token=… : redeems a magic link once, sets the session cookie, redirects into the app.
import Joi from 'joi';
import type { Server } from '@hapi/hapi';
import { newSessionToken, SESSION_COOKIE } from '../auth/session.ts';
import type { WebDeps } from './web-deps.ts';

export function authRoutes(server: Server, d: WebDeps) {
  server.route({
    method: 'GET',
    path: '/auth/link',
    options: {
      auth: false,
      validate: { query: Joi.object({ token: Joi.string().max(2000).required() }) },
    },
    handler: async (request, h) => {
      const redeemed = await d.links.redeem(request.query.token as string);
      if (!redeemed) return h.redirect('/expired').code(303);
      const session = await newSessionToken(d.signer, redeemed.userId);
      return h.redirect(redeemed.path).code(303).state(SESSION_COOKIE, session);
    },
  });
  server.route({
    method: 'POST',
    path: '/api/v1/logout',
    options: { auth: 'session', cors: d.writeCors, validate: { payload: Joi.object({}).allow(null) } },
    handler: (_request, h) => h.response({ ok: true }).unstate(SESSION_COOKIE),
  });
}
