import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { WebSocket } from 'ws';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../http/errors.js';
import { releaseUpgradeRequest } from '../../http/ws-upgrade.js';
import { queueStanding } from '../../modules/assignment/service.js';
import { guardVisitor, type Guarded } from './guard.js';
import { sendVisitorMessage } from './message-service.js';
import type { ClientFrame, ServerFrame } from './protocol.js';
import { openConversation, type VisitorRow } from './queries.js';
import type { WidgetRuntime } from './runtime.js';
import { ChannelParams } from './schemas.js';
import { conversationView } from './session-service.js';
import type { WidgetChannelConfig } from './config-schema.js';
import { emitVisitorTyping, requestBot, visitorRead } from './signals.js';
import { Heartbeat } from './heartbeat.js';

const HEARTBEAT_MS = 30_000;
const WsQuery = Type.Object({ vt: Type.String({ maxLength: 400 }), po: Type.Optional(Type.String({ maxLength: 300 })) });

/** The visitor websocket: pushes agent replies, typing and status; accepts messages, typing and reads. */
export const widgetWsRoutes: FastifyPluginAsyncTypebox<{ rt: WidgetRuntime }> = async (app, { rt }) => {
  // Who the upgrade hook let in, for the socket handler that follows it.
  const admitted = new WeakMap<FastifyRequest, Guarded>();
  const heartbeat = new Heartbeat(HEARTBEAT_MS);
  app.get(
    '/widget/:channel/ws',
    {
      websocket: true,
      schema: { params: ChannelParams, querystring: WsQuery },
      // Checked before the upgrade: a refused visitor gets an HTTP error, never an open socket.
      preValidation: async (request) => {
        const { channel } = request.params as { channel: string };
        const { vt } = request.query as { vt: string };
        admitted.set(request, await guardVisitor(rt, request, channel, vt));
      },
    },
    async (socket, request) => {
      releaseUpgradeRequest(socket, request);
      const guarded = admitted.get(request);
      if (!guarded) return socket.close(1008, 'unauthorized');
      await serveVisitor(rt, socket, heartbeat, guarded.ch, guarded.visitor, request.ip);
    },
  );
};

async function serveVisitor(rt: WidgetRuntime, socket: WebSocket, heartbeat: Heartbeat, ch: WidgetChannelConfig, visitor: VisitorRow, ip: string) {
  const send = (frame: ServerFrame) => {
    // A socket that closed meanwhile has no one to tell; ws throws when sending on one still connecting.
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  const remove = rt.hub.add(visitor.id, ch.name, socket);
  let typing = false;
  const unwatch = heartbeat.watch(socket);
  socket.on('close', () => {
    unwatch();
    remove();
    if (typing) void emitVisitorTyping(rt, visitor.id, false);
  });
  socket.on('message', (raw) => {
    // Whatever a frame does, the listener must not throw: an uncaught error here would end the process.
    try {
      onFrame(raw);
    } catch (err) {
      rt.ctx.logger.error({ err, visitorId: visitor.id }, 'widget frame failed');
      send({ type: 'error', code: 'internal', message: 'Something went wrong on our side.' });
    }
  });
  const onFrame = (raw: unknown) => {
    const frame = parseFrame(String(raw));
    if (!frame) return send({ type: 'error', code: 'bad_frame', message: 'Unreadable frame.' });
    if (frame.type === 'ping') return send({ type: 'pong' });
    if (frame.type === 'typing') {
      typing = frame.typing;
      return void emitVisitorTyping(rt, visitor.id, frame.typing).catch(() => undefined);
    }
    if (frame.type === 'read') return void visitorRead(rt, visitor.id).catch(() => undefined);
    if (frame.type === 'bot') {
      return void requestBot(rt, visitor.id, frame.action).catch(() => send({ type: 'error', code: 'not_found', message: 'No open chat.' }));
    }
    typing = false;
    sendVisitorMessage(rt, ch, visitor, frame, ip).then(
      (result) => {
        send({ type: 'ack', clientId: frame.clientId, message: result.message });
        if (!result.duplicate) rt.hub.send(visitor.id, { type: 'message', message: result.message }, socket);
      },
      (err: unknown) => {
        if (!(err instanceof AppError)) rt.ctx.logger.error({ err, visitorId: visitor.id }, 'widget message failed');
        const known = err instanceof AppError;
        send({
          type: 'error',
          clientId: frame.clientId,
          code: known ? err.code : 'internal',
          message: known ? err.message : 'Something went wrong on our side.',
        });
      },
    );
  };
  const open = await openConversation(rt.ctx.db, visitor.id);
  // A reloaded page has missed the queue frames sent before it: the hello says where the chat stands now.
  const queue = open?.ticket_id ? await queueStanding(rt.ctx, open.ticket_id) : null;
  send({ type: 'hello', online: rt.online(ch), conversation: open ? await conversationView(rt, open) : null, queue });
}

function parseFrame(raw: string): ClientFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const f = value as Record<string, unknown>;
  switch (f.type) {
    case 'ping':
    case 'read':
      return { type: f.type };
    case 'typing':
      return { type: 'typing', typing: f.typing === true };
    case 'bot':
      return f.action === 'ask' || f.action === 'solved' || f.action === 'human' ? { type: 'bot', action: f.action } : null;
    case 'message': {
      if (typeof f.clientId !== 'string' || typeof f.text !== 'string') return null;
      const ids = Array.isArray(f.uploadIds) ? f.uploadIds.filter((x): x is string => typeof x === 'string') : undefined;
      return { type: 'message', clientId: f.clientId, text: f.text, uploadIds: ids };
    }
    default:
      return null;
  }
}
