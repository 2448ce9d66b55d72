import { PROTOCOL, isProtocolMessage, type FrameToHost, type HostToFrame } from './protocol.js';

type Payload = FrameToHost extends infer M ? (M extends { kefu: string } ? Omit<M, 'kefu'> : never) : never;

/**
 * The frame's side of the postMessage protocol. The host page's origin comes from the browser
 * (ancestorOrigins) when it can, else from the loader's hint; nothing is posted to "*".
 */
export class HostLink {
  readonly origin: string;

  constructor(hint: string | null) {
    const ancestors = (location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins;
    this.origin = ancestors && ancestors.length > 0 ? (ancestors[0] ?? '') : (hint ?? '');
  }

  get embedded(): boolean {
    return window.parent !== window && this.origin !== '';
  }

  post(message: Payload): void {
    if (this.embedded) window.parent.postMessage({ kefu: PROTOCOL, ...message }, this.origin);
  }

  listen(fn: (message: HostToFrame) => void): void {
    addEventListener('message', (event: MessageEvent) => {
      if (event.source !== window.parent || event.origin !== this.origin) return;
      if (isProtocolMessage<HostToFrame>(event.data)) fn(event.data);
    });
  }
}
