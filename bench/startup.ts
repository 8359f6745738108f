/**
 * How long `slimgo --help` takes, against bare `node -e 0` on the same machine in the same run
 * (the CLI's own cost is the difference). Target: well under 200 ms in total.
 * Run: npx tsc -p . && node dist/bench/startup.js [runs]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const runs = Number(process.argv[2] ?? 20);
const bin = fileURLToPath(new URL("../../bin/slimgo.js", import.meta.url));

function median(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: "ignore" });
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const bare = median(["-e", "0"]);
const help = median([bin, "--help"]);
const initHelp = median([bin, "init", "--help"]);
const row = (name: string, ms: number) => console.log(`${name.padEnd(22)} ${ms.toFixed(0).padStart(5)} ms   slimgo's own cost ${(ms - bare).toFixed(0).padStart(4)} ms`);
console.log(`median of ${runs} runs each (load average ${(await import("node:os")).loadavg()[0]!.toFixed(2)})`);
console.log(`${"node -e 0".padEnd(22)} ${bare.toFixed(0).padStart(5)} ms`);
row("slimgo --help", help);
row("slimgo init --help", initHelp);
console.log(`target: slimgo --help well under 200 ms: ${help < 200 ? "PASS" : "MISS"} (${help.toFixed(0)} ms)`);
