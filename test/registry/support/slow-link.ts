// Starts slow-link/main.go (a TCP relay that acts as a slow network link) in front of a host.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { runTool } from "../../support/podman.js";

const SOURCE = fileURLToPath(new URL("../../../../test/registry/support/slow-link/", import.meta.url));

export interface SlowLink {
  /** 127.0.0.1:port that relays to the target. */
  host: string;
  stop(): Promise<void>;
}

/** Relays to `target`, reading no more than `bytesPerSecond` from each connection. */
export async function startSlowLink(target: string, bytesPerSecond: number): Promise<SlowLink> {
  const dir = await mkdtemp(join(tmpdir(), "slimgo-slow-link-"));
  const program = join(dir, "slow-link");
  await runTool("go", ["build", "-o", program, "."], { cwd: SOURCE, env: { CGO_ENABLED: "0" } });
  const child = spawn(program, ["-target", target, "-rate", String(bytesPerSecond)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const host = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("error", reject);
    void exited.then(() => reject(new Error("slow-link exited before it listened")));
  });
  return {
    host,
    stop: async () => {
      child.kill();
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The most a client can count as sent before the link has read it: the kernel's largest TCP
 * send buffer (the third number of /proc/sys/net/ipv4/tcp_wmem) and 4 MB held in the client's
 * own streams and socket (1 MB file chunks, for one).
 */
export function mostAheadOfLink(): number {
  return largestSendBuffer() + 4_000_000;
}

function largestSendBuffer(): number {
  try {
    const largest = Number(readFileSync("/proc/sys/net/ipv4/tcp_wmem", "utf8").trim().split(/\s+/)[2]);
    if (Number.isFinite(largest) && largest > 0) return largest;
  } catch {
    // /proc is hidden: assume Linux's usual ceiling.
  }
  return 4 * 1024 * 1024;
}
