import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { Language } from '../agents/service.js';
import type { Action, Conditions } from './schemas.js';

interface DefaultRuleText {
  name: string;
  reply: string;
}

// Stored as data in the instance's language (the first admin's), so an admin can reword it like any rule.
const OUT_OF_HOURS: Record<Language, DefaultRuleText> = {
  en: {
    name: 'Outside business hours: automatic reply',
    reply:
      'Hello, thank you for your message. We are outside our business hours right now, so our answer may take a little longer. We will reply as soon as we are back.',
  },
  'zh-CN': {
    name: '非工作时间自动回复',
    reply: '您好，感谢您的留言。现在是非工作时间，回复可能会稍晚一些，我们上班后会尽快答复您。',
  },
  'zh-TW': {
    name: '非營業時間自動回覆',
    reply: '您好，感謝您的留言。現在是非營業時間，回覆可能會稍晚一些，我們上班後會盡快答覆您。',
  },
};

/**
 * The rule a new desk starts with, turned off: outside the default calendar's hours a new ticket
 * gets an automatic reply. Written only into a desk that has never had a rule (deleted rules stay
 * as rows), so a desk whose admin deleted it never sees it again.
 */
export async function seedDefaultRules(db: DbOrTx, language: Language, at: number): Promise<void> {
  const text = OUT_OF_HOURS[language];
  const conditions: Conditions = { all: [{ field: 'business_hours', op: 'outside', value: null }] };
  const actions: Action[] = [{ type: 'auto_reply', text: text.reply }];
  await sql`insert into rules (name, event, conditions, actions, enabled, position, created_at, updated_at)
    select ${text.name}, 'ticket.created', ${JSON.stringify(conditions)}, ${JSON.stringify(actions)}, 0, 1, ${at}, ${at}
    where not exists (select 1 from rules)`.execute(db);
}
