import { signatureMatches, WechatCryptoError, wechatSignature } from './crypto.js';
import type { WechatChannel } from './runtime.js';
import { parseWechatXml, WechatXmlError, xmlFields } from './xml.js';

export interface PushQuery {
  signature?: string | undefined;
  msg_signature?: string | undefined;
  timestamp?: string | undefined;
  nonce?: string | undefined;
  echostr?: string | undefined;
  encrypt_type?: string | undefined;
}

/** Why a request was refused; the code goes to the log line, the status to WeChat. */
export class PushRefused extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'PushRefused';
  }
}

/**
 * The console's URL check: the Official Account signs token, timestamp and nonce and wants echostr
 * back verbatim; WeCom signs the encrypted echostr too and wants it decrypted.
 */
export function answerVerification(channel: WechatChannel, q: PushQuery): string {
  const { token } = channel.config;
  const ts = q.timestamp ?? '';
  const nonce = q.nonce ?? '';
  const echostr = q.echostr ?? '';
  if (q.msg_signature !== undefined && channel.cipher) {
    if (!signatureMatches(wechatSignature(token, ts, nonce, echostr), q.msg_signature)) throw new PushRefused(401, 'bad_msg_signature');
    return decrypt(channel, echostr);
  }
  if (!signatureMatches(wechatSignature(token, ts, nonce), q.signature)) throw new PushRefused(401, 'bad_signature');
  return echostr;
}

/** The message inside a push: checked against the signature(s), decrypted in safe and compatible mode. */
export function openPush(channel: WechatChannel, q: PushQuery, body: string): Record<string, string> {
  const { token } = channel.config;
  const ts = q.timestamp ?? '';
  const nonce = q.nonce ?? '';
  const outer = readXml(body);
  const encrypted = q.encrypt_type === 'aes' || channel.config.kind === 'wecom_kf';
  if (!encrypted) {
    if (!signatureMatches(wechatSignature(token, ts, nonce), q.signature)) throw new PushRefused(401, 'bad_signature');
    return outer;
  }
  if (!channel.cipher) throw new PushRefused(400, 'encrypted_push_without_encoding_aes_key');
  const payload = outer.Encrypt;
  if (!payload) throw new PushRefused(400, 'no_encrypt_field');
  if (!signatureMatches(wechatSignature(token, ts, nonce, payload), q.msg_signature)) throw new PushRefused(401, 'bad_msg_signature');
  return readXml(decrypt(channel, payload));
}

function decrypt(channel: WechatChannel, payload: string): string {
  try {
    return channel.cipher?.decrypt(payload) ?? '';
  } catch (err) {
    if (err instanceof WechatCryptoError) throw new PushRefused(err.code === 'wrong_receiver' ? 401 : 400, err.code);
    throw err;
  }
}

function readXml(text: string): Record<string, string> {
  try {
    return xmlFields(parseWechatXml(text));
  } catch (err) {
    if (err instanceof WechatXmlError) throw new PushRefused(400, `bad_xml: ${err.message}`);
    throw err;
  }
}
