import type { AssignmentQueueChanged } from '../../realtime/events.js';
import { estimatedWaitMinutes } from '../../modules/assignment/service.js';
import { conversationForTicket } from './queries.js';
import type { WidgetRuntime } from './runtime.js';

/** Tells the visitor of a waiting chat their place in line and the estimated wait; null clears it. */
export async function relayQueuePosition(rt: WidgetRuntime, e: AssignmentQueueChanged): Promise<void> {
  const conversation = await conversationForTicket(rt.ctx.db, e.ticketId);
  if (!conversation) return;
  if (e.position === null) {
    rt.hub.send(conversation.visitor_id, { type: 'queue', position: null, waitMinutes: null });
    return;
  }
  const waitMinutes = await estimatedWaitMinutes(rt.ctx, e.ticketId, e.position);
  rt.hub.send(conversation.visitor_id, { type: 'queue', position: e.position, waitMinutes });
}
