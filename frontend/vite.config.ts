/// <reference types="vitest/config" />
import { fileURLToPath, URL } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const backend = process.env.TASKAPP_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react(), tailwindcss()],
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
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    restoreMocks: true,
  },
});
