import { describe, expect, it } from 'vitest';
import { identityText } from '../../web/agent/data/identity-text.js';

describe('identity text in the contact panel', () => {
  it('shows a Telegram user by @username where known, by the numeric id otherwise', () => {
    expect(identityText({ kind: 'telegram', value: '4242' }, { telegram_username: 'ivanp' })).toBe('@ivanp');
    expect(identityText({ kind: 'telegram', value: '4242' }, {})).toBe('4242');
    expect(identityText({ kind: 'telegram', value: '4242' }, { telegram_username: 42 })).toBe('4242');
  });

  it('shows other identities by their value', () => {
    expect(identityText({ kind: 'phone', value: '+4915112345678' }, { telegram_username: 'ivanp' })).toBe('+4915112345678');
  });
});
