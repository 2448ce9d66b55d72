import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AppContext } from '../../context.js';
import { BadRequest, NotFound } from '../../http/errors.js';
import { setDeliveryStatus } from '../../outbox/delivery.js';
import type { ApiChannelConfig } from './config-schema.js';
import { ApiStatusSchema, type ApiStatus } from './schemas.js';

const check = TypeCompiler.Compile(ApiStatusSchema);

/**
 * The business's app reports what became of an agent's reply after it took it (shown to the
 * customer, or undeliverable), so the agent sees delivered or failed with the app's reason.
 * Only replies on this channel can be reported.
 */
export async function reportDelivery(ctx: AppContext, channel: ApiChannelConfig, body: unknown): Promise<void> {
  const first = check.Errors(body).First();
  if (first) throw new BadRequest(`${first.path.replace(/^\//, '') || 'body'}: ${first.message}`, undefined, 'invalid_status');
  const report = body as ApiStatus;
  const message = await ctx.db
    .selectFrom('messages')
    .select('id')
    .where('id', '=', report.messageId)
    .where('kind', '=', 'outbound')
    .where('channel_kind', '=', 'api')
    .where('channel_name', '=', channel.name)
    .executeTakeFirst();
  if (!message) throw new NotFound('reply on this channel');
  const error = report.status === 'failed' ? report.error?.trim() || 'reported as failed by the app' : null;
  await setDeliveryStatus(ctx, message.id, report.status, error);
}
