import { describe, expect, it } from 'vitest';
import { configFromObject } from '../../../../server/config/load.js';
import { problemsOf } from '../../../helpers/config-problems.js';

describe('Telegram channel config', () => {
  it('names each bad key', () => {
    const problems = problemsOf(() =>
      configFromObject({ channels: { telegram: [{ name: 'bot', bot_token: 'not a token', webhook_secret: 'has spaces!', api_base_url: 'api.telegram.org' }, { name: 'two' }] } }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^channels\.telegram\[0\]\.bot_token: /),
        expect.stringMatching(/^channels\.telegram\[0\]\.webhook_secret: /),
        expect.stringMatching(/^channels\.telegram\[0\]\.api_base_url: /),
        'channels.telegram[1].bot_token: is required',
        'channels.telegram[1].webhook_secret: is required',
      ]),
    );
  });

  it('defaults the API base URL to Telegram and takes the token from the environment', () => {
    const config = configFromObject({ channels: { telegram: [{ name: 'bot', bot_token: '${TG_TOKEN}', webhook_secret: 'abc_DEF-123' }] } }, { TG_TOKEN: '42:from-env' });
    expect(config.channels.telegram[0]).toEqual({ name: 'bot', bot_token: '42:from-env', webhook_secret: 'abc_DEF-123', api_base_url: 'https://api.telegram.org' });
  });
});
