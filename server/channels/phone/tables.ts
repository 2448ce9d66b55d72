/** A provider's id for one of our outbound messages (a WhatsApp wamid, a Twilio SM sid). */
export interface ChannelMessageRefsTable {
  channel_kind: string;
  channel_name: string;
  provider_id: string;
  message_id: number;
  created_at: number;
}

export interface PhoneChannelTables {
  channel_message_refs: ChannelMessageRefsTable;
}
