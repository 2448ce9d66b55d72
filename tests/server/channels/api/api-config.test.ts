import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromObject } from '../../../../server/config/load.js';
import { configFolder, problemsOf } from '../../../helpers/config-problems.js';

const folder = configFolder('kefu-api-config-');

describe('API channel config', () => {
  it('names each bad key', () => {
    const problems = problemsOf(() =>
      configFromObject({ channels: { api: [{ name: 'Shop!', secret: 'short', callback_url: 'ftp://x' }, { name: 'app', callback_url: 'https://a.example/hook' }] } }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^channels\.api\[0\]\.name: /),
        expect.stringMatching(/^channels\.api\[0\]\.secret: /),
        expect.stringMatching(/^channels\.api\[0\]\.callback_url: /),
        'channels.api[1].secret: is required',
      ]),
    );
  });

  it('reads the secret from secret_file, and refuses a name another channel has', () => {
    const file = path.join(folder.dir, 'api-secret');
    writeFileSync(file, 'from-a-file-0123456789\n');
    const config = configFromObject({ channels: { api: [{ name: 'shop', secret_file: file, callback_url: 'https://shop.example/hook' }] } });
    expect(config.channels.api[0]?.secret).toBe('from-a-file-0123456789');
    const clash = problemsOf(() =>
      configFromObject({
        channels: {
          widget: [{ name: 'shop', allowed_origins: ['https://shop.example'] }],
          api: [{ name: 'shop', secret: 'x'.repeat(20), callback_url: 'https://shop.example/hook' }],
        },
      }),
    );
    expect(clash).toContain('channels.api[0].name: channel name "shop" is used twice');
  });
});
