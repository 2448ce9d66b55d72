import type { ChatMessage } from './client.js';

export interface PromptArticle {
  title: string;
  text: string;
}

export interface PromptMessage {
  /** `omitted` stands for messages of a long ticket left out; its text says how many. */
  kind: 'inbound' | 'outbound' | 'note' | 'bot' | 'omitted';
  author: string;
  text: string;
}

export interface PromptTicket {
  subject: string;
  contactName: string;
  /** The contact's language tag when known (zh-CN, en, ...). */
  language: string | null;
}

/** Long articles and messages are cut: the model needs the gist, and the context window is not free. */
const ARTICLE_CHARS = 2000;
const MESSAGE_CHARS = 1500;

function cut(text: string, max: number): string {
  const flat = text.trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** "Simplified Chinese" for zh-CN: models follow a language name better than a tag. */
export function languageName(tag: string): string {
  const known: Record<string, string> = { 'zh-CN': 'Simplified Chinese', 'zh-TW': 'Traditional Chinese', en: 'English' };
  if (known[tag]) return known[tag];
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

const SPEAKER: Record<Exclude<PromptMessage['kind'], 'omitted'>, string> = {
  inbound: 'Customer',
  outbound: 'Agent',
  bot: 'Answer bot',
  note: 'Internal note',
};

function transcript(messages: PromptMessage[]): string {
  return messages
    .map((m) => (m.kind === 'omitted' ? `(${m.text})` : `[${SPEAKER[m.kind]}${m.author ? ` ${m.author}` : ''}]\n${cut(m.text, MESSAGE_CHARS)}`))
    .join('\n\n');
}

function businessLine(business: string | null): string {
  return business ? `You work in customer service for ${business}.` : 'You work in customer service.';
}

/**
 * The draft prompt. Only public messages go in (the caller filters out internal notes), because the
 * model may quote what it is given and a draft is meant for the customer.
 */
export function draftPrompt(input: { business: string | null; ticket: PromptTicket; articles: PromptArticle[]; messages: PromptMessage[] }): ChatMessage[] {
  const { business, ticket, articles, messages } = input;
  const language = ticket.language
    ? `Write in ${languageName(ticket.language)}, the customer's language, unless their last message is clearly in another language; then use that one.`
    : "Write in the language of the customer's last message.";
  const kb = articles.length
    ? `Knowledge-base articles that may answer the question:\n\n${articles.map((a) => `### ${a.title}\n${cut(a.text, ARTICLE_CHARS)}`).join('\n\n')}`
    : 'No knowledge-base article matched this question.';
  const system = [
    businessLine(business),
    'Draft the next reply an agent will send to the customer. The agent reviews and edits it before sending.',
    language,
    'Ground the reply in the articles and the conversation below. Do not invent policies, prices, dates or links; when they do not cover the question, say that you will check and get back to the customer.',
    'Be friendly and brief. Output only the reply text: no subject line, no notes to the agent, no placeholders in brackets.',
    '',
    kb,
  ].join('\n');
  const user = `Ticket subject: ${ticket.subject || '(none)'}\nCustomer: ${ticket.contactName}\n\nConversation so far, oldest first:\n\n${transcript(messages)}\n\nWrite the agent's next reply.`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/** The summary prompt: for the agent's eyes only, so internal notes go in too, labelled as such. */
export function summaryPrompt(input: { business: string | null; ticket: PromptTicket; messages: PromptMessage[]; agentLanguage: string }): ChatMessage[] {
  const { business, ticket, messages, agentLanguage } = input;
  const system = [
    businessLine(business),
    `Summarise a support ticket for a colleague who is taking it over. Write in ${languageName(agentLanguage)}.`,
    "In at most six short bullet points: what the customer wants, what has been tried or promised, what is still open, and the customer's mood when it matters.",
    'Entries marked "Internal note" were written by agents and never seen by the customer. Use only what the conversation says.',
  ].join('\n');
  const user = `Ticket subject: ${ticket.subject || '(none)'}\nCustomer: ${ticket.contactName}\n\n${transcript(messages)}`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
