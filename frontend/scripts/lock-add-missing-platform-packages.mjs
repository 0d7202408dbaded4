// The npm mirror reachable from these machines lacks some platform-only optional packages of
// @tailwindcss/oxide (macOS, Windows, ...). `npm install` then writes a lock file without them and
// `npm ci` refuses it as out of sync. This adds the entries a lock made against the full registry
// has (name, version, os/cpu), so `npm ci` works here and on every other platform.
// Run after changing dependencies: node scripts/lock-add-missing-platform-packages.mjs
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const PLATFORM = {
  "android-arm64": [["android"], ["arm64"]],
  "darwin-arm64": [["darwin"], ["arm64"]],
  "darwin-x64": [["darwin"], ["x64"]],
  "freebsd-x64": [["freebsd"], ["x64"]],
  "linux-arm-gnueabihf": [["linux"], ["arm"]],
  "linux-arm64-gnu": [["linux"], ["arm64"]],
  "linux-arm64-musl": [["linux"], ["arm64"]],
  "linux-x64-gnu": [["linux"], ["x64"]],
  "linux-x64-musl": [["linux"], ["x64"]],
  "wasm32-wasi": [null, ["wasm32"]],
  "win32-arm64-msvc": [["win32"], ["arm64"]],
  "win32-x64-msvc": [["win32"], ["x64"]],
};
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (lock.packages[key] || !dep.startsWith("@tailwindcss/oxide-")) continue;
    const [os, cpu] = PLATFORM[dep.replace("@tailwindcss/oxide-", "")] ?? [null, null];
    lock.packages[key] = {
      version,
      ...(cpu ? { cpu } : {}),
      dev: entry.dev ?? false,
      license: "MIT",
      optional: true,
      ...(os ? { os } : {}),
      engines: { node: ">= 20" },
    };
    added++;
    console.log(`added ${key}@${version} (required by ${path})`);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === "" ? -1 : b === "" ? 1 : a.localeCompare(b),
  ),
);
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
console.log(`${added} entries added`);
