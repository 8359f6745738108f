/**
 * What `slimgo build` needs, beyond what it finds in the module itself, to make the image init's
 * Dockerfile describes: the `--ci github-slimgo` pipeline builds with these flags instead of the
 * Dockerfile. What the flags cannot say comes back as warnings.
 */
import type { ProgramPlan } from "../dockerfile/plan.js";

export interface SlimgoBuildFlags {
  flags: string[];
  warnings: string[];
}

export function slimgoBuildFlags(program: ProgramPlan): SlimgoBuildFlags {
  const flags: string[] = [];
  const warnings: string[] = [];
  // The Dockerfile copies them into WORKDIR /app; slimgo build puts them at the same paths under /, its working directory.
  for (const f of program.runTimeFiles) flags.push("--assets", f.path);
  if (program.portVariable !== undefined) flags.push("--env", `${program.portVariable}=${program.portValue ?? program.port}`);
  // The Dockerfile's CMD: the serving subcommand, or the listen flag --port moved.
  for (const arg of program.command ?? []) flags.push("--arg", arg);
  // slimgo build finds the same endpoint unless init was given another (--healthcheck, slimgo.yaml).
  if (program.health.kind === "probe") flags.push("--healthcheck", program.health.path);
  if (program.runtime !== "scratch") {
    // scratch is slimgo build's own base; the others are the same image as a --base.
    flags.push("--base", program.runtimeImage);
    const lacking = [
      ...(program.addUserWithShell ? ["the passwd entry for uid 65532 that os/user looks up (the Dockerfile adds it with RUN)"] : []),
      ...(program.copyCaCertificates ? ["the CA certificates the Dockerfile copies from the builder"] : []),
      ...(program.copyZoneinfo ? ["the zoneinfo the Dockerfile copies from the builder"] : []),
    ];
    if (lacking.length > 0) {
      warnings.push(
        `--ci github-slimgo: ${program.main.binary}: slimgo build --base ${program.runtimeImage} adds only the binary, its health probe, state directories and assets to the base, so the pushed image lacks ${lacking.join(", and ")}: ` +
          "use --ci github to build the Dockerfile, or --runtime distroless",
      );
    }
  }
  return { flags, warnings };
}
