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
    writeFileSync(path.join(secrets, 'wechat_mp'), 'mp-secret\n');
    writeFileSync(path.join(secrets, 'wecom_kf'), 'kf-secret\n');
    writeFileSync(path.join(secrets, 'api_shop'), 'an-api-channel-secret\n');
    writeFileSync(path.join(secrets, 'telegram_bot'), '123456:ABC-token\n');
    const relocate = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replaceAll('/run/secrets/', `${secrets}/`));
    const config = configFromObject(
      { channels: { email: relocate(example('email')), widget: relocate(example('widget')), wechat: relocate(example('wechat')), api: relocate(example('api')), telegram: relocate(example('telegram')) } },
      { SUPPORT_MAIL_PASSWORD: 'from-env' },
      dir,
    );
    expect(config.channels.email[0]?.imap?.password).toBe('mail-password');
    expect(config.channels.email[0]?.smtp?.password).toBe('from-env');
    expect(config.channels.widget[0]?.identity_secret).toBe('a-widget-identity-secret');
    expect(config.channels.widget[0]?.email_channel).toBe('support');
    expect(config.channels.wechat.map((c) => [c.kind, c.app_secret ?? c.secret])).toEqual([
      ['official_account', 'mp-secret'],
      ['wecom_kf', 'kf-secret'],
    ]);
    expect(config.channels.api[0]?.secret).toBe('an-api-channel-secret');
    expect(config.channels.telegram[0]).toMatchObject({ bot_token: '123456:ABC-token', api_base_url: 'https://api.telegram.org' });
  });

  it('has WhatsApp and Twilio examples that validate once uncommented', () => {
    const secrets = path.join(dir, 'phone-secrets');
    mkdirSync(secrets, { recursive: true });
    for (const name of ['whatsapp_token', 'whatsapp_app_secret', 'twilio_token']) writeFileSync(path.join(secrets, name), `${name}-value\n`);
    const relocate = (v: unknown): unknown =>
      JSON.parse(JSON.stringify(v).replaceAll('/run/secrets/', `${secrets}/`).replaceAll('ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', `AC${'0'.repeat(32)}`));
    const config = configFromObject({ channels: { whatsapp: relocate(example('whatsapp')), twilio: relocate(example('twilio')) } }, {}, dir);
    expect(config.channels.whatsapp[0]).toMatchObject({ access_token: 'whatsapp_token-value', app_secret: 'whatsapp_app_secret-value', templates: [{ name: 'order_update', language: 'en_US' }, { name: 'order_update', language: 'zh_CN' }] });
    expect(config.channels.twilio[0]).toMatchObject({ auth_token: 'twilio_token-value', from: '+15005550006', api_base_url: 'https://api.twilio.com' });
  });
});

describe('WhatsApp and Twilio config problems', () => {
  const problems = (channels: Record<string, unknown>): string => {
    try {
      configFromObject({ channels }, {}, dir);
      return '';
    } catch (err) {
      return String((err as Error & { problems?: string[] }).problems ?? (err as Error).message);
    }
  };
  const wa = { name: 'wa', phone_number_id: '1', access_token: 't', app_secret: 's', verify_token: 'v' };
  const tw = { name: 'sms', account_sid: `AC${'a'.repeat(32)}`, auth_token: 't', from: '+15005550006' };

  it.each([
    [{ whatsapp: [{ ...wa, phone_number_id: 'abc' }] }, 'channels.whatsapp[0].phone_number_id'],
    [{ whatsapp: [{ ...wa, verify_token: undefined }] }, 'channels.whatsapp[0].verify_token: is required'],
    [{ whatsapp: [{ ...wa, templates: [{ name: 'Order Update', language: 'en_US' }] }] }, 'channels.whatsapp[0].templates[0].name'],
    [{ whatsapp: [{ ...wa, api_base_url: 'graph.facebook.com' }] }, 'channels.whatsapp[0].api_base_url'],
    [{ twilio: [{ ...tw, from: '5550006' }] }, 'channels.twilio[0].from'],
    [{ twilio: [{ ...tw, account_sid: 'SK123' }] }, 'channels.twilio[0].account_sid'],
    [{ twilio: [tw], whatsapp: [{ ...wa, name: 'sms' }] }, 'channel name "sms" is used twice'],
  ])('names the key: %j', (channels, expected) => {
    expect(problems(channels)).toContain(expected);
  });
});
