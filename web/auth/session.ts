// The web session: a signed jose JWT in an httpOnly cookie, checked by the 'session' auth strategy on every request
// against the database: it acts for the surviving user after a /link merge, and it ends at sign-out (its jti is
// revoked) or when the user is banned (the WebSessions port, web-sessions.ts).
import Boom from '@hapi/boom';
import type { Server } from '@hapi/hapi';
import type { WebSessions } from './web-sessions.ts';
import { SESSION_TTL_S, type TokenSigner } from './tokens.ts';

export const SESSION_COOKIE = 'vg_session';

export interface SessionCredentials {
  userId: string;
  jti: string;
  exp: number;
}

export function registerSession(server: Server, signer: TokenSigner, sessions: WebSessions, opts: { secure: boolean }) {
  server.state(SESSION_COOKIE, {
    ttl: SESSION_TTL_S * 1000,
    isSecure: opts.secure,
    isHttpOnly: true,
    isSameSite: 'Lax',
    path: '/',
    encoding: 'none',
    strictHeader: true,
    clearInvalid: true,
  });
  server.auth.scheme('vidgo-session', () => ({
    async authenticate(request, h) {
      const token = request.state[SESSION_COOKIE] as string | undefined;
      const claims = token ? await signer.verify(token, 'session') : null;
      const userId = claims ? await sessions.resolve(claims) : null;
      if (!claims || !userId) throw Boom.unauthorized('sign in from the bot (/plans, /gallery)', 'vidgo-session');
      const credentials: SessionCredentials = { userId, jti: claims.jti, exp: claims.exp };
      return h.authenticated({ credentials: credentials as never });
    },
  }));
  server.auth.strategy('session', 'vidgo-session');
}

export const newSessionToken = (signer: TokenSigner, userId: string) => signer.sign(userId, 'session', SESSION_TTL_S);
