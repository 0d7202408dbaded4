// Renders the app icons' PNGs (public/icon-*.png, committed) from the SVGs with Debian's
// Chromium: Android's install prompt wants 192 and 512 px PNGs, and no image library is needed.
// Run after changing public/favicon.svg or public/icon-maskable.svg: node scripts/icons.mjs
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const pub = new URL("../public/", import.meta.url);
const icons = [
  ["favicon.svg", "icon-192.png", 192],
  ["favicon.svg", "icon-512.png", 512],
  ["icon-maskable.svg", "icon-maskable-512.png", 512],
];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage();
  for (const [svg, png, size] of icons) {
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${readFileSync(new URL(svg, pub)).toString("base64")}`;
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}</style><img src="${src}" width="${size}" height="${size}">`,
    );
    await page
      .locator("img")
      .screenshot({ path: new URL(png, pub).pathname, omitBackground: true });
  }
} finally {
  await browser.close();
}
