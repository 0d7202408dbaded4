// Prints the gzipped size of what the initial route loads (index.html's scripts, preloads and
// styles) and fails above the budget. Usage: node scripts/bundle-size.mjs dist
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 250;
const dist = process.argv[2] ?? "dist";
const html = readFileSync(join(dist, "index.html"), "utf8");
const refs = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
let total = gzipSync(html).length;
const rows = [["index.html", total]];
for (const ref of refs) {
  const size = gzipSync(readFileSync(join(dist, ref))).length;
  rows.push([ref, size]);
  total += size;
}
for (const [name, size] of rows)
  console.log(`  ${(size / 1024).toFixed(1).padStart(7)} kB  ${name}`);
const kb = total / 1024;
console.log(`initial route: ${kb.toFixed(1)} kB gzipped (budget ${BUDGET_KB} kB)`);
if (kb > BUDGET_KB) {
  console.error(`error: the initial route is over budget by ${(kb - BUDGET_KB).toFixed(1)} kB`);
  process.exit(1);
}
