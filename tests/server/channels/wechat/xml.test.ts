import { describe, expect, it } from 'vitest';
import { cdata, parseWechatXml, WechatXmlError, xmlFields } from '../../../../server/channels/wechat/xml.js';

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<xml><ToUserName>gh_1</ToUserName><Content>&lol3;</Content></xml>`;

const EXTERNAL = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>`;

describe('WeChat XML reader', () => {
  it('reads a push with CDATA, plain text and predefined entities', () => {
    const root = parseWechatXml(
      '<xml><ToUserName><![CDATA[gh_123]]></ToUserName><CreateTime>1700000000</CreateTime>' +
        '<Content><![CDATA[你好 <b>]]></Content><Extra>a &amp; b &#20320;</Extra></xml>',
    );
    expect(root.name).toBe('xml');
    expect(xmlFields(root)).toEqual({ ToUserName: 'gh_123', CreateTime: '1700000000', Content: '你好 <b>', Extra: 'a & b 你' });
  });

  it('refuses a billion-laughs document', () => {
    expect(() => parseWechatXml(BILLION_LAUGHS)).toThrow(WechatXmlError);
  });

  it('refuses an external entity', () => {
    expect(() => parseWechatXml(EXTERNAL)).toThrow(/document type/);
  });

  it('keeps an undeclared entity reference as written, never resolved', () => {
    expect(xmlFields(parseWechatXml('<xml><Content>&xxe;</Content></xml>')).Content).toBe('&xxe;');
  });

  it('refuses malformed documents', () => {
    for (const bad of ['', 'hello', '<xml><a></b></xml>', '<xml><a>', '<xml></xml><xml></xml>', '<xml><![CDATA[x</xml>', `${'<a>'.repeat(40)}`]) {
      expect(() => parseWechatXml(bad), bad).toThrow(WechatXmlError);
    }
  });

  it('splits ]]> across CDATA sections so it survives a round trip', () => {
    expect(xmlFields(parseWechatXml(`<xml><C>${cdata('a]]>b')}</C></xml>`)).C).toBe('a]]>b');
  });
});
