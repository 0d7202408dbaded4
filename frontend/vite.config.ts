/// <reference types="vitest/config" />
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, URL } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig, minifySync, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";

// Chunks by first screen. Rolldown's default splitting cut the modules several pages share into
// one chunk per set of importers: /tasks took 25 files, 18 of them under 1.5 kB. Over HTTP/1.1 (the
// backend, and Lighthouse's model of a phone) a browser opens at most 6 connections to a host, so
// every further 6 small files cost one more round trip before the first paint. Now each module a
// first screen imports statically (import() stays lazy) goes by which screens import it:
//   shell: the entry's modules, and what the sign-in page shares with the signed-in layout (the
//          logo, the icon base: /login's only extra bytes, under 2 kB);
//   app:   the rest of the layout, the task list and Today (one chunk: Today downloads the list's
//          filter code and the list Today's day helpers, ~1.5 kB either way);
//   signIn: the sign-in form's own modules (its fields, rules and layout; the other account pages
//          and the dialogs with the same fields load it too): eight files of 0.1-0.8 kB before,
//          and eight entries in boot.js's preload table, which every first screen downloads;
// and each page keeps its own chunk, so bundle-size.mjs still sees it split. /tasks now loads 10
// files (147.5 kB) instead of 25 (149.9 kB); Lighthouse scored /tasks and /today 2-3 higher.
const SCREENS = {
  entry: /[\\/]src[\\/]main\.tsx$/,
  signIn: /[\\/]src[\\/]features[\\/]auth[\\/]LoginPage\.tsx$/,
  layout: /[\\/]src[\\/]app[\\/]AppLayout\.tsx$/,
  list: /[\\/]src[\\/]features[\\/]tasks[\\/]TaskListPage\.tsx$/,
  today: /[\\/]src[\\/]features[\\/]planner[\\/]TodayPage\.tsx$/,
};
type Screen = keyof typeof SCREENS;
type ModuleGraph = (id: string) => { importers: readonly string[] } | null;

/** The first screens that import `id` statically (directly or through other modules). */
function screensOf(id: string, graph: ModuleGraph, memo: Map<string, Set<Screen>>): Set<Screen> {
  const known = memo.get(id);
  if (known) return known;
  const found = new Set<Screen>();
  memo.set(id, found); // an import cycle ends here
  for (const [screen, test] of Object.entries(SCREENS) as [Screen, RegExp][])
    if (test.test(id)) found.add(screen);
  for (const importer of graph(id)?.importers ?? [])
    for (const screen of screensOf(importer, graph, memo)) found.add(screen);
  return found;
}

function firstScreenChunk(id: string, graph: ModuleGraph, memo: Map<string, Set<Screen>>) {
  const on = screensOf(id, graph, memo);
  if (on.has("entry") || (on.has("signIn") && on.has("layout"))) return "shell";
  if (Object.values(SCREENS).some((test) => test.test(id))) return null; // a page: its own chunk
  if (on.has("layout") || on.has("list") || on.has("today")) return "app";
  if (on.has("signIn") && /[\\/]src[\\/]/.test(id)) return "signIn";
  return null;
}

// Each icon imported from its own module (`lucide-react/icons/<name>`), not from lucide-react's
// index. The index imports every icon, so to firstScreenChunk every icon the app uses anywhere
// looked imported by the first screens: all 44 went into `app`, 20 of them used only by lazy
// chunks (the share dialog, the notifications panel, ...). Named imports are rewritten at build,
// by the index's own table of names (aliases included); types and non-icon exports stay.
function lucideIconImports(): Plugin {
  const index = fileURLToPath(
    new URL("./node_modules/lucide-react/dist/esm/lucide-react.mjs", import.meta.url),
  );
  const files = new Map<string, string>();
  for (const [, names = "", file = ""] of readFileSync(index, "utf8").matchAll(
    /export \{([^}]+)\} from '\.\/icons\/([\w-]+)\.mjs';/g,
  ))
    for (const name of names.split(",")) files.set(name.trim().replace(/^default as /, ""), file);
  if (files.size < 1000) throw new Error(`lucide-react's index changed shape: ${files.size} icons`);
  return {
    name: "taskapp-lucide-icon-imports",
    apply: "build",
    enforce: "pre",
    transform(code, id) {
      if (!/[\\/]src[\\/].*\.tsx?$/.test(id) || !code.includes("lucide-react")) return null;
      const rewritten = code.replace(
        /import\s*\{([^}]*)\}\s*from\s*["']lucide-react["'];?/g,
        (whole, specifiers: string) => {
          const icons: string[] = [];
          const kept: string[] = [];
          for (const spec of specifiers
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)) {
            const [name = "", alias = name] = spec.split(/\s+as\s+/);
            const file = files.get(name);
            if (file) icons.push(`import ${alias} from "lucide-react/icons/${file}";`);
            else kept.push(spec);
          }
          if (kept.length) icons.push(`import { ${kept.join(", ")} } from "lucide-react";`);
          // As many lines as before, so the source map's lines still match.
          return icons.join(" ") + "\n".repeat(whole.split("\n").length - 1);
        },
      );
      return rewritten === code ? null : { code: rewritten, map: null };
    },
  };
}

const backend = process.env.TASKAPP_API_URL ?? "http://127.0.0.1:8000";

// Writes a .br and a .gz next to every text file of the build, once, at the highest levels, so no
// server compresses on the fly: the backend (web.py), nginx (gzip_static) and the S3/CloudFront
// upload (scripts/publish-web.sh) pick the sibling the client's Accept-Encoding allows.
// Node's zlib has both codecs; a variant that would not be smaller is not written.
function precompress(): Plugin {
  let outDir = "dist";
  const compressAll = () => {
    for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name);
      if (!entry.isFile() || path.includes(`${outDir}/.vite`)) continue;
      if (!/\.(?:html|js|css|svg|json|txt|webmanifest)$/.test(entry.name)) continue;
      const raw = readFileSync(path);
      const variants = {
        br: brotliCompressSync(raw, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        }),
        gz: gzipSync(raw, { level: 9 }),
      };
      for (const [ext, data] of Object.entries(variants))
        if (data.length < raw.length) writeFileSync(`${path}.${ext}`, data);
    }
  };
  return {
    name: "taskapp-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    // Last, once every other plugin has written its files (boot.js's table, the service worker).
    closeBundle: { order: "post", sequential: true, handler: compressAll },
  };
}

// The chunks each first screen needs beyond the entry's, written into dist/boot.js (its part 3),
// so they download beside the entry instead of after it has run: Lighthouse's largest paint on
// /tasks and /today came ~0.2 s sooner (2.35 s against 2.55 s) in alternating runs. The paths are
// router.tsx's `warm` table ("/" shows the task list) and /login.
const FIRST_SCREENS: [pathPattern: string, modules: string[]][] = [
  ["^/login$", ["src/features/auth/LoginPage.tsx"]],
  ["^/(tasks|projects)(/|$)|^/$", ["src/app/AppLayout.tsx", "src/features/tasks/TaskListPage.tsx"]],
  ["^/today$", ["src/app/AppLayout.tsx", "src/features/planner/TodayPage.tsx"]],
];
const BOOT_SLOT = "/* first screens */ []";

function firstScreenPreloads(): Plugin {
  let outDir = "dist";
  return {
    name: "taskapp-first-screen-preloads",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    // Before the service worker's precache list is made (it records boot.js's revision).
    closeBundle: {
      order: "pre",
      sequential: true,
      handler() {
        type Chunk = { file: string; imports?: string[] };
        const manifestPath = join(outDir, ".vite", "manifest.json");
        const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, Chunk>;
        const reach = (keys: string[], into = new Set<string>()) => {
          for (const key of keys) {
            if (into.has(key)) continue;
            const chunk = manifest[key];
            if (!chunk)
              throw new Error(`${manifestPath} has no ${key} (vite.config.ts FIRST_SCREENS)`);
            into.add(key);
            reach(chunk.imports ?? [], into);
          }
          return into;
        };
        const entry = reach(["index.html"]);
        const table = FIRST_SCREENS.map(([path, modules]) => [
          path,
          [...reach(modules)]
            .filter((key) => !entry.has(key))
            .map((key) => {
              // Written without the folder and extension every entry shares (boot.js adds them
              // back): this table is part of every first screen's bytes.
              const name = /^assets\/(.+)\.js$/.exec(manifest[key]!.file)?.[1];
              if (!name) throw new Error(`${manifest[key]!.file} is not a script under assets/`);
              return name;
            }),
        ]);
        const boot = join(outDir, "boot.js");
        const source = readFileSync(boot, "utf8");
        if (!source.includes(BOOT_SLOT)) throw new Error(`${boot} has no ${BOOT_SLOT}`);
        // Minified: the page waits for this script before its first paint, and its comments
        // were half of its bytes (1.4 kB gzipped, 0.7 kB without them).
        const filled = source.replace(BOOT_SLOT, JSON.stringify(table));
        writeFileSync(boot, minifySync("boot.js", filled, { compress: true, mangle: true }).code);
      },
    },
  };
}

// The installable app: a manifest and a service worker (Workbox, generated at build time) that
// precaches the built shell. Navigations go to the network first, exactly as without it (index.html
// stays no-cache and a deploy is seen on the next load); only when the network fails does the
// precached index.html answer. API requests have no route in the worker: they always go to the
// network, and while offline TanStack Query holds the changes (app/OfflineStatus.tsx).
const pwa = VitePWA({
  // Registered from src/app/registerServiceWorker.ts after the page has loaded, through a
  // dynamic import: nothing in the first download or before the first paint.
  injectRegister: false,
  registerType: "autoUpdate",
  manifest: {
    id: "/",
    name: "taskapp",
    short_name: "taskapp",
    description: "taskapp: plan, track and finish your tasks.",
    start_url: "/tasks",
    scope: "/",
    display: "standalone",
    theme_color: "#dc4c3e",
    background_color: "#ffffff",
    icons: [
      { src: "/favicon.svg", sizes: "any", type: "image/svg+xml" },
      { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
      { src: "/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  },
  workbox: {
    // The shell: every chunk (lazy routes too, so any page opens offline), styles, the two
    // start-up scripts, icons and the manifest. The .br/.gz siblings are the same files.
    globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"],
    globIgnores: [".vite/**", "sw.js"],
    // One file, not sw.js + workbox-<hash>.js: only sw.js needs its own cache and CSP rules.
    inlineWorkboxRuntime: true,
    // "/" is a navigation like any other (network first), not the precached index.html.
    directoryIndex: "",
    // A new worker takes over at once, and the page that registered it too: an open page that
    // goes offline then loads its lazy chunks from the precache.
    skipWaiting: true,
    clientsClaim: true,
    cleanupOutdatedCaches: true,
    navigateFallback: null,
    runtimeCaching: [
      {
        // Not the paths the server answers itself (backend web.py's _SERVER_PREFIXES): offline,
        // those fail as without a worker. (Inlined: Workbox copies this function's source.)
        urlPattern: ({ request, url }) =>
          request.mode === "navigate" &&
          !/^\/(?:api\/|p\/|docs|redoc|openapi\.json|metrics|health|ready)/.test(url.pathname),
        handler: "NetworkOnly",
        options: { precacheFallback: { fallbackURL: "/index.html" } },
      },
    ],
  },
});

// vite-plugin-pwa links the manifest from index.html, and Chrome fetches a linked manifest at
// once: registerServiceWorker.ts adds the link when it registers the worker instead, so the
// first paint waits for no extra request.
const manifestLinkLater: Plugin = {
  name: "taskapp-manifest-link-later",
  apply: "build",
  enforce: "post", // after vite-plugin-pwa's own post hook, which adds the link
  transformIndexHtml: {
    order: "post",
    handler: (html) => html.replace(/<link rel="manifest"[^>]*>/, ""),
  },
};

const screenMemo = new Map<string, Set<Screen>>();
const screenMemoPerBuild: Plugin = {
  name: "taskapp-screen-memo",
  apply: "build",
  buildStart: () => screenMemo.clear(),
};

export default defineConfig({
  plugins: [
    lucideIconImports(),
    react(),
    tailwindcss(),
    firstScreenPreloads(),
    pwa,
    manifestLinkLater,
    precompress(),
    screenMemoPerBuild,
  ],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  server: {
    port: 5173,
    // In development the API runs separately; same-origin through the proxy keeps the
    // SameSite=Strict refresh cookie working exactly as in production.
    proxy: { "/api": { target: backend, changeOrigin: false } },
  },
  build: {
    target: "es2022",
    // Source maps are not built for production: dist/ is what every server and the CDN serve.
    sourcemap: false,
    // dist/.vite/manifest.json: the chunk graph scripts/bundle-size.mjs measures per route (never
    // served: the backend, nginx and publish-web.sh all skip dot-folders).
    manifest: true,
    // Hashed file names under assets/ get long-cache headers; index.html stays no-cache.
    assetsDir: "assets",
    // The real budget is enforced on the gzipped initial route by scripts/bundle-size.mjs.
    chunkSizeWarningLimit: 800,
    // The router, TanStack Query and the API client load on every route: as one chunk they gzip
    // ~2.5 kB smaller than the five pieces Rolldown's default splitting cut them into once
    // lazy routes shared them (measured by scripts/bundle-size.mjs: /tasks 150.1 -> 147.3 kB).
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: "core",
              test: /node_modules[\\/](react-router|@tanstack|openapi-fetch)[\\/]/,
              priority: 30,
            },
            // The form library (13 kB) stays a chunk of its own, out of signIn: it changes only with
            // the library, so an edit to the sign-in form's modules does not make every browser
            // download it again.
            { name: "forms", test: /node_modules[\\/]react-hook-form[\\/]/, priority: 25 },
            // The shell first: a group also takes the modules its modules import, and the app
            // group must find the shell's modules already taken.
            ...(["shell", "app", "signIn"] as const).map((chunk, i) => ({
              name: (id: string, ctx: { getModuleInfo: ModuleGraph }) =>
                firstScreenChunk(id, (m) => ctx.getModuleInfo(m), screenMemo) === chunk
                  ? chunk
                  : null,
              test: /^[^\0]/, // every module but the bundler's own (virtual) ones
              priority: 20 - i,
            })),
            // The icons no first screen shows, together for the lazy parts that use them (alone,
            // each would be a file of ~0.3 kB, and a request, of its own).
            {
              name: (id: string, ctx: { getModuleInfo: ModuleGraph }) =>
                firstScreenChunk(id, (m) => ctx.getModuleInfo(m), screenMemo) === null
                  ? "icons"
                  : null,
              test: /node_modules[\\/]lucide-react[\\/]dist[\\/]esm[\\/]icons[\\/]/,
              priority: 10,
            },
          ],
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    // One module registry and one jsdom for all files: 98 s -> ~25 s on 2 cores, most of it
    // jsdom set up per file. Module state is each test's to reset (setup.ts: the one sonner mock;
    // stores are cleared in beforeEach); CI runs the files in a shuffled order too (web-test).
    isolate: false,
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    restoreMocks: true,
  },
});
