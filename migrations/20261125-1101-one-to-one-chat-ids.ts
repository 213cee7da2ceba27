// chat_identities.chat_id now holds only the user's one-to-one chat with the bot (account notices, reminders and
// payment messages go there). Rows written earlier may hold the last group the user wrote in: those are cleared, and
// the push target falls back to the platform user id, which is the one-to-one chat on LINE and Telegram (Discord
// opens the DM channel). A Discord channel id cannot be told apart from a DM channel id, so Discord ones are cleared
// too. Users merged into a user that was merged later point straight at the surviving user (one hop, always).
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    UPDATE chat_identities SET chat_id = NULL
     WHERE (platform IN ('line', 'telegram') AND chat_id IS DISTINCT FROM platform_user_id) OR platform = 'discord';
    WITH RECURSIVE chain AS (
      SELECT id, merged_into AS root FROM users WHERE merged_into IS NOT NULL
      UNION ALL
      SELECT c.id, u.merged_into FROM chain c JOIN users u ON u.id = c.root WHERE u.merged_into IS NOT NULL
    ), last AS (
      SELECT DISTINCT ON (c.id) c.id, c.root FROM chain c JOIN users u ON u.id = c.root WHERE u.merged_into IS NULL
    )
    UPDATE users SET merged_into = last.root FROM last WHERE users.id = last.id AND users.merged_into <> last.root;
  `);
};

// Nothing to restore: the cleared ids were group chats, the wrong place for what is pushed there; the merge
// shortcuts point at the same surviving users as before.
export const down: MigrationFn = async () => {};
