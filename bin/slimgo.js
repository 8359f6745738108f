#!/usr/bin/env node
import { availableParallelism } from "node:os";

// Layers are gzipped on libuv's thread pool (src/tar/parallel-gzip.ts); its default of 4 threads
// would leave most cores of a larger machine idle. It is read when the pool first starts.
process.env.UV_THREADPOOL_SIZE ??= String(Math.min(Math.max(4, availableParallelism()), 64));

// `slimgo build` starts the last build's `go build` before the CLI loads (see src/build/speculation.ts).
if (process.argv[2] === "build") (await import("../dist/src/build/speculation.js")).speculate(process.cwd());
const { main } = await import("../dist/src/cli/main.js");

// `slimgo ... | head` closes stdout early: that is not an error.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});
process.exitCode = await main(process.argv.slice(2));
