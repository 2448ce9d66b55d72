/**
 * What a visitor downloads: widget.js (on every page of the host site) and the chat frame
 * (page, scripts, styles). Sizes gzip -9, as a web server would send them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWidget } from '../helpers/widget-build.js';
import { report, type Figure } from './lib.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-widget-size-'));
const out = await buildWidget(dir);
const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length / 1024;

const files = (sub: string): string[] => {
  const at = path.join(out, sub);
  return readdirSync(at).flatMap((f) => (statSync(path.join(at, f)).isDirectory() ? files(path.join(sub, f)) : [path.join(at, f)]));
};
const frameFiles = files('.').filter((f) => !f.endsWith('widget.js') && !f.endsWith('.map'));
const loader = gz(path.join(out, 'widget.js'));
const frame = frameFiles.reduce((sum, f) => sum + gz(f), 0);

const figures: Figure[] = [
  { name: 'widget.js (loader) gzip', value: loader, unit: 'KB', target: '< 5' },
  { name: 'chat frame (html + js + css) gzip', value: frame, unit: 'KB' },
  { name: 'whole widget gzip', value: loader + frame, unit: 'KB', target: '< 40' },
];
report(figures);
rmSync(dir, { recursive: true, force: true });
