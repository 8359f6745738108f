#!/usr/bin/env node
// `slimgo build` starts the last build's `go build` before the CLI loads (see src/build/speculation.ts).
if (process.argv[2] === "build") (await import("../dist/src/build/speculation.js")).speculate(process.cwd());
const { main } = await import("../dist/src/cli/main.js");

// `slimgo ... | head` closes stdout early: that is not an error.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});
process.exitCode = await main(process.argv.slice(2));
