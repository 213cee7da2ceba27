// Appeals from both sides of the chat.
// User: "/appeal <why>" files the appeal of the latest refusal at once; a bare "/appeal" (the Appeal button) asks
// for a short explanation, and the user's next plain message in that chat is it ("skip" or the Skip button files
// without one). The question waits ten minutes in SharedState; any other command drops it.
// Admin: "/admin appeals" lists pending appeals with the prompt, category, who refused (keyword / Gemini) and the
// explanation, with Approve / Reject buttons; a decision is told to the user on every chat they use, in its
// language, once (the push is keyed by the appeal).
import type { Choice, ReplyTarget, Reply } from '../model.ts';
import type { Notifier, SharedState } from '../ports.ts';
import type { AppealDecision, ModerationPolicy } from './policy.ts';

export const APPEAL_QUESTION_TTL_MS = 10 * 60_000;
/** Oldest pending appeals shown at once: their 12 buttons fit LINE's 13 quick replies. */
const PAGE = 6;
/** Words that mean "no explanation" in our five languages (and the Skip button's command argument). */
const SKIP = new Set(['skip', 'スキップ', '跳過', '略過', '跳过', '건너뛰기', '스킵', 'omitir', 'saltar']);
const SOURCE: Record<string, string> = {
  keyword: 'keyword filter',
  gemini: 'Gemini',
  'gemini+keyword': 'Gemini + keyword filter',
};

export type AppealPolicy = Pick<ModerationPolicy, 'lastRefusal' | 'fileAppeal' | 'pendingAppeals' | 'decideAppeal'>;

export interface AppealDeskDeps {
  policy: AppealPolicy;
  state: SharedState;
  notifier: Notifier;
  /** Every chat of the user (AccountService.targets). */
  targets(userId: string): Promise<ReplyTarget[]>;
  log?: { warn(obj: object, msg: string): void };
}

const text = (key: string, params?: Record<string, string | number>, choices?: Choice[]): Reply => ({
  kind: 'text',
  message: { key, ...(params ? { params } : {}) },
  ...(choices ? { choices } : {}),
});
const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export class AppealDesk {
  constructor(private readonly d: AppealDeskDeps) {}

  private key = (userId: string, chat: string) => `appeals:question:${userId}:${chat}`;

  /** "/appeal" with or without text. `chat` names the conversation the question waits in. */
  async command(userId: string, chat: string, explanation: string | undefined): Promise<Reply[]> {
    await this.d.state.del(this.key(userId, chat));
    if (explanation !== undefined)
      return this.file(userId, SKIP.has(explanation.trim().toLowerCase()) ? '' : explanation);
    const last = await this.d.policy.lastRefusal(userId);
    if (!last) return [text('moderation.appeal.none')];
    if (last.appealStatus !== 'none') return [text('moderation.appeal.already')];
    await this.d.state.set(this.key(userId, chat), last.id, APPEAL_QUESTION_TTL_MS);
    return [
      text('moderation.appeal.ask', undefined, [
        { label: { key: 'moderation.appeal.skip_button' }, command: '/appeal skip' },
      ]),
    ];
  }

  /** A plain message: the explanation when the question is waiting in this chat, else null (it is a prompt). */
  async answer(userId: string, chat: string, message: string): Promise<Reply[] | null> {
    const k = this.key(userId, chat);
    const eventId = await this.d.state.get(k);
    if (!eventId) return null;
    await this.d.state.del(k);
    const why = SKIP.has(message.trim().toLowerCase()) ? '' : message;
    return [
      text(
        (await this.d.policy.fileAppeal(eventId, why, userId))
          ? 'moderation.appeal.filed'
          : 'moderation.appeal.already',
      ),
    ];
  }

  /** Any other command: the question is dropped. */
  async forget(userId: string, chat: string): Promise<void> {
    await this.d.state.del(this.key(userId, chat));
  }

  private async file(userId: string, why: string): Promise<Reply[]> {
    const last = await this.d.policy.lastRefusal(userId);
    if (!last) return [text('moderation.appeal.none')];
    if (last.appealStatus !== 'none') return [text('moderation.appeal.already')];
    return [
      text(
        (await this.d.policy.fileAppeal(last.id, why, userId))
          ? 'moderation.appeal.filed'
          : 'moderation.appeal.already',
      ),
    ];
  }

  /** /admin appeals */
  async pending(): Promise<Reply[]> {
    const items = await this.d.policy.pendingAppeals(PAGE);
    if (!items.length) return [text('moderation.admin.empty')];
    return items.map((a) => ({
      kind: 'text',
      message: {
        key: 'moderation.admin.item',
        params: {
          id: a.id,
          user: a.userId,
          text: short(a.text, 300),
          category: a.category ?? 'other',
          source: SOURCE[a.source] ?? a.source,
          appeal: a.appealText ? short(a.appealText, 500) : '—',
        },
      },
      choices: [
        // LINE gathers every button under the last message: each names its appeal.
        {
          label: { key: 'moderation.admin.approve_button', params: { ref: a.id.slice(0, 8) } },
          command: `/admin appeal ${a.id} approve`,
        },
        {
          label: { key: 'moderation.admin.reject_button', params: { ref: a.id.slice(0, 8) } },
          command: `/admin appeal ${a.id} reject`,
        },
      ],
    }));
  }

  /** /admin appeal <id> approve|reject: decided once; the user hears the outcome on each of their chats. */
  async decide(eventId: string, decision: AppealDecision, actor: string): Promise<Reply[]> {
    const decided = UUID.test(eventId) ? await this.d.policy.decideAppeal(eventId, decision, actor) : null;
    if (!decided) return [text('moderation.admin.missing', { id: eventId })];
    const { event, unbanned } = decided;
    const notice = text(
      decision === 'reject'
        ? 'moderation.appeal.rejected'
        : unbanned
          ? 'moderation.appeal.approved_unbanned'
          : 'moderation.appeal.approved',
      { prompt: short(event.text, 80) },
    );
    for (const t of await this.d.targets(event.userId)) {
      await this.d.notifier
        .push(t, [notice], { idempotencyKey: `appeal:${event.id}:${t.platform}:${t.platformUserId}` })
        .catch((err) =>
          this.d.log?.warn({ err: String(err), platform: t.platform }, 'appeal outcome could not be pushed'),
        );
    }
    return [text(decision === 'approve' ? 'moderation.admin.approved' : 'moderation.admin.rejected', { id: event.id })];
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
