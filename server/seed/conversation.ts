import type { MessageKind } from '../modules/tickets/tables.js';
import { NOTES, PRODUCTS, TOPICS, type Topic } from './corpus.js';
import type { Lang, Person } from './people.js';
import type { Random } from './random.js';

export interface SeedMessage {
  kind: MessageKind;
  fromAgent: boolean;
  text: string;
  at: number;
}

export interface Conversation {
  topic: Topic;
  subject: string;
  messages: SeedMessage[];
}

const MINUTE = 60_000;

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => vars[key] ?? '');
}

/** English fallbacks for languages a topic has fewer lines in. */
const lines = (set: Partial<Record<Lang, string[]>>, lang: Lang): string[] => set[lang] ?? set.en ?? [];

/**
 * One support conversation: the customer's opening message, then agent replies, customer
 * follow-ups and the odd internal note, spaced minutes to hours apart from `start`.
 */
export function makeConversation(rng: Random, person: Person, agentName: string, count: number, start: number): Conversation {
  const topic = rng.pick(TOPICS);
  const lang = person.lang;
  const vars = {
    order: `${rng.pick(['KF', 'SO', ''])}${rng.digits(8)}`,
    product: rng.pick(PRODUCTS[lang]),
    amount: String(rng.int(9, 1999)),
    tracking: `${rng.pick(['SF', 'YT', 'JD', '1Z', 'ZTO'])}${rng.digits(12)}`,
    days: String(rng.int(2, 14)),
    name: person.name,
    agent: agentName,
  };
  const subject = fill(rng.pick(lines(topic.subjects, lang)), vars);
  const messages: SeedMessage[] = [{ kind: 'inbound', fromAgent: false, text: fill(rng.pick(lines(topic.opening, lang)), vars), at: start }];
  let at = start;
  for (let i = 1; i < count; i++) {
    at += rng.int(3, 600) * MINUTE;
    const previousFromAgent = messages[messages.length - 1]!.fromAgent;
    if (rng.chance(0.1)) {
      messages.push({ kind: 'note', fromAgent: true, text: rng.pick(NOTES[lang === 'zh' ? 'zh' : 'en']), at });
    } else if (!previousFromAgent) {
      messages.push({ kind: 'outbound', fromAgent: true, text: fill(rng.pick(lines(topic.agent, lang)), vars), at });
    } else {
      messages.push({ kind: 'inbound', fromAgent: false, text: fill(rng.pick(lines(topic.customer, lang)), vars), at });
    }
  }
  return { topic, subject, messages };
}
