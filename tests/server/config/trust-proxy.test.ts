import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromObject, loadConfig } from '../../../server/config/load.js';
import { tempDir } from '../../helpers/app.js';
import { problemsOf } from '../../helpers/config-problems.js';

const dir = tempDir('kefu-config-trust-proxy-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function fromYaml(yaml: string) {
  const p = path.join(dir, `config-${++n}.yaml`);
  writeFileSync(p, yaml);
  return loadConfig({ path: p, env: {}, cwd: dir });
}

const trustProxy = (value: unknown) => configFromObject({ server: { trust_proxy: value } }, {}, dir).server.trust_proxy;

describe('server.trust_proxy', () => {
  it('trusts no proxy by default', () => {
    expect(configFromObject({}, {}, dir).server.trust_proxy).toBe(false);
    expect(trustProxy(false)).toBe(false);
  });

  it('reads true from older configs as one hop, never as every hop', () => {
    expect(fromYaml('server:\n  trust_proxy: true\n').server.trust_proxy).toBe(1);
  });

  it('accepts a hop count', () => {
    expect(fromYaml('server:\n  trust_proxy: 2\n').server.trust_proxy).toBe(2);
    expect(trustProxy(0)).toBe(0);
  });

  it('accepts a YAML list of proxy addresses and CIDRs, IPv4 and IPv6', () => {
    const config = fromYaml('server:\n  trust_proxy: [10.0.0.0/8, 192.168.1.7, "fd00::/8", "::1"]\n');
    expect(config.server.trust_proxy).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1']);
  });

  it('splits a comma-separated string into a list', () => {
    expect(fromYaml('server:\n  trust_proxy: 127.0.0.1, 172.16.0.0/12\n').server.trust_proxy).toEqual([
      '127.0.0.1',
      '172.16.0.0/12',
    ]);
  });

  it('names the list entry that is not an address or CIDR', () => {
    const problems = problemsOf(() => trustProxy(['10.0.0.0/8', 'proxy.internal', '10.0.0.0/33']));
    expect(problems).toEqual([
      'server.trust_proxy[1]: expected an IP address or CIDR (e.g. 10.0.0.0/8) of a trusted proxy, got "proxy.internal"',
      'server.trust_proxy[2]: expected an IP address or CIDR (e.g. 10.0.0.0/8) of a trusted proxy, got "10.0.0.0/33"',
    ]);
  });

  it('names server.trust_proxy for a bad string', () => {
    for (const bad of ['yes', '10.0.0.1,', '10.0.0.0/', '10.0.0.0/8/8', '::1/129', '300.1.1.1']) {
      const problems = problemsOf(() => trustProxy(bad));
      expect(problems, bad).toHaveLength(1);
      expect(problems[0], bad).toMatch(/^server\.trust_proxy: expected an IP address or CIDR/);
    }
  });

  it('refuses a negative or fractional hop count, an empty list and other types', () => {
    for (const bad of [-1, 1.5, [], {}, null]) {
      expect(problemsOf(() => trustProxy(bad)), JSON.stringify(bad)).toEqual([
        `server.trust_proxy: expected false, a hop count (e.g. 1) or proxy IP addresses/CIDRs, got ${JSON.stringify(bad)}`,
      ]);
    }
  });

  it('stops start-up from a file with the key named', () => {
    const p = path.join(dir, 'bad.yaml');
    writeFileSync(p, 'server:\n  trust_proxy: [10.0.0.0/8, everyone]\n');
    expect(() => loadConfig({ path: p, env: {}, cwd: dir })).toThrow(/server\.trust_proxy\[1\]: expected an IP address/);
  });
});
