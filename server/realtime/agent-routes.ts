import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { agentOf, requireAgent } from '../http/auth.js';
import { Forbidden } from '../http/errors.js';
import { releaseUpgradeRequest } from '../http/ws-upgrade.js';
import { AgentHub, type AgentHubOptions } from './agent-hub.js';
import { parseClientFrame } from './agent-protocol.js';

const hubs = new WeakMap<AppContext, AgentHub>();

/** Open agent websockets, for /metrics. */
export function openAgentSockets(ctx: AppContext): number {
  return hubs.get(ctx)?.socketCount ?? 0;
}

/** The running hub of this context, when the realtime routes are registered. */
export function agentHubOf(ctx: AppContext): AgentHub | undefined {
  return hubs.get(ctx);
}

/**
 * A cookie rides along on a websocket opened by any site; only our own pages may use it.
 * Bearer/?token= callers are not browsers acting on someone's behalf, so they may come from anywhere.
 */
function checkOrigin(ctx: AppContext, request: FastifyRequest): void {
  if (request.auth?.via !== 'session') return;
  const origin = request.headers.origin;
  if (!origin) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new Forbidden('Bad Origin.');
  }
  if (host === request.headers.host || host === new URL(ctx.config.server.public_url).host) return;
  throw new Forbidden('This page may not open an agent connection.');
}

export const agentRealtimeRoutes: FastifyPluginAsync<{ ctx: AppContext; hub?: Partial<AgentHubOptions> }> = async (
  app,
  { ctx, hub: hubOptions },
) => {
  const hub = new AgentHub(ctx, hubOptions);
  await hub.start();
  hubs.set(ctx, hub);
  app.addHook('onClose', async () => {
    hubs.delete(ctx);
    await hub.stop();
  });

  app.get(
    '/ws',
    {
      websocket: true,
      schema: { tags: ['realtime'], summary: 'Agent websocket: ticket events, presence, typing, viewers' },
      preValidation: [requireAgent, async (request) => checkOrigin(ctx, request)],
    },
    (socket, request) => {
      const log = releaseUpgradeRequest(socket, request);
      const agent = agentOf(request);
      // Frames that arrive while the connection is being set up wait for it.
      const ready = hub.connect(socket, agent, request.raw.socket, request.auth?.via === 'session' ? request.auth.sessionId : null);
      let chain: Promise<unknown> = ready;
      socket.on('message', (data, isBinary) => {
        let frame: ReturnType<typeof parseClientFrame>;
        try {
          frame = isBinary ? null : parseClientFrame(data.toString());
        } catch (err) {
          // A parser fault is answered as a bad frame: a throw out of this listener would end the process.
          log().error({ err }, 'agent websocket frame unreadable');
          frame = null;
        }
        chain = chain.then(async () => {
          const conn = await ready;
          if (!frame) {
            conn.send({ type: 'error', code: 'bad_frame', message: 'Unknown or malformed frame.' });
            return;
          }
          await hub.receive(conn, frame);
        });
        chain = chain.catch((err: unknown) => log().error({ err }, 'agent websocket frame failed'));
      });
      socket.on('close', () => {
        void ready.then((conn) => hub.disconnect(conn));
      });
    },
  );
};
