import type { Conditions } from './schemas.js';

/** Which ticket time a time rule counts from, and how long ago it must be. */
export interface TimeAnchor {
  column: 'created_at' | 'last_activity_at';
  minutes: number;
}

/**
 * The longest "at least N minutes since" condition in `all`: the job looks up only tickets past it,
 * through the (status, created_at) and (status, last_activity_at) indexes.
 */
export function timeAnchorOf(conditions: Conditions): TimeAnchor | null {
  let best: TimeAnchor | null = null;
  for (const c of conditions.all ?? []) {
    const minutes = Number(c.value);
    if (c.op !== 'gte' || c.value === null || c.value === '' || !Number.isFinite(minutes)) continue;
    if (c.field !== 'minutes_since_created' && c.field !== 'minutes_since_activity') continue;
    if (!best || minutes > best.minutes) best = { column: c.field === 'minutes_since_created' ? 'created_at' : 'last_activity_at', minutes };
  }
  return best;
}
