import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HealthChecks } from '../ops/health.js';

const CheckReport = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('fail')]),
  critical: Type.Boolean(),
  message: Type.Optional(Type.String()),
});

const ReadyReport = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('unavailable')]),
  checks: Type.Record(Type.String(), CheckReport),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

/**
 * GET /healthz: the process answers (liveness; restart when it does not).
 * GET /readyz: the database and other critical checks answer (readiness; 503 when not).
 */
export async function healthRoutes(app: FastifyInstance, { health }: { health: HealthChecks }): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database and other critical parts answer',
        response: { 200: ReadyReport, 503: ReadyReport },
      },
    },
    async (_request, reply) => {
      const report = await health.report();
      reply.header('cache-control', 'no-store');
      if (report.status !== 'unavailable') return reply.code(200).send(report);
      const failing = Object.entries(report.checks)
        .filter(([, c]) => c.status === 'fail' && c.critical)
        .map(([name]) => name);
      return reply.code(503).send({
        ...report,
        error: { code: 'not_ready', message: `Not ready: ${failing.join(', ')} failing.` },
      });
    },
  );
}
