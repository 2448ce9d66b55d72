import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configFromObject, loadConfig } from '../../../server/config/load.js';
import { ConfigSchema } from '../../../server/config/schema.js';
import { tempDir } from '../../helpers/app.js';

const EXAMPLE = path.resolve('config.example.yaml');
const text = readFileSync(EXAMPLE, 'utf8');
const dir = tempDir('kefu-config-example-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every key path the schema accepts, as `a.b[].c`. */
function schemaKeys(schema: TSchema, at = ''): string[] {
  const s = schema as { type?: string; properties?: Record<string, TSchema>; items?: TSchema };
  if (s.type === 'object' && s.properties) {
    return Object.entries(s.properties).flatMap(([k, v]) => {
      const p = at ? `${at}.${k}` : k;
      return [p, ...schemaKeys(v, p)];
    });
  }
  if (s.type === 'array' && s.items) return schemaKeys(s.items, `${at}[]`);
  return [];
}

/** The commented-out example between `# --- example: NAME` and `# --- end`, uncommented. */
function example(name: string): unknown {
  const start = text.indexOf(`# --- example: ${name}\n`);
  const end = text.indexOf('# --- end', start);
  expect(start).toBeGreaterThan(0);
  const block = text
    .slice(text.indexOf('\n', start) + 1, end)
    .split('\n')
    .map((line) => line.replace(/^ {2}# ?/, ''))
    .join('\n');
  return (parse(block) as Record<string, unknown>)[name];
}

describe('config.example.yaml', () => {
  it('loads through the config loader as it ships', () => {
    const config = loadConfig({ path: EXAMPLE, env: {}, cwd: dir });
    expect(config.server.port).toBe(8080);
    expect(config.backup).toEqual({ enabled: true, schedule: '30 3 * * *', keep: 7 });
    expect(config.config_path).toBe(EXAMPLE);
  });

  it('ships the same values as the built-in defaults', () => {
    const fromFile = loadConfig({ path: EXAMPLE, env: {}, cwd: dir });
    const defaults = configFromObject({}, {}, dir);
    expect({ ...fromFile, config_path: null }).toEqual(defaults);
  });

  it('documents every key of the schema', () => {
    const keys = schemaKeys(ConfigSchema);
    expect(keys.length).toBeGreaterThan(40);
    const missing = keys.filter((k) => {
      const leaf = k.split('.').pop()!.replace('[]', '');
      return !new RegExp(`(^|[\\s#-])${leaf}(_file)?:`, 'm').test(text);
    });
    expect(missing).toEqual([]);
  });

  it('has channel examples that validate once uncommented', () => {
    const secrets = path.join(dir, 'secrets');
    mkdirSync(secrets, { recursive: true });
    writeFileSync(path.join(secrets, 'support_mail'), 'mail-password\n');
    writeFileSync(path.join(secrets, 'widget_identity'), 'a-widget-identity-secret\n');
    writeFileSync(path.join(secrets, 'api_shop'), 'an-api-channel-secret\n');
    writeFileSync(path.join(secrets, 'telegram_bot'), '123456:ABC-token\n');
    const relocate = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replaceAll('/run/secrets/', `${secrets}/`));
    const config = configFromObject(
      { channels: { email: relocate(example('email')), widget: relocate(example('widget')), api: relocate(example('api')), telegram: relocate(example('telegram')) } },
      { SUPPORT_MAIL_PASSWORD: 'from-env' },
      dir,
    );
    expect(config.channels.email[0]?.imap?.password).toBe('mail-password');
    expect(config.channels.email[0]?.smtp?.password).toBe('from-env');
    expect(config.channels.widget[0]?.identity_secret).toBe('a-widget-identity-secret');
    expect(config.channels.widget[0]?.email_channel).toBe('support');
    expect(config.channels.api[0]?.secret).toBe('an-api-channel-secret');
    expect(config.channels.telegram[0]).toMatchObject({ bot_token: '123456:ABC-token', api_base_url: 'https://api.telegram.org' });
  });
});
