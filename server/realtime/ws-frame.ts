/**
 * A whole websocket text frame (header and payload) as a server sends it. Server frames are never
 * masked, so the bytes are the same for every socket: an event going to 200 agents is framed once
 * and the same Buffer is written to each, instead of each socket's sender framing it again.
 */
export interface EncodedFrame {
  /** header and payload, ready for the TCP socket */
  wire: Buffer;
  /** the payload alone (a view into wire), for a socket whose frames its own sender must build */
  text: Buffer;
}

export function encodeTextFrame(payload: string | Buffer): EncodedFrame {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const n = body.length;
  const headerLength = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + n);
  frame[0] = 0x81; // FIN, text
  if (n < 126) {
    frame[1] = n;
  } else if (n < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  body.copy(frame, headerLength);
  return { wire: frame, text: frame.subarray(headerLength) };
}
