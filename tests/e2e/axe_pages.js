// Runs axe-core on each page given, in Debian's Chromium driven by puppeteer-core,
// light and dark (prefers-color-scheme), and prints {url|scheme: [violations]} as JSON.
// Usage: node axe_pages.js CHROMIUM URL...   (NODE_PATH: where axe-core and puppeteer-core are)
'use strict';
const fs = require('fs');
const puppeteer = require('puppeteer-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function main() {
  const [chromium, ...urls] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: chromium, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--no-first-run'],
  });
  const out = {};
  try {
    for (const url of urls) {
      for (const scheme of ['light', 'dark']) {
        const page = await browser.newPage();
        await page.setBypassCSP(true);   // the pages forbid scripts; axe is ours, not theirs
        await page.setViewport({ width: 320, height: 800 });
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        await page.goto(url, { waitUntil: 'load', timeout: 60000 });
        await page.evaluate(axeSource);
        const res = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
        out[url + '|' + scheme] = res.violations.map(v => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary),
        }));
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(e => { console.error(e && e.stack || e); process.exit(1); });
