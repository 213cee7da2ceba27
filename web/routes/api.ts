// Read-only REST for the web app under /api/v1 (session cookie): plans, packs, me, points, gallery, showcase, status,
// and (signed out) the chat deep links.
import Boom from '@hapi/boom';
import Joi from 'joi';
import type { Request, Server } from '@hapi/hapi';
import { userOf, type WebDeps } from './web-deps.ts';
import { isDisk } from './media.ts';
import type { GenerationView } from '../../core/api.ts';
import type {
  ChatLinksDto,
  GenerationDetailDto,
  GenerationDto,
  GenerationPageDto,
  MeDto,
  OrderDto,
  PacksDto,
  PlansDto,
  PointsDto,
  PointsHistoryDto,
  ShowcaseDto,
  StatusDto,
} from '../dto.ts';
import { presentBalance, presentEntry, presentGeneration, presentOrder } from '../presenters.ts';

const noQuery = { query: Joi.object({}) };
/** How long a clean-master download link lasts: long enough to start the download, too short to share. */
const CLEAN_LINK_TTL_S = 5 * 60;

export function apiRoutes(server: Server, d: WebDeps) {
  const get = (
    path: string,
    handler: (request: Request) => Promise<unknown>,
    validate: object = noQuery,
    auth: string | false = 'session',
  ) => server.route({ method: 'GET', path, options: { auth, validate }, handler: (request) => handler(request) });

  get('/api/v1/plans', async (): Promise<PlansDto> => ({ plans: await d.billing.plans() }), noQuery, false);
  get('/api/v1/packs', async (): Promise<PacksDto> => ({ packs: await d.billing.packs() }), noQuery, false);
  // Where an anonymous visitor can open the chat to get a sign-in link: each configured platform's deep link.
  get(
    '/api/v1/chat-links',
    async (): Promise<ChatLinksDto> => ({
      platforms: [
        d.telegramUsername
          ? { platform: 'telegram' as const, url: `https://t.me/${encodeURIComponent(d.telegramUsername)}` }
          : null,
        d.lineBasicId
          ? { platform: 'line' as const, url: `https://line.me/R/ti/p/${encodeURIComponent(d.lineBasicId)}` }
          : null,
        d.discordApplicationId
          ? {
              platform: 'discord' as const,
              url: `https://discord.com/oauth2/authorize?client_id=${encodeURIComponent(d.discordApplicationId)}`,
            }
          : null,
      ].filter((p) => p !== null),
    }),
    noQuery,
    false,
  );
  get(
    '/api/v1/status',
    async (): Promise<StatusDto> => ({ providers: await d.providersHealth().catch(() => ({})) }),
    noQuery,
    false,
  );

  get('/api/v1/me', async (request): Promise<MeDto> => {
    const userId = userOf(request);
    const [account, targets, plan, renewal] = await Promise.all([
      d.accounts.byUserId(userId),
      d.accounts.targets(userId),
      d.repo.currentPlan(userId),
      d.billing.renewalOf(userId),
    ]);
    if (!account) throw Boom.unauthorized();
    return {
      userId,
      locale: account.locale,
      tier: plan.slug,
      planName: plan.name,
      planEnds: plan.endDate ? plan.endDate.toISOString() : null,
      autoRenew: plan.autoRenew,
      // What renews by itself: "NT$299 every month until you cancel" and the cancel button.
      renewal: renewal
        ? { method: renewal.method, amountMinor: renewal.amountMinor, currency: renewal.currency }
        : null,
      linked: targets.map((t) => ({ platform: t.platform })),
    };
  });

  get(
    '/api/v1/points',
    async (request): Promise<PointsDto> => ({ balance: presentBalance(await d.ledger.balance(userOf(request))) }),
  );
  get(
    '/api/v1/points/history',
    async (request): Promise<PointsHistoryDto> => ({
      entries: (
        await d.ledger.history(userOf(request), {
          limit: request.query.limit as number,
          before: request.query.before as number | undefined,
        })
      ).map(presentEntry),
    }),
    {
      query: Joi.object({
        limit: Joi.number().integer().min(1).max(100).default(20),
        before: Joi.number().integer().min(1),
      }),
    },
  );

  // The failure reason as text in the user's language (the app bundles only its own texts).
  const forUser = async (userId: string, g: GenerationView): Promise<GenerationDto> =>
    presentGeneration(g, g.errorMessage && d.translate ? await d.translate(userId, g.errorMessage) : null);

  get(
    '/api/v1/generations',
    async (request): Promise<GenerationPageDto> => {
      const { limit, offset } = request.query as { limit: number; offset: number };
      if (!d.generations) return { items: [], total: 0, limit, offset };
      const page = await d.generations.list(userOf(request), { limit, offset });
      return {
        items: await Promise.all(page.items.map((g) => forUser(userOf(request), g))),
        total: page.total,
        limit,
        offset,
      };
    },
    {
      query: Joi.object({
        limit: Joi.number().integer().min(1).max(50).default(12),
        offset: Joi.number().integer().min(0).max(100_000).default(0),
      }),
    },
  );

  const byId = { params: Joi.object({ id: Joi.string().guid().required() }), query: Joi.object({}) };
  get(
    '/api/v1/generations/{id}',
    async (request): Promise<GenerationDetailDto> => {
      const userId = userOf(request);
      const item = d.generations ? await d.generations.get(userId, request.params.id as string) : null;
      if (!item) throw Boom.notFound();
      // The video's family (the video its button was pressed under, the ones made from its buttons) and Remix.
      const family = d.actions ? await d.actions.family(userId, item.id) : null;
      return {
        ...(await forUser(userId, item)),
        parent: family?.parent ? await forUser(userId, family.parent) : null,
        children: family ? await Promise.all(family.children.map((c) => forUser(userId, c))) : [],
        remix: await remixOf(userId, item.id),
      };
    },
    byId,
  );

  /**
   * "Remix": each action as a link that opens the user's chat with it ready — Telegram's start parameter
   * (?start=a_<id>, [A-Za-z0-9_-] only) and LINE's oaMessage pre-filled text ("/act <id>"), on the platforms the
   * user has; elsewhere (Discord, the console) the command to send. The ids are the chat buttons' own, so a link
   * and a button of one action make one generation.
   */
  async function remixOf(userId: string, id: string): Promise<GenerationDetailDto['remix']> {
    if (!d.actions) return { platforms: [], actions: [] };
    const platforms = [...new Set((await d.accounts.targets(userId)).map((t) => t.platform))];
    const ids = await d.actions.remix(userId, id);
    return {
      platforms,
      actions: ids.map(({ action, id: actionId }) => ({
        action,
        command: `/act ${actionId}`,
        telegram:
          d.telegramUsername && platforms.includes('telegram')
            ? `https://t.me/${d.telegramUsername}?start=a_${actionId}`
            : null,
        line:
          d.lineBasicId && platforms.includes('line')
            ? `https://line.me/R/oaMessage/${encodeURIComponent(d.lineBasicId)}/?${encodeURIComponent(`/act ${actionId}`)}`
            : null,
      })),
    };
  }

  // The clean master of the caller's own generation, only when core says their tier may have it (not Demo).
  server.route({
    method: 'GET',
    path: '/api/v1/generations/{id}/clean',
    options: { auth: 'session', validate: byId },
    handler: async (request, h) => {
      const id = request.params.id as string;
      const key = d.media && d.cleanMasters ? await d.cleanMasters.keyOf(userOf(request), id) : null;
      if (!key || !d.media) throw Boom.notFound();
      // S3: a presigned GET valid for minutes, signed for the endpoint the browser reaches (the bucket keeps private/ private).
      if (!isDisk(d.media)) {
        const url = await d.media.signedUrl(key, CLEAN_LINK_TTL_S, { downloadName: `vidgo-${id.slice(0, 8)}.mp4` });
        return h
          .redirect(url)
          .temporary()
          .header('cache-control', 'private, no-store')
          .header('referrer-policy', 'no-referrer');
      }
      return h
        .file(d.media.pathOf(key), {
          confine: d.media.root,
          etagMethod: false,
          mode: 'attachment',
          filename: `vidgo-${id.slice(0, 8)}.mp4`,
        })
        .type('video/mp4')
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff');
    },
  });

  get('/api/v1/showcase', async (request): Promise<ShowcaseDto> => {
    const userId = userOf(request);
    const [plan, plans, styles] = await Promise.all([d.repo.currentPlan(userId), d.billing.plans(), d.styles.list()]);
    const access = plans.find((p) => p.slug === plan.slug)?.features.style_access ?? false;
    return {
      styleAccess: access,
      styles: styles.map((s) => ({
        id: s.id,
        name: s.name,
        names: s.names,
        sampleUrl: s.sampleUrl,
        // Telegram start parameters allow [A-Za-z0-9_-]; core/commands/grammar.ts reads "s_<style>".
        telegram: d.telegramUsername ? `https://t.me/${d.telegramUsername}?start=s_${s.id}` : null,
        line: d.lineBasicId
          ? `https://line.me/R/oaMessage/${encodeURIComponent(d.lineBasicId)}/?${encodeURIComponent(`/style ${s.id} `)}`
          : null,
      })),
    };
  });

  get(
    '/api/v1/orders/{number}',
    async (request): Promise<OrderDto> =>
      presentOrder(await d.billing.order(userOf(request), request.params.number as string)),
    {
      params: Joi.object({
        number: Joi.string()
          .pattern(/^[A-Za-z0-9]{1,20}$/)
          .required(),
      }),
      query: Joi.object({}),
    },
  );
}
