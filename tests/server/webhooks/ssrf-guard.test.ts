import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../../server/config/load.js';
import { problemsOf } from '../../helpers/config-problems.js';
import { BlockedDestinationError, guardedPost, isPrivateAddress } from '../../../server/outbox/ssrf-guard.js';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['0.0.0.0', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['100.64.0.1', true],
    ['100.128.0.1', false],
    ['169.254.169.254', true],
    ['::1', true],
    ['::', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:8.8.8.8', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['2606:4700::1111', false],
    ['not-an-ip', true],
  ])('%s → %s', (address, blocked) => {
    expect(isPrivateAddress(address)).toBe(blocked);
  });
});

describe('guardedPost', () => {
  let target: Server;
  let redirector: Server;
  let hits = 0;
  let targetUrl = '';
  let redirectUrl = '';

  beforeAll(async () => {
    target = createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/hook`;
    // Chains of redirects: /hop/N answers 307 to /hop/N-1, /hop/0 to the target.
    redirector = createServer((req, res) => {
      req.resume();
      const n = Number(/\/hop\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      const next = n === 0 ? targetUrl : `/hop/${n - 1}`;
      res.writeHead(307, { location: next }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectUrl = `http://localhost:${(redirector.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => target.close(r));
    await new Promise((r) => redirector.close(r));
  });

  const post = (url: string, allowPrivateNetworks: boolean) =>
    guardedPost({ url, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 5_000 }, { allowPrivateNetworks });

  it('refuses 127.0.0.1 and localhost unless private networks are allowed', async () => {
    const before = hits;
    await expect(post(targetUrl, false)).rejects.toBeInstanceOf(BlockedDestinationError);
    await expect(post(targetUrl.replace('127.0.0.1', 'localhost'), false)).rejects.toBeInstanceOf(BlockedDestinationError);
    expect(hits).toBe(before);
    expect((await post(targetUrl, true)).status).toBe(204);
    expect(hits).toBe(before + 1);
  });

  it('refuses an IPv4-mapped IPv6 literal for loopback', async () => {
    const port = (target.address() as AddressInfo).port;
    await expect(post(`http://[::ffff:127.0.0.1]:${port}/hook`, false)).rejects.toBeInstanceOf(BlockedDestinationError);
  });

  it('re-checks a redirect: a first hop it may reach cannot send it on to one it may not', async () => {
    // Only 127.0.0.1 counts as forbidden here, so the redirector on 127.0.0.2 stands in for a public host.
    const front = createServer((req, res) => {
      req.resume();
      res.writeHead(302, { location: targetUrl }).end();
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.2', resolve));
    const frontUrl = `http://127.0.0.2:${(front.address() as AddressInfo).port}/`;
    try {
      const before = hits;
      const opts = { allowPrivateNetworks: false, refuse: (a: string) => a === '127.0.0.1' };
      const send = () => guardedPost({ url: frontUrl, headers: {}, body: '{}', timeoutMs: 5_000 }, opts);
      await expect(send()).rejects.toBeInstanceOf(BlockedDestinationError);
      expect(hits).toBe(before);
    } finally {
      await new Promise((r) => front.close(r));
    }
  });

  it('follows up to three redirects, re-checked each time, and no more', async () => {
    const before = hits;
    const ok = await post(`${redirectUrl}/hop/2`, true);
    expect(ok).toEqual({ status: 204, url: targetUrl });
    expect(hits).toBe(before + 1);
    await expect(post(`${redirectUrl}/hop/3`, true)).rejects.toThrow(/more than 3 redirects/);
    expect(hits).toBe(before + 1);
  });
});

describe('webhooks.allow_private_networks', () => {
  it('defaults to false, and a value that is not a boolean stops start-up naming the key', () => {
    expect(configFromObject({}).webhooks.allow_private_networks).toBe(false);
    const [problem] = problemsOf(() => configFromObject({ webhooks: { allow_private_networks: 'sometimes' } }));
    expect(problem).toMatch(/^webhooks\.allow_private_networks: /);
  });
});
