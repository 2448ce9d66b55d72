/**
 * A small, strict reader for the flat XML WeChat and WeCom push. Deliberately not a general XML
 * parser: a document type declaration (where entity definitions and external entities live) is
 * refused outright, so nothing is ever expanded or fetched; an unknown `&name;` stays as written.
 */

export class WechatXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatXmlError';
  }
}

export interface XmlElement {
  name: string;
  /** Text and CDATA directly inside the element, joined. */
  text: string;
  children: XmlElement[];
}

const MAX_DEPTH = 16;
const MAX_ELEMENTS = 2_000;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{0,15});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

export function parseWechatXml(input: string): XmlElement {
  if (/<!DOCTYPE|<!ENTITY/i.test(input)) throw new WechatXmlError('document type declarations are not accepted');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let count = 0;
  let i = 0;
  const n = input.length;
  while (i < n) {
    const lt = input.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      const text = input.slice(i, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.text += decodeText(text);
      else if (text.trim() !== '') throw new WechatXmlError('text outside the root element');
    }
    if (lt < 0) break;
    if (input.startsWith('<![CDATA[', lt)) {
      const end = input.indexOf(']]>', lt + 9);
      if (end < 0) throw new WechatXmlError('unterminated CDATA section');
      const top = stack[stack.length - 1];
      if (!top) throw new WechatXmlError('CDATA outside the root element');
      top.text += input.slice(lt + 9, end);
      i = end + 3;
    } else if (input.startsWith('<!--', lt)) {
      const end = input.indexOf('-->', lt + 4);
      if (end < 0) throw new WechatXmlError('unterminated comment');
      i = end + 3;
    } else if (input.startsWith('<?', lt)) {
      const end = input.indexOf('?>', lt + 2);
      if (end < 0 || root || stack.length > 0) throw new WechatXmlError('unexpected processing instruction');
      i = end + 2;
    } else if (input[lt + 1] === '!') {
      throw new WechatXmlError('unsupported markup declaration');
    } else if (input[lt + 1] === '/') {
      const end = input.indexOf('>', lt);
      if (end < 0) throw new WechatXmlError('unterminated closing tag');
      const name = input.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new WechatXmlError(`closing tag </${name}> does not match`);
      i = end + 1;
    } else {
      const end = input.indexOf('>', lt);
      if (end < 0) throw new WechatXmlError('unterminated tag');
      const body = input.slice(lt + 1, end);
      const selfClosing = body.endsWith('/');
      const name = /^[A-Za-z_][\w.-]*/.exec(body)?.[0];
      if (!name) throw new WechatXmlError('bad tag name');
      if (root && stack.length === 0) throw new WechatXmlError('more than one root element');
      if (++count > MAX_ELEMENTS) throw new WechatXmlError('too many elements');
      const element: XmlElement = { name, text: '', children: [] };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else root = element;
      if (!selfClosing) {
        if (stack.length >= MAX_DEPTH) throw new WechatXmlError('nested too deeply');
        stack.push(element);
      }
      i = end + 1;
    }
  }
  if (!root) throw new WechatXmlError('no root element');
  if (stack.length > 0) throw new WechatXmlError(`<${stack[stack.length - 1]?.name}> is never closed`);
  return root;
}

/** The root's direct children as name → text (WeChat's pushes are one flat level). */
export function xmlFields(root: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const child of root.children) if (!(child.name in out)) out[child.name] = child.text.trim();
  return out;
}

/** CDATA cannot contain `]]>`; it is split across two sections. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
