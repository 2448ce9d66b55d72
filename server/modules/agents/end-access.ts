import type { AppContext } from '../../context.js';
import { now, type Tx } from '../../db/database.js';

export type EndAccessReason = 'password' | 'password_reset' | 'deactivated';

export interface EndAccessOptions {
  reason: EndAccessReason;
  /** The session that made the change (an agent changing their own password) stays signed in. */
  keepSessionId?: string | undefined;
}

/**
 * A leaked password or a departed agent must not live on in a browser or an integration: every session
 * (but the kept one) ends, every API token is revoked for good (reactivation brings none back), and once
 * the transaction commits the agent's open websockets are closed. Runs in the caller's transaction, with
 * the password or status change it follows.
 */
export async function endAccess(
  ctx: AppContext,
  tx: Tx,
  onCommit: (cb: () => void) => void,
  agentId: number,
  options: EndAccessOptions,
): Promise<{ sessions: number; tokens: number }> {
  let sessionsQuery = tx.deleteFrom('sessions').where('agent_id', '=', agentId);
  if (options.keepSessionId !== undefined) sessionsQuery = sessionsQuery.where('id', '!=', options.keepSessionId);
  const sessions = Number((await sessionsQuery.executeTakeFirst()).numDeletedRows);
  const tokens = Number(
    (
      await tx
        .updateTable('api_tokens')
        .set({ revoked_at: now() })
        .where('agent_id', '=', agentId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
    ).numUpdatedRows,
  );
  onCommit(() => {
    ctx.logger.info({ agentId, endedSessions: sessions, revokedTokens: tokens, reason: options.reason }, 'credentials revoked');
    ctx.bus.emit({ type: 'agent.signed_out', actor: { kind: 'system' }, agentId, keepSessionId: options.keepSessionId ?? null });
  });
  return { sessions, tokens };
}
