import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configFromObject } from '../../../server/config/load.js';
import { tempDir } from '../../helpers/app.js';

const folder = path.resolve('docker/postgres');
const read = (name: string) => readFileSync(path.join(folder, name), 'utf8');

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  configs?: Array<{ source: string; target: string }>;
  secrets?: string[];
  volumes?: string[];
  ports?: string[];
  depends_on?: unknown;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  configs: Record<string, { file: string }>;
  secrets: Record<string, { file: string }>;
}

// No container engine runs the tests, so the example is checked as text: what a sysadmin copies must at least hang together.
describe('the PostgreSQL compose example', () => {
  const compose = parse(read('compose.yaml')) as Compose;
  const kefus = Object.entries(compose.services).filter(([name]) => name.startsWith('kefu-'));

  it('runs two Kefu processes of one image and one config, sharing the data volume', () => {
    expect(kefus.map(([name]) => name)).toEqual(['kefu-1', 'kefu-2']);
    const [[, one], [, two]] = kefus as [[string, Service], [string, Service]];
    expect(two).toEqual(one);
    expect(one.build).toBe('../..');
    expect(one.volumes).toContain('kefu-data:/data');
    expect(compose.volumes).toHaveProperty('kefu-data');
    const config = one.configs?.find((c) => c.target === one.environment?.KEFU_CONFIG);
    expect(config?.source).toBe('kefu_config');
    expect(compose.configs.kefu_config?.file).toBe('./kefu.yaml');
    // Only the proxy is published: Kefu trusts one proxy hop.
    expect(one.ports).toBeUndefined();
  });

  it('gives PostgreSQL 16 and Kefu their password from secret files, not the environment', () => {
    const postgres = compose.services.postgres;
    expect(postgres?.image).toBe('postgres:16');
    expect(postgres?.environment?.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/db_password');
    expect(postgres?.environment).not.toHaveProperty('POSTGRES_PASSWORD');
    expect(postgres?.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    for (const [, kefu] of kefus) expect(kefu.secrets).toEqual(['kefu_db_url']);
    for (const name of ['db_password', 'kefu_db_url']) expect(compose.secrets[name]?.file).toBe(`./secrets/${name}`);
  });

  it('has a config Kefu accepts: the postgres driver, its URL read from the secret', () => {
    const raw = parse(read('kefu.yaml')) as { database: { url_file: string } };
    expect(raw.database.url_file).toBe('/run/secrets/kefu_db_url');
    const dir = tempDir('kefu-compose-');
    const secret = path.join(dir, 'kefu_db_url');
    writeFileSync(secret, 'postgres://kefu:pw@postgres:5432/kefu\n');
    const config = configFromObject({ ...raw, data_dir: dir, database: { ...raw.database, url_file: secret } }, { KEFU_PUBLIC_URL: 'https://help.example.com' });
    expect(config.database).toMatchObject({ driver: 'postgres', url: 'postgres://kefu:pw@postgres:5432/kefu', pool_size: 10 });
    expect(config.server.trust_proxy).toBe(1);
  });

  it('balances both processes in the proxy, on the port the image listens on', () => {
    const proxy = compose.services.proxy;
    expect(proxy?.image).toMatch(/^caddy:/);
    expect(proxy?.volumes).toContain('./Caddyfile:/etc/caddy/Caddyfile:ro');
    const caddyfile = read('Caddyfile');
    const port = /KEFU_PORT=(\d+)/.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    expect(caddyfile).toMatch(new RegExp(`reverse_proxy kefu-1:${port} kefu-2:${port} \\{`));
    // No cookie or ip-hash policy: any process serves any request.
    expect(caddyfile).toMatch(/lb_policy round_robin/);
    expect(caddyfile).not.toMatch(/lb_policy (cookie|ip_hash|client_ip_hash)/);
  });
});
