import { execFileSync } from "node:child_process";

/** True when `name` is on PATH. */
export function hasTool(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * For `test(name, { skip: skipUnless("podman") }, ...)`: on a developer's machine a test that
 * needs a missing tool is skipped with a reason; in CI (CI=true) a missing tool is a failure,
 * because .ci/run installs every tool the tests need.
 */
export function skipUnless(...tools: string[]): string | false {
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length === 0) return false;
  if (process.env.CI === "true") {
    throw new Error(`CI is missing ${missing.join(", ")}: .ci/run must install it (see scripts/install-testbed.sh)`);
  }
  return `needs ${missing.join(", ")} (run scripts/install-testbed.sh)`;
}

/** Container tests are skipped with SLIMGO_SKIP_CONTAINERS=1 (npm run test:unit). */
export function skipContainers(): string | false {
  if (process.env.SLIMGO_SKIP_CONTAINERS === "1") return "SLIMGO_SKIP_CONTAINERS=1";
  return skipUnless("podman", "go");
}
