import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { signaturesEqual } from '../kit/hmac.js';

/**
 * WeChat's message signature and "safe mode" encryption, shared by the Official Account and
 * WeCom (the same scheme: SHA-1 over the sorted strings; AES-256-CBC with the key's first 16
 * bytes as IV, PKCS#7 padded to 32 bytes, 16 random bytes + big-endian length + message + the
 * AppID or corp id the message is meant for).
 */

const BLOCK = 32;

export class WechatCryptoError extends Error {
  constructor(
    readonly code: 'bad_signature' | 'bad_key' | 'bad_padding' | 'bad_length' | 'wrong_receiver',
    message: string,
  ) {
    super(message);
    this.name = 'WechatCryptoError';
  }
}

/** sha1 of the parts sorted as strings and joined: `signature` (token, timestamp, nonce) or `msg_signature` (+ Encrypt). */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** WeChat's hex signature, in whatever case it came, compared in constant time. */
export function signatureMatches(expected: string, given: string | undefined): boolean {
  return typeof given === 'string' && signaturesEqual(expected, given.toLowerCase());
}

/** The 43-character EncodingAESKey is base64 without its final '='; it must decode to 32 bytes. */
export function aesKeyFrom(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new WechatCryptoError('bad_key', 'EncodingAESKey must be 43 characters of base64');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WechatCryptoError('bad_key', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

export class WechatCipher {
  readonly #key: Buffer;
  readonly #iv: Buffer;

  constructor(
    encodingAesKey: string,
    /** The AppID (Official Account) or corp id (WeCom) every message must name. */
    readonly receiverId: string,
  ) {
    this.#key = aesKeyFrom(encodingAesKey);
    this.#iv = this.#key.subarray(0, 16);
  }

  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.receiverId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  /** The message inside `encrypted`; throws when the padding, length or receiver id is wrong. */
  decrypt(encrypted: string): string {
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new WechatCryptoError('bad_length', 'ciphertext is not whole AES blocks');
    const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#iv);
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(data), decipher.final()]);
    // WeChat pads to 32 bytes, not AES's 16, so Node's own PKCS#7 check would refuse a valid pad of 17..32.
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WechatCryptoError('bad_padding', 'bad padding');
    for (let i = plain.length - pad; i < plain.length; i++) {
      if (plain[i] !== pad) throw new WechatCryptoError('bad_padding', 'bad padding');
    }
    const content = plain.subarray(16, plain.length - pad);
    if (content.length < 4) throw new WechatCryptoError('bad_length', 'message too short');
    const length = content.readUInt32BE(0);
    if (length > content.length - 4) throw new WechatCryptoError('bad_length', 'message length beyond the data');
    const receiver = content.subarray(4 + length).toString('utf8');
    if (receiver !== this.receiverId) {
      throw new WechatCryptoError('wrong_receiver', `message is for "${receiver}", not this channel's "${this.receiverId}"`);
    }
    return content.subarray(4, 4 + length).toString('utf8');
  }
}
