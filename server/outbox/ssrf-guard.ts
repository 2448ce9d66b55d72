import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { PermanentDeliveryError } from './senders.js';

/** Addresses an admin-supplied URL must not reach: the host itself, its private networks, and the cloud metadata range. */
const BLOCKED_V4 = new BlockList();
// A separate list: BlockList matches IPv4 addresses against IPv4-mapped IPv6 subnets, so the
// ::ffff:0:0/96 entry below would otherwise block every IPv4 address.
const BLOCKED_V6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED_V4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  // IPv4-mapped and NAT64 forms would smuggle any IPv4 address (127.0.0.1 as ::ffff:7f00:1) past the list above.
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED_V6.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return family === 4 ? BLOCKED_V4.check(address, 'ipv4') : BLOCKED_V6.check(address, 'ipv6');
}

/** The destination resolves to an address the guard refuses: retrying will not change an admin's URL. */
export class BlockedDestinationError extends PermanentDeliveryError {
  constructor(host: string, address: string) {
    super(`refused to connect to ${host} (${address}): a private, loopback or link-local address`);
    this.name = 'BlockedDestinationError';
  }
}

export interface GuardOptions {
  allowPrivateNetworks: boolean;
  /** Which addresses to refuse when private networks are not allowed; isPrivateAddress unless given. */
  refuse?: (address: string) => boolean;
}

/** Resolves every address of the host and picks the one to connect to; refuses if any is private. */
export async function resolveChecked(host: string, opts: GuardOptions): Promise<{ address: string; family: 4 | 6 }> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const literal = isIP(bare);
  const all = literal ? [{ address: bare, family: literal }] : await lookup(bare, { all: true, verbatim: true });
  const first = all[0];
  if (!first) throw new Error(`${bare} has no address`);
  if (!opts.allowPrivateNetworks) {
    const refuse = opts.refuse ?? isPrivateAddress;
    const bad = all.find((a) => refuse(a.address));
    if (bad) throw new BlockedDestinationError(bare, bad.address);
  }
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** A lookup that answers with the address already checked, so a second DNS answer cannot swap it (rebinding). */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

export interface OutboundPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  maxRedirects?: number;
}

export interface OutboundResponse {
  status: number;
  /** the URL that answered, after redirects */
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Hop {
  url: URL;
  method: 'POST' | 'GET';
  body: string | null;
}

function send(hop: Hop, headers: Record<string, string>, target: { address: string; family: 4 | 6 }, signal: AbortSignal): Promise<{ status: number; location: string | null }> {
  const client = hop.url.protocol === 'https:' ? https : http;
  const hopHeaders: Record<string, string> = { ...headers };
  if (hop.body === null) {
    delete hopHeaders['content-type'];
  } else {
    hopHeaders['content-length'] = String(Buffer.byteLength(hop.body));
  }
  return new Promise((resolve, reject) => {
    const req = client.request(
      hop.url,
      { method: hop.method, headers: hopHeaders, lookup: pinnedLookup(target.address, target.family), signal, agent: false },
      (res) => {
        // Nobody reads the answer's body; draining it lets the socket close cleanly.
        res.resume();
        res.on('error', () => undefined);
        const location = res.headers.location;
        resolve({ status: res.statusCode ?? 0, location: typeof location === 'string' ? location : null });
      },
    );
    req.on('error', reject);
    req.end(hop.body ?? undefined);
  });
}

/**
 * POSTs to an admin-supplied URL without letting it reach the server's own network: each hop's host is
 * resolved at send time and checked, the connection goes to that checked address, and redirects are
 * followed by hand (at most `maxRedirects`), each re-checked. 307/308 repeat the POST; 301/302/303 become a GET.
 */
export async function guardedPost(req: OutboundPost, opts: GuardOptions): Promise<OutboundResponse> {
  const signal = AbortSignal.timeout(req.timeoutMs);
  const maxRedirects = req.maxRedirects ?? 3;
  let hop: Hop = { url: new URL(req.url), method: 'POST', body: req.body };
  for (let redirects = 0; ; redirects++) {
    if (hop.url.protocol !== 'http:' && hop.url.protocol !== 'https:') throw new PermanentDeliveryError(`not an http(s) URL: ${hop.url.protocol}`);
    const target = await resolveChecked(hop.url.hostname, opts);
    const res = await send(hop, req.headers, target, signal);
    if (!REDIRECTS.has(res.status) || res.location === null) return { status: res.status, url: hop.url.href };
    if (redirects >= maxRedirects) throw new Error(`more than ${maxRedirects} redirects`);
    const next = new URL(res.location, hop.url);
    hop = res.status === 307 || res.status === 308 ? { ...hop, url: next } : { url: next, method: 'GET', body: null };
  }
}
