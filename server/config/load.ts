import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { FormatRegistry } from '@sinclair/typebox';
import { Value, type ValueError } from '@sinclair/typebox/value';
import { parseDocument, isMap, isSeq, isScalar, LineCounter, type Node } from 'yaml';
import { widgetHoursProblems } from '../channels/widget/business-hours.js';
import { wechatConfigProblems } from '../channels/wechat/config-schema.js';
import { isValidCron } from '../jobs/scheduler.js';
import { databaseConfigProblems } from './database-url.js';
import { ConfigError } from './errors.js';
import { ConfigSchema, type Config, type ConfigFile, type TrustProxy } from './schema.js';

export { ConfigError };

if (!FormatRegistry.Has('email')) {
  FormatRegistry.Set('email', (v) => /^[^\s@]+@[^\s@]+$/.test(v));
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadOptions {
  /** Path from --config; falls back to KEFU_CONFIG, then ./config.yaml. */
  path?: string | undefined;
  env?: Env;
  cwd?: string;
}

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path ?? env.KEFU_CONFIG;
  if (explicit !== undefined && explicit.trim() === '') {
    const named = options.path !== undefined ? '--config' : 'KEFU_CONFIG';
    throw new ConfigError([`${named} is set but empty: give the path of a config file, or unset it to use ./config.yaml`], named);
  }
  const configPath = path.resolve(cwd, explicit ?? 'config.yaml');
  if (!existsSync(configPath)) {
    if (explicit) throw new ConfigError([`config file not found: ${configPath}`], configPath);
    return finish({}, null, env, cwd);
  }
  if (!statSync(configPath).isFile()) throw new ConfigError([`not a file: ${configPath}`], configPath);
  const text = readFileSync(configPath, 'utf8');
  // A file truncated to nothing (a failed copy, a full disk) would otherwise run on defaults, listening on every address.
  if (text.trim() === '') {
    throw new ConfigError(['the file is empty: write the settings into it, or remove it to run on the defaults'], configPath);
  }
  return finish(parseYaml(text, configPath), configPath, env, cwd);
}

/** Validates an in-memory config object the same way a file is validated (tests, tools). */
export function configFromObject(raw: unknown, env: Env = {}, cwd = process.cwd()): Config {
  return finish(raw ?? {}, null, env, cwd);
}

function parseYaml(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const e of doc.errors) {
      const pos = lineCounter.linePos(syntaxErrorOffset(text, e.code, e.message, e.pos));
      // One mistake often trips several rules at the same place; the first says it best.
      const at = `line ${pos.line}, column ${pos.col}`;
      if (seen.has(at)) continue;
      seen.add(at);
      problems.push(`YAML syntax error at ${at}: ${e.message.split('\n')[0]}`);
    }
    throw new ConfigError(problems, source);
  }
  const problems: string[] = [];
  checkScalars(doc.contents, '', problems, lineCounter);
  if (problems.length > 0) throw new ConfigError(problems, source);
  return doc.toJS() ?? {};
}

/**
 * The parser notices an unclosed quote or bracket only where the document ends or the next key
 * starts, which is the line after the mistake; the line worth showing is where it was opened.
 * A key indented deeper than its siblings is likewise reported at the line before it.
 */
function syntaxErrorOffset(text: string, code: string, message: string, pos: [number, number]): number {
  const [start] = pos;
  if (code === 'MISSING_CHAR' && /quote/.test(message)) {
    const quote = message.includes("'") ? "'" : '"';
    const opened = text.lastIndexOf(quote, Math.max(0, start - 1));
    if (opened >= 0) return opened;
  }
  const flow = /end with an? ([\]}])/.exec(message);
  if (flow) {
    const opened = unclosedBracket(text, start, flow[1] === ']' ? '[' : '{', flow[1] as string);
    if (opened >= 0) return opened;
  }
  if (code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'MULTILINE_IMPLICIT_KEY') {
    // A value followed by a deeper-indented line reads as one key spanning both: the deeper line is the mistake.
    const next = text.indexOf('\n', start);
    if (next >= 0) return firstNonSpace(text, next + 1);
  }
  return firstNonSpace(text, start);
}

function unclosedBracket(text: string, before: number, open: string, close: string): number {
  let depth = 0;
  for (let i = Math.min(before, text.length) - 1; i >= 0; i--) {
    if (text[i] === close) depth++;
    else if (text[i] === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** An offset inside a line's indentation moves to the line's first character. */
function firstNonSpace(text: string, offset: number): number {
  let i = offset;
  while (text[i] === ' ' && i < text.length) i++;
  return text[i] === '\n' || i >= text.length ? offset : i;
}

/** YAML aliases and tags make configs hard to audit; plain data only. */
function checkScalars(node: Node | null, at: string, problems: string[], lc: LineCounter): void {
  if (!node) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      checkScalars(pair.value as Node | null, at ? `${at}.${key}` : key, problems, lc);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => checkScalars(item as Node | null, `${at}[${i}]`, problems, lc));
  } else if (!isScalar(node)) {
    const line = node.range ? lc.linePos(node.range[0]).line : '?';
    problems.push(`${at || '(root)'}: unsupported YAML construct at line ${line}`);
  }
}

function finish(raw: unknown, configPath: string | null, env: Env, cwd: string): Config {
  const source = configPath ?? 'built-in defaults';
  // Every problem of the file in one report: fixing one, starting, and meeting the next is slow.
  const problems: string[] = [];
  const fileKeys = new Map<string, string>();
  const substituted = resolveSecrets(substituteEnv(raw, '', env, problems), '', cwd, fileKeys, problems);
  const withEnv = applyEnvOverrides(substituted, env, problems);
  // A key already reported (an unset ${VAR}, an unreadable _file) is not reported again as empty.
  const reported = new Set(problems.map((p) => p.slice(0, p.indexOf(':'))));

  const candidate = Value.Default(ConfigSchema, Value.Clone(withEnv));
  const errors = [...Value.Errors(ConfigSchema, candidate)];
  const schemaProblems = describeErrors(errors, fileKeys).filter((p) => !reported.has(p.slice(0, p.indexOf(':'))));
  problems.push(...schemaProblems);
  const file = candidate as ConfigFile;
  checkCrossFields(file, problems);
  problems.push(...databaseConfigProblems(file.database, fileKeys.get('database.url') ?? 'database.url'));
  // Only a trust_proxy the schema accepted is read further; a broken one is already reported.
  const trustProxyValid = isPlainObject(file.server) && !errors.some((e) => e.path.startsWith('/server/trust_proxy'));
  const trustProxy = trustProxyValid ? normalizeTrustProxy(file.server.trust_proxy, problems) : false;
  if (problems.length > 0) throw new ConfigError(problems, source);

  file.data_dir = path.resolve(cwd, file.data_dir);
  const publicUrl = (file.server.public_url ?? defaultPublicUrl(file.server.host, file.server.port)).replace(/\/+$/, '');
  const firstAdmin =
    env.KEFU_ADMIN_EMAIL && env.KEFU_ADMIN_PASSWORD
      ? { email: env.KEFU_ADMIN_EMAIL, password: env.KEFU_ADMIN_PASSWORD }
      : null;
  return deepFreeze({
    ...file,
    server: { ...file.server, public_url: publicUrl, trust_proxy: trustProxy },
    config_path: configPath,
    first_admin: firstAdmin,
  });
}

/** Without public_url, links point where Kefu listens; a wildcard address is reached as localhost. */
function defaultPublicUrl(host: string, port: number): string {
  const wildcard = host === '' || host === '0.0.0.0' || host === '::' || host === '[::]';
  const name = wildcard ? 'localhost' : isIP(host) === 6 ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/**
 * Fastify's `trustProxy: true` believes every X-Forwarded-For hop, so any client could name
 * its own IP and slip past per-IP limits; `true` is kept for old configs but means 1 hop.
 */
function normalizeTrustProxy(value: ConfigFile['server']['trust_proxy'], problems: string[]): TrustProxy {
  if (value === true) return 1;
  if (value === false || typeof value === 'number') return value;
  // A string may list several proxies, as X-Forwarded-For itself does.
  const list = typeof value === 'string' ? value.split(',') : value;
  const entries = list.map((e) => e.trim());
  entries.forEach((entry, i) => {
    if (isIpOrCidr(entry)) return;
    const at = typeof value === 'string' ? 'server.trust_proxy' : `server.trust_proxy[${i}]`;
    problems.push(`${at}: expected an IP address or CIDR (e.g. 10.0.0.0/8) of a trusted proxy, got ${JSON.stringify(entry)}`);
  });
  return entries;
}

function isIpOrCidr(entry: string): boolean {
  const slash = entry.indexOf('/');
  if (slash < 0) return isIP(entry) !== 0;
  const version = isIP(entry.slice(0, slash));
  const prefix = entry.slice(slash + 1);
  if (version === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** `${VAR}` and `${VAR:-default}` in any string value. */
function substituteEnv(value: unknown, at: string, env: Env, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_m, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined) return found;
      if (fallback !== undefined) return fallback;
      problems.push(`${at}: environment variable ${name} is not set`);
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, `${at}[${i}]`, env, problems));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(v, at ? `${at}.${k}` : k, env, problems)]),
    );
  }
  return value;
}

/** `password_file: /run/secrets/x` becomes `password: <file contents>`. */
function resolveSecrets(
  value: unknown,
  at: string,
  cwd: string,
  fileKeys: Map<string, string>,
  problems: string[],
): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolveSecrets(v, `${at}[${i}]`, cwd, fileKeys, problems));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const keyPath = at ? `${at}.${key}` : key;
    if (!key.endsWith('_file') || key === 'data_dir') {
      out[key] = resolveSecrets(v, keyPath, cwd, fileKeys, problems);
      continue;
    }
    const target = key.slice(0, -'_file'.length);
    const targetPath = at ? `${at}.${target}` : target;
    if (target in value) {
      problems.push(`${keyPath}: set either ${target} or ${key}, not both`);
      continue;
    }
    if (typeof v !== 'string' || v === '') {
      problems.push(`${keyPath}: expected a file path`);
      continue;
    }
    try {
      out[target] = readFileSync(path.resolve(cwd, v), 'utf8').replace(/\r?\n$/, '');
      fileKeys.set(targetPath, keyPath);
    } catch (err) {
      problems.push(`${keyPath}: cannot read ${v}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  return out;
}

function applyEnvOverrides(value: unknown, env: Env, problems: string[]): unknown {
  const root = isPlainObject(value) ? { ...value } : {};
  // A server section that is not a mapping stays as written, for the schema to report.
  if (root.server !== undefined && !isPlainObject(root.server)) return root;
  const server = isPlainObject(root.server) ? { ...root.server } : {};
  if (env.KEFU_HOST) server.host = env.KEFU_HOST;
  if (env.KEFU_PORT) {
    const port = Number(env.KEFU_PORT);
    if (!Number.isInteger(port)) problems.push(`KEFU_PORT: expected an integer port, got "${env.KEFU_PORT}"`);
    else server.port = port;
  }
  if (env.KEFU_PUBLIC_URL) server.public_url = env.KEFU_PUBLIC_URL;
  if (Object.keys(server).length > 0 || root.server !== undefined) root.server = server;
  if (env.KEFU_DATA_DIR) root.data_dir = env.KEFU_DATA_DIR;
  if (env.KEFU_LOG_LEVEL) {
    root.log = { ...(isPlainObject(root.log) ? root.log : {}), level: env.KEFU_LOG_LEVEL };
  }
  return root;
}

/**
 * Checks that span keys, and checks a later stage would otherwise make (the backup schedule),
 * so nothing is created from a config that cannot run. The schema may already have rejected a
 * section's shape, so each check looks before it reads.
 */
function checkCrossFields(file: ConfigFile, problems: string[]): void {
  const emails = Array.isArray(file.channels?.email) ? file.channels.email.filter(isPlainObject) : [];
  const widgets = Array.isArray(file.channels?.widget) ? file.channels.widget.filter(isPlainObject) : [];
  const wechats = Array.isArray(file.channels?.wechat) ? file.channels.wechat.filter(isPlainObject) : [];
  const names = new Set<string>();
  const lists = isPlainObject(file.channels) ? (file.channels as Record<string, unknown>) : {};
  const all = Object.entries(lists).flatMap(([kind, list]) =>
    Array.isArray(list) ? list.filter(isPlainObject).map((c, i) => ({ name: c.name, at: `channels.${kind}[${i}].name` })) : [],
  );
  for (const { name, at } of all) {
    if (typeof name !== 'string') continue;
    if (names.has(name)) problems.push(`${at}: channel name "${name}" is used twice`);
    names.add(name);
  }
  emails.forEach((c, i) => {
    if (c.imap?.after_import === 'move' && !c.imap.move_to) {
      problems.push(`channels.email[${i}].imap.move_to: required when after_import is "move"`);
    }
  });
  widgets.forEach((w, i) => {
    if (w.email_channel && !emails.some((e) => e.name === w.email_channel)) {
      problems.push(`channels.widget[${i}].email_channel: no email channel named "${w.email_channel}"`);
    }
  });
  problems.push(...widgetHoursProblems(widgets));
  problems.push(...wechatConfigProblems(wechats));
  const schedule = file.backup?.schedule;
  if (typeof schedule === 'string' && schedule.length >= 9 && !isValidCron(schedule)) {
    problems.push(
      `backup.schedule: not a valid cron expression, got ${JSON.stringify(schedule)} (five fields: minute hour day month weekday, e.g. "30 3 * * *")`,
    );
  }
}

function describeErrors(errors: ValueError[], fileKeys: Map<string, string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of errors) {
    // A union failure repeats once per branch; its first line is the one worth reading.
    const dotted = toDotted(e.path);
    const key = fileKeys.get(dotted) ?? (dotted || '(root)');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`${key}: ${explain(e)}`);
  }
  return out;
}

function explain(e: ValueError): string {
  const got = e.value === undefined ? 'nothing' : JSON.stringify(e.value);
  const schema = e.schema as Record<string, unknown>;
  if (e.message.startsWith('Unexpected property')) return 'unknown key (check the spelling)';
  if (e.value === undefined) return 'is required';
  if (typeof schema.description === 'string' && Array.isArray(schema.anyOf)) {
    return `expected ${schema.description}, got ${got}`;
  }
  if (Array.isArray(schema.anyOf)) {
    const options = (schema.anyOf as Array<{ const?: unknown }>).map((s) => JSON.stringify(s.const)).join(', ');
    return `expected one of ${options}, got ${got}`;
  }
  return `${e.message.replace(/^Expected/, 'expected')}, got ${got}`;
}

/** `/channels/email/0/imap/port` → `channels.email[0].imap.port` */
export function toDotted(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
