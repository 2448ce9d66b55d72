/**
 * What the widget relay bench needs of a Kefu instance, shared by its two ways of running one: in
 * widget-server.ts (from the sources) and as the production build (`kefu serve` from dist/).
 */
import type { AppContext } from '../../server/context.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { createSession } from '../../server/modules/agents/sessions.js';
import { createApiToken } from '../../server/modules/agents/tokens.js';

/** The config of the bench instance: one widget channel, `bench`, open to every origin. */
export function benchConfig(dataDir: string) {
  return {
    data_dir: dataDir,
    log: { level: 'silent' },
    ...(process.env.KEFU_BENCH_CACHE_MB ? { database: { cache_mb: Number(process.env.KEFU_BENCH_CACHE_MB) } } : {}),
    channels: {
      widget: [
        {
          name: 'bench',
          allowed_origins: ['*'],
          offline_when_no_agent: false,
          // Every bench visitor comes from one IP; the per-visitor limit stays as shipped.
          rate_limits: { ip_messages_per_minute: 1_000_000, ip_sessions_per_minute: 1_000_000 },
        },
      ],
    },
  };
}

/** An admin's API token for the agent socket, and sign-in cookies of the first `agentSockets` other active agents. */
export async function benchCredentials(ctx: AppContext, agentSockets: number): Promise<{ token: string; cookies: string[] }> {
  const email = `bench-${Date.now().toString(36)}@example.test`;
  const agent = await createAgent(ctx, { email, name: 'Bench Agent', role: 'admin', password: 'correct horse battery' });
  const { secret } = await createApiToken(ctx, agent.id, 'bench');
  const others = await ctx.db.selectFrom('agents').select('id').where('active', '=', 1).where('id', '!=', agent.id).orderBy('id').limit(agentSockets).execute();
  const cookies = await Promise.all(others.map(async (a) => `kefu_session=${(await createSession(ctx, a.id, {})).cookieValue}`));
  return { token: secret, cookies };
}
