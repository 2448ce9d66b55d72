import { describe, expect, it } from 'vitest';
import { configFromObject } from '../../../../server/config/load.js';
import { problemsOf } from '../../../helpers/config-problems.js';

const mp = { name: 'mp', app_id: 'wx5823bf96d3bd56c7', app_secret: 's', token: 'kefu123' };

describe('WeChat channel config', () => {
  it('accepts an Official Account in plaintext mode, defaulting the kind', () => {
    const config = configFromObject({ channels: { wechat: [mp] } });
    expect(config.channels.wechat[0]?.kind).toBe('official_account');
  });

  it('names the key that is wrong or missing', () => {
    expect(problemsOf(() => configFromObject({ channels: { wechat: [{ ...mp, encoding_aes_key: 'too-short' }] } }))).toEqual([
      expect.stringMatching(/^channels\.wechat\[0\]\.encoding_aes_key: /),
    ]);
    expect(problemsOf(() => configFromObject({ channels: { wechat: [{ ...mp, app_secret: undefined }] } }))).toEqual([
      'channels.wechat[0].app_secret: is required for an official_account channel (or app_secret_file)',
    ]);
    expect(problemsOf(() => configFromObject({ channels: { wechat: [{ name: 'kf', kind: 'wecom_kf', token: 'abc', corp_id: 'ww12345' }] } }))).toEqual([
      'channels.wechat[0].secret: is required for a wecom_kf channel (or secret_file)',
      'channels.wechat[0].encoding_aes_key: is required for a wecom_kf channel: WeCom always encrypts its callbacks',
      'channels.wechat[0].open_kfids: is required for a wecom_kf channel: list the open_kfid of each customer-service account',
    ]);
    expect(problemsOf(() => configFromObject({ channels: { wechat: [{ ...mp, token: 'a b' }] } }))[0]).toMatch(/^channels\.wechat\[0\]\.token: /);
    expect(problemsOf(() => configFromObject({ channels: { wechat: [{ ...mp, kind: 'mini_program' }] } }))[0]).toMatch(/^channels\.wechat\[0\]\.kind: /);
  });

  it('refuses a WeChat channel named like another channel', () => {
    const problems = problemsOf(() =>
      configFromObject({ channels: { widget: [{ name: 'mp', allowed_origins: ['https://a.example'] }], wechat: [mp] } }),
    );
    expect(problems).toContain('channels.wechat[0].name: channel name "mp" is used twice');
  });
});
