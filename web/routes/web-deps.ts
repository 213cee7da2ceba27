// What the web routes are given by app/wire-web.ts.
import type { AccountService, GenerationService, Ledger } from '../../core/api.ts';
import type { BillingService } from '../../core/billing/billing-service.ts';
import type { BillingRepo } from '../../core/billing/ports.ts';
import type { EcpayConfig } from '../../infra/payments/ecpay.ts';
import type { JwtMagicLinks } from '../auth/magic-links.ts';
import type { TokenSigner } from '../auth/tokens.ts';
import type { SqlWebSessions } from '../../infra/db/web-sessions.ts';
import type { Sequelize } from 'sequelize';
import type { StyleShowcase } from '../../core/styles/showcase.ts';
import type { MediaStore } from '../../core/ports.ts';
import type { Msg } from '../../core/model.ts';
import type { ResultActions } from '../../core/generation/actions.ts';

export interface WebDeps {
  db: Sequelize;
  billing: BillingService;
  repo: BillingRepo;
  ledger: Ledger;
  accounts: Pick<AccountService, 'byUserId' | 'targets'>;
  generations?: Pick<GenerationService, 'list' | 'get'>;
  links: JwtMagicLinks;
  signer: TokenSigner;
  /** Which user a web token acts for, and whether it still stands (sign-out, bans, /link merges). */
  sessions: SqlWebSessions;
  /** Our own origin (PUBLIC_BASE_URL's): the only one the sign-in form may be posted from. */
  origin: string;
  ecpay: EcpayConfig;
  paddleWebhookSecret?: string;
  providersHealth: () => Promise<Record<string, boolean>>;
  secureCookies: boolean;
  /** CORS for cookie-authenticated writes: the listed origins plus our own (crumb checks the Origin against it). */
  writeCors: { origin: string[]; credentials: true };
  telegramUsername?: string;
  lineBasicId?: string;
  /** The Discord application, for its install link on the sign-in hint. */
  discordApplicationId?: string;
  /** STYLES' showcase (catalogue + sample clips); without it the showcase reads the table alone. */
  styles?: Pick<StyleShowcase, 'list'>;
  /** The media store, for the owner-checked clean download (masters are never on /media). */
  media?: MediaStore;
  /** Core's message (a failure reason) as text in the user's language, for the gallery. */
  translate?: (userId: string, msg: Msg) => Promise<string>;
  /** A video's family (parent, children) and the ids its Remix links carry. */
  actions?: Pick<ResultActions, 'family' | 'remix'>;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

export const userOf = (request: { auth: { credentials: unknown } }) =>
  (request.auth.credentials as { userId: string }).userId;
