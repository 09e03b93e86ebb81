import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

/**
 * Chromium: CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own browser if one is installed.
 * Playwright cannot download its browser on these machines; `apt-get install -y chromium` is the way.
 */
function chromiumPath(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist. Install Chromium (apt-get install -y chromium) or fix the path.`);
    return fromEnv;
  }
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  return undefined; // Playwright's own browser, when `npx playwright install chromium` has been run
}

const executablePath = chromiumPath();
if (!executablePath && !process.env.PLAYWRIGHT_BROWSERS_PATH) {
  console.warn(
    'No Chromium found at CHROMIUM_PATH or /usr/bin/chromium; trying Playwright\'s own browser. ' +
      'If that fails: apt-get install -y chromium (Debian) or npx playwright install chromium, or set CHROMIUM_PATH.',
  );
}

const PORT = Number(process.env.PW_PORT ?? 4317);

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--enable-unsafe-webgpu',
      ],
    },
    trace: 'off',
  },
  webServer: {
    command: `npx vite --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
