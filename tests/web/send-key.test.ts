import { describe, expect, it } from 'vitest';
import { SendKey } from '../../web/agent/data/send-key.js';

describe('the Idempotency-Key of a composer send', () => {
  it('stays the same while the same message is sent again, and changes for other content or after success', () => {
    const keys = new SendKey();
    const first = keys.for(1, { kind: 'reply', text: 'Hello' });
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(keys.for(1, { kind: 'reply', text: 'Hello' })).toBe(first);
    const edited = keys.for(1, { kind: 'reply', text: 'Hello there' });
    expect(edited).not.toBe(first);
    expect(keys.for(2, { kind: 'reply', text: 'Hello there' })).not.toBe(edited);
    const again = keys.for(2, { kind: 'reply', text: 'Hello there' });
    keys.sent();
    expect(keys.for(2, { kind: 'reply', text: 'Hello there' })).not.toBe(again);
  });
});
