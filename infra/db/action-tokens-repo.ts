// SQL behind core's ActionTokenStore (table result_actions, migrations/*-result-actions.ts).
import { QueryTypes, type Sequelize } from 'sequelize';
import type { ActionToken, ActionTokenStore } from '../../core/generation/action-tokens.ts';

type Raw = { id: string; generation_id: string; user_id: string; action: ActionToken['action']; style: string };
const toToken = (r: Raw): ActionToken => ({
  id: r.id,
  generationId: r.generation_id,
  userId: r.user_id,
  action: r.action,
  style: r.style,
});

export class SqlActionTokens implements ActionTokenStore {
  constructor(private readonly db: Sequelize) {}

  async issue(t: Omit<ActionToken, 'id'>, newId: string): Promise<string> {
    // One statement: a concurrent issue of the same triple gets the id the other one wrote.
    const [row] = await this.db.query<{ id: string }>(
      `INSERT INTO result_actions (id, generation_id, user_id, action, style) VALUES (:id, :g, :u, :a, :s)
       ON CONFLICT (generation_id, action, style) DO UPDATE SET style = EXCLUDED.style RETURNING id`,
      { replacements: { id: newId, g: t.generationId, u: t.userId, a: t.action, s: t.style }, type: QueryTypes.SELECT },
    );
    return row!.id;
  }

  async find(id: string): Promise<ActionToken | null> {
    const [row] = await this.db.query<Raw>('SELECT * FROM result_actions WHERE id = :id', {
      replacements: { id },
      type: QueryTypes.SELECT,
    });
    return row ? toToken(row) : null;
  }
}
