// Fails the build when a first visit downloads too much: for each initial route, the gzipped size
// of index.html, the files it references, and every JS/CSS chunk that route's lazy page modules
// import statically (read from Vite's manifest, dist/.vite/manifest.json), must stay in budget.
// Usage: node scripts/bundle-size.mjs dist
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 150;
// The first screen of each route: the modules router.tsx lazy-loads for it (issue 18, point 9).
const ROUTES = {
  "/login": ["src/features/auth/LoginPage.tsx"],
  "/tasks": ["src/app/AppLayout.tsx", "src/features/tasks/TaskListPage.tsx"],
  "/today": ["src/app/AppLayout.tsx", "src/features/planner/TodayPage.tsx"],
};

const dist = process.argv[2] ?? "dist";
const manifestPath = join(dist, ".vite", "manifest.json");
if (!existsSync(manifestPath)) {
  console.error(`error: ${manifestPath} is missing (vite.config.ts must keep build.manifest)`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const html = readFileSync(join(dist, "index.html"), "utf8");
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

// index.html and what it names directly (the entry, its preloads and CSS, boot.js).
const shell = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);

function closure(keys) {
  const files = new Set();
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  keys.forEach(visit);
  return files;
}

let failed = false;
for (const [route, modules] of Object.entries(ROUTES)) {
  for (const mod of modules) {
    if (!manifest[mod]?.isDynamicEntry) {
      console.error(`error: ${mod} is not a lazy chunk of its own: ${route} is not code-split`);
      failed = true;
    }
  }
  const files = new Set([...shell, ...closure(modules.filter((m) => manifest[m]))]);
  const rows = [["index.html", gzipSync(html, { level: 9 }).length]];
  for (const file of files) rows.push([file, gz(file)]);
  const kb = rows.reduce((sum, [, size]) => sum + size, 0) / 1024;
  console.log(`${route}: ${kb.toFixed(1)} kB gzipped JS+CSS+HTML (budget ${BUDGET_KB} kB)`);
  for (const [name, size] of rows)
    console.log(`  ${(size / 1024).toFixed(1).padStart(7)} kB  ${name}`);
  if (kb > BUDGET_KB) {
    console.error(`error: ${route} is over budget by ${(kb - BUDGET_KB).toFixed(1)} kB`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
