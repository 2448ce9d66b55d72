import { Conflict, Forbidden } from '../../http/errors.js';
import { loginLinkForVerifiedEmail } from '../../modules/portal/login.js';
import type { WidgetRuntime } from './runtime.js';
import type { VisitorRow } from './queries.js';

/**
 * A one-time portal sign-in URL for a visitor whose address identify() proved: the widget opens it
 * and one press of its "Sign in" button lands the customer in /help/tickets, without a mail round trip. A typed address
 * proves nothing and gets no link.
 */
export async function portalLinkForVisitor(rt: WidgetRuntime, visitor: VisitorRow): Promise<{ url: string }> {
  if (visitor.email_verified !== 1 || !visitor.email) {
    throw new Forbidden('Only a visitor whose email the site verified with identify() can open the portal signed in.', 'portal_needs_verified_email');
  }
  const url = await loginLinkForVerifiedEmail(rt.ctx, visitor.email);
  if (!url) throw new Conflict('This visitor has no tickets yet.', 'portal_no_tickets');
  return { url };
}
