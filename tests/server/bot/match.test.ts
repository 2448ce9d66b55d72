import { describe, expect, it } from 'vitest';
import { asksForPerson, confidence, decide, units, type Candidate } from '../../../server/modules/bot/match.js';

const article = (id: number, title: string, questions: string[] = [], body = ''): Candidate => ({ id, title, questions, body });

describe('asks for a person', () => {
  it.each([
    ['转人工', true],
    ['轉人工', true],
    ['人工', true],
    ['客服', true],
    ['我要人工客服！', true],
    ['agent', true],
    ['Human please', true],
    ['can I talk to a person?', true],
    ['怎么申请退款', false],
    ['你们客服的电话号码是多少，我想问一下退款的事情', false],
    ['my travel agent booked the wrong date and I need to change the booking', false],
    ['refund', false],
  ])('%s → %s', (text, expected) => {
    expect(asksForPerson(text)).toBe(expected);
  });
});

describe('bot confidence and decision', () => {
  const refund = article(1, '如何申请退款', ['怎么申请退款']);
  const invoice = article(2, '发票怎么开', ['能开发票吗']);
  const delivery = [article(3, 'Track your delivery'), article(4, 'Change the delivery address'), article(5, 'Delivery times and costs')];

  it('scores a message that asks exactly an alternative question 1', () => {
    expect(confidence(units('怎么申请退款'), refund)).toBe(1);
  });

  it('drops a plural s and short words from the units', () => {
    expect([...units('Refunds and a parcel')]).toEqual(['refund', 'and', 'parcel']);
  });

  it.each([
    ['怎么申请退款', 'answer'],
    ['你好，我想问一下怎么申请退款呢', 'answer'],
    ['question about delivery', 'offers'],
    ['今天天气很好', 'none'],
    ['', 'none'],
  ])('%s → %s', (message, kind) => {
    expect(decide(message, [refund, invoice, ...delivery], 0.6, 3).kind).toBe(kind);
  });

  it('offers at most the configured number, best first', () => {
    const d = decide('question about delivery', delivery, 0.6, 2);
    expect(d.kind === 'offers' ? d.articles.map((a) => a.id) : []).toEqual([3, 4]);
  });

  it('offers both when two articles match about equally well', () => {
    const twins = [article(6, '怎么申请退款', []), article(7, '怎么申请退款？', ['申请退款'])];
    expect(decide('怎么申请退款', twins, 0.6, 3).kind).toBe('offers');
  });
});
