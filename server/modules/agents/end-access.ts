import { now, type DbOrTx } from '../../db/database.js';

/**
 * After a password reset nothing signed in with the old secret may keep working: every session
 * ends and every API token is revoked (a reset often follows a leak).
 */
export async function endAllAccess(db: DbOrTx, agentId: number): Promise<{ sessions: number; tokens: number }> {
  const sessions = await db.deleteFrom('sessions').where('agent_id', '=', agentId).executeTakeFirst();
  const tokens = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now() })
    .where('agent_id', '=', agentId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), tokens: Number(tokens.numUpdatedRows) };
}
