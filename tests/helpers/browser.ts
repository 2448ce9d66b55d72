import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, started the way it works in a closed sandbox. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run ./install.sh --test as root to install it`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Where e2e tests leave screenshots for people to look at (ignored by git). */
export function screenshotPath(name: string): string {
  const dir = path.resolve('screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

/** The screenshot set the screens are looked at in: English and Chinese, each on a desktop and a phone. */
export function languageAndSizeShots(englishEmail: string, chineseEmail: string): Array<[string, string, { width: number; height: number }]> {
  return [
    ['en-desktop', englishEmail, { width: 1440, height: 900 }],
    ['en-phone', englishEmail, { width: 375, height: 812 }],
    ['zh-CN-desktop', chineseEmail, { width: 1440, height: 900 }],
    ['zh-CN-phone', chineseEmail, { width: 375, height: 812 }],
  ];
}
