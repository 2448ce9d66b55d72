/** A one-time sign-in link: usable once, for 15 minutes. */
export interface PortalLoginLinksTable {
  /** sha256 of the token in the link */
  token_hash: string;
  email: string;
  /** the contact whose verified email this is, when there was one at request time */
  contact_id: number | null;
  /** a contact created from a signed-out web form that typed this email; following the link proves it */
  claim_contact_id: number | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface PortalSessionsTable {
  /** sha256 of the cookie's value */
  token_hash: string;
  contact_id: number;
  created_at: number;
  expires_at: number;
}

export interface PortalTables {
  portal_login_links: PortalLoginLinksTable;
  portal_sessions: PortalSessionsTable;
}
