import { describe, expect, it } from 'vitest';
import { matchExpression, parseQuery, searchColumns } from '../../../server/search/tokenize.js';

describe('searchColumns', () => {
  it.each([
    ['申请退款', '申请 请退 退款', '申 请 退 款'],
    ['工单管理系统', '工单 单管 管理 理系 系统', '工 单 管 理 系 统'],
    ['退', '退', '退'],
    ['Refund for order 10023', 'Refund for order 10023', ''],
    ['iPhone退款了吗?', 'iPhone 退款 款了 了吗', '退 款 了 吗'],
    ['注文をキャンセルしたい', '注文 文を をキ キャ ャン ンセ セル ルし した たい', '注 文 を キ ャ ン セ ル し た い'],
    ['환불을 원합니다', '환불 불을 원합 합니 니다', '환 불 을 원 합 니 다'],
    ['ｒｅｆｕｎｄ ＡＢＣ', 'refund ABC', ''],
    ['zhang.wei@example.com', 'zhang wei example com', ''],
    ['', '', ''],
  ])('shapes %j', (text, words, chars) => {
    expect(searchColumns(text)).toEqual({ words, chars });
  });
});

describe('matchExpression', () => {
  it.each([
    ['退款', 'words : "退款"'],
    ['工单管理', 'words : "工单 单管 管理"'],
    ['退', 'chars : "退"'],
    ['refund', 'words : "refund"*'],
    ['a', 'words : "a"'],
    ['order 退款', 'words : "order"* AND words : "退款"'],
    ['"quoted" stuff!', 'words : "quoted"* AND words : "stuff"*'],
    ['iPhone退款', 'words : "iPhone"* AND words : "退款"'],
    ['refund Refund', 'words : "refund"*'],
  ])('turns %j into an FTS expression', (q, expected) => {
    expect(matchExpression(parseQuery(q))).toBe(expected);
  });

  it.each([[''], ['   '], ['!!! ??'], ['"*']])('has nothing to search for %j', (q) => {
    expect(matchExpression(parseQuery(q))).toBeNull();
  });
});
