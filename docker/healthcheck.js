#!/usr/bin/env node
// Container health check: the slim image has no curl, so ask /healthz with Node itself. Executable, so
// it also serves as `podman run --health-cmd /app/docker/healthcheck.js` or a compose `healthcheck:`.
import http from 'node:http';

const port = Number(process.env.KEFU_PORT || 8080);
const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 4000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
