/** A Go service that says "ready" when it runs and "graceful" when SIGTERM reaches it, for tests of signal paths in containers. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runTool, type ContainerHandle } from "./podman.js";

/** As a server's shutdown hook would run on SIGTERM, taking a moment as draining connections does (so a process killed right after the signal never says "graceful"). */
export const GRACEFUL_SERVICE = `package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM)
	fmt.Println("ready")
	<-stop
	time.Sleep(300 * time.Millisecond)
	fmt.Println("graceful")
}
`;

/** Writes main.go into `dir` and builds it there as a static `app`. */
export async function buildGracefulService(dir: string): Promise<void> {
  await writeFile(join(dir, "main.go"), GRACEFUL_SERVICE);
  await runTool("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", "app", "main.go"], { cwd: dir, env: { CGO_ENABLED: "0", GOFLAGS: "", GOWORK: "off", GOPROXY: "off" }, timeoutMs: 180_000 });
}

/** Waits until the container's logs hold `text`. */
export async function waitForLog(container: ContainerHandle, text: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = await container.logs();
    if (logs.includes(text)) return;
    if (Date.now() > deadline) throw new Error(`the container did not log "${text}" in ${timeoutMs} ms: ${logs}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
