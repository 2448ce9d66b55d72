import { describe, expect, it } from 'vitest';
import * as ws from 'ws';

/** ws exports its frame parser at run time; its type package leaves it out. */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean }) => FrameReceiver };
import { encodeTextFrame } from '../../../server/realtime/ws-frame.js';

/** Decodes frames as a client would, with the ws library's own receiver. */
function decode(bytes: Buffer): Promise<{ text: string; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    // A client's receiver: server frames arrive unmasked.
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, isBinary: boolean) => resolve({ text: data.toString(), isBinary }));
    receiver.on('error', reject);
    receiver.write(bytes);
  });
}

describe('encodeTextFrame', () => {
  // Each length field size and its edges: 7 bits (≤ 125), 16 bits (≤ 65,535), 64 bits.
  it.each([0, 1, 125, 126, 65_535, 65_536, 200_000])('frames a %i-byte text the way a websocket client reads it', async (n) => {
    const text = 'x'.repeat(n);
    const { wire, text: payload } = encodeTextFrame(text);
    expect(payload.toString()).toBe(text);
    expect(await decode(wire)).toEqual({ text, isBinary: false });
  });

  it('counts bytes, not characters, in a Chinese text', async () => {
    const text = '你好，我的订单还没有发货'.repeat(20);
    expect(Buffer.byteLength(text)).toBeGreaterThan(125);
    expect((await decode(encodeTextFrame(text).wire)).text).toBe(text);
  });
});
