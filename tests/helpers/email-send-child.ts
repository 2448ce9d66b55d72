// A Kefu process that only sends what its outbox holds, for tests that kill it mid-send.
// Usage: node --import tsx tests/helpers/email-send-child.ts '<config as JSON>'
import { registerEmailSender } from '../../server/channels/email/index.js';
import { configFromObject } from '../../server/config/load.js';
import { createContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';

const config = configFromObject(JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>);
const ctx = await createContext(config, createLogger('silent', { pretty: false }));
registerEmailSender(ctx);
process.stdout.write('sending\n');
await ctx.outbox.runOnce();
await ctx.close();
