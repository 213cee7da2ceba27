// Wires the web side: sessions and magic links, the REST API, payment callbacks (on billing from
// app/wire-billing.ts), hardening and the built Svelte app. Called from app/compose.ts.
import type { Server } from '@hapi/hapi';
import type { AccountService, GenerationService, Ledger } from '../core/api.ts';
import type { BillingService } from '../core/billing/billing-service.ts';
import type { BillingWiring } from './wire-billing.ts';
import { JwtMagicLinks } from '../web/auth/magic-links.ts';
import { registerSession } from '../web/auth/session.ts';
import { TokenSigner } from '../web/auth/tokens.ts';
import { SqlWebSessions } from '../infra/db/web-sessions.ts';
import { apiRoutes } from '../web/routes/api.ts';
import { appRoutes } from '../web/routes/app-static.ts';
import { authRoutes } from '../web/routes/auth.ts';
import { checkoutRoutes } from '../web/routes/checkout.ts';
import { mapErrors } from '../web/errors.ts';
import { harden } from '../web/routes/hardening.ts';
import { installClientIp } from '../web/client-ip.ts';
import { paymentRoutes } from '../web/routes/payments.ts';
import type { Config } from './config.ts';
import type { Infra } from './infra-setup.ts';
import type { Logger } from './logger.ts';
import type { StyleShowcase } from '../core/styles/showcase.ts';
import type { MediaStore } from '../core/ports.ts';
import { createTranslator } from '../infra/i18n.ts';
import type { Msg } from '../core/model.ts';
import type { WebDeps } from '../web/routes/web-deps.ts';
import { ProviderEvents } from '../core/billing/provider-events.ts';
import type { PaddleNotification } from '../core/billing/ports.ts';
import { SqlGenerationStore } from '../infra/db/generation-repo.ts';
import { safeEqual } from '../infra/crypto/safe-equal.ts';
import { readCallback, readPeriodCallback } from '../infra/payments/ecpay.ts';
import { verifyPaddleSignature } from '../infra/payments/paddle.ts';
import { fromPaddle, type PaddleEnvelope } from '../infra/payments/paddle-events.ts';

export interface WebParts {
  ledger: Ledger;
  accounts: Pick<AccountService, 'byUserId' | 'targets'>;
  generations?: Pick<GenerationService, 'list' | 'get'>;
  providersHealth?: () => Promise<Record<string, boolean>>;
  /** The MagicLinks handed to core/chat earlier (createMagicLinks), so all use one instance. */
  links: JwtMagicLinks;
  /** The showcase with its sample clips (wire-core's styleShowcase). */
  styles: Pick<StyleShowcase, 'list'>;
  /** The media store: serves an upgraded owner's clean master (GET /api/v1/generations/{id}/clean). */
  mediaStore?: MediaStore;
  /** Where the built app lives (tests may point elsewhere). */
  appDist?: string;
  /** Result actions: a video's family and its Remix ids (core/generation/actions.ts). */
  actions?: WebDeps['actions'];
  /** Billing made earlier for the chat side (app/wire-billing.ts). */
  billing: BillingWiring;
}

/** MagicLinks for core and chat (/plans, /gallery replies), usable before the web routes are wired. */
export function createMagicLinks(config: Config, infra: Pick<Infra, 'sequelize'>, jwtSecret: string): JwtMagicLinks {
  return new JwtMagicLinks(new TokenSigner(jwtSecret), new SqlWebSessions(infra.sequelize), config.publicBaseUrl);
}

export interface WebWiring {
  billing: BillingService;
  links: JwtMagicLinks;
}

export async function wireWeb(
  server: Server,
  config: Config,
  infra: Pick<Infra, 'sequelize' | 'redis'>,
  log: Logger,
  jwtSecret: string,
  parts: WebParts,
): Promise<WebWiring> {
  const { ledger, accounts, links } = parts;

  const secure = config.env === 'production' || config.publicBaseUrl.startsWith('https://');
  const signer = new TokenSigner(jwtSecret);
  const sessions = new SqlWebSessions(infra.sequelize);
  const { billing, repo } = parts.billing;

  const translator = await createTranslator(config.defaultLocale);
  const translate = async (userId: string, msg: Msg) =>
    translator.t((await accounts.byUserId(userId))?.locale ?? config.defaultLocale, msg);
  installClientIp(server, config.trustProxy);
  await harden(server, { secure, perMinute: config.rateLimits.ipPerMinute, redis: infra.redis });
  registerSession(server, signer, sessions, { secure });
  mapErrors(server, translate);
  const paddleSecret = config.paddle.webhookSecret;
  const masters = new SqlGenerationStore(infra.sequelize);
  const generations = parts.generations;
  const deps: WebDeps = {
    billing,
    repo,
    ledger,
    accounts,
    generations: parts.generations,
    links,
    signer,
    sessions,
    origin: new URL(config.publicBaseUrl).origin,
    safeEqual,
    payments: {
      readers: {
        ecpayPayment: (body) => readCallback(body, config.ecpay),
        ecpayPeriod: (body) => readPeriodCallback(body, config.ecpay),
        paddleSignatureValid: (body, header) =>
          Boolean(paddleSecret) && verifyPaddleSignature(body, header, paddleSecret!),
      },
      events: new ProviderEvents({
        billing,
        // The envelope's data is read field by field there.
        paddle: (n: PaddleNotification) => fromPaddle(n as PaddleEnvelope),
        log,
      }),
    },
    providersHealth: parts.providersHealth ?? (async () => ({})),
    secureCookies: secure,
    writeCors: {
      origin: [...new Set([...config.corsOrigins, new URL(config.publicBaseUrl).origin])],
      credentials: true as const,
    },
    telegramUsername: config.telegram?.username,
    lineBasicId: config.line?.basicId,
    discordApplicationId: config.discord?.applicationId,
    log,
    styles: parts.styles,
    ...(parts.mediaStore ? { media: parts.mediaStore } : {}),
    ...(generations
      ? {
          cleanMasters: {
            // Core says whether the tier may have it (cleanUrl); the store says where the master is.
            keyOf: async (userId: string, id: string) =>
              (await generations.get(userId, id))?.cleanUrl ? ((await masters.get(id))?.masterKey ?? null) : null,
          },
        }
      : {}),
    ...(parts.actions ? { actions: parts.actions } : {}),
    translate,
  };
  authRoutes(server, deps);
  apiRoutes(server, deps);
  checkoutRoutes(server, deps);
  paymentRoutes(server, deps);
  await appRoutes(server, parts.appDist);
  return { billing, links };
}
