import type { AppContext } from '../context.js';
import { sendDueDigest } from '../modules/digest/send.js';
import type { Job } from './scheduler.js';

export const DIGEST_JOB = 'report-digest';

/**
 * Every minute: the digest's own schedule lives in the database (admins change it without a restart),
 * so the job asks whether a send fell due; a week already sent is never sent again.
 */
export function digestJob(ctx: AppContext): Job {
  return { name: DIGEST_JOB, schedule: '* * * * *', run: () => sendDueDigest(ctx) };
}
