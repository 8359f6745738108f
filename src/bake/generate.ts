/**
 * docker-bake.hcl for `init --all`: one bake target per program, each naming its Dockerfile
 * target, sharing platforms, build args and the tag scheme through variables. No HCL writer
 * exists on npm that keeps comments and layout, and the file is a handful of blocks, so it is
 * written by hand here; tests parse it back with an HCL parser.
 */
import type { DockerfilePlan } from "../dockerfile/plan.js";
import { NETRC_SECRET } from "../dockerfile/module-fetch.js";

export const BAKE_PLATFORMS = ["linux/amd64", "linux/arm64"];

export function generateBake(plan: DockerfilePlan, modulePath: string): string {
  const targets = plan.programs.map((p) => ({ name: p.name, target: p.stage }));
  const args = buildArgs(plan);
  const width = Math.max(...args.map(([arg]) => arg.length));
  const out: string[] = [
    "# Written by slimgo init. Build every service: docker buildx bake",
    "# One service: docker buildx bake api    Push: REGISTRY=... TAG=v1.2.3 docker buildx bake --push",
    "",
    variable("REGISTRY", defaultRegistry(modulePath)),
    "",
    variable("TAG", "dev"),
  ];
  for (const [arg, dflt] of args) out.push("", variable(arg, dflt));
  // Bake reads an environment variable only through a variable block; null: no default, the environment's.
  if (plan.moduleFetch) out.push("", "# Private modules: the download reads ~/.netrc as the build secret \"netrc\".", 'variable "HOME" {\n  default = null\n}');
  out.push("", "group \"default\" {", `  targets = ${list(targets.map((t) => t.name))}`, "}");
  out.push(
    "",
    "# Shared by every service: the same Dockerfile, platforms and build args.",
    'target "_common" {',
    '  context    = "."',
    '  dockerfile = "Dockerfile"',
    `  platforms  = ${list(BAKE_PLATFORMS)}`,
    "  args = {",
    ...args.map(([arg]) => `    ${arg.padEnd(width)} = "\${${arg}}"`),
    "  }",
    ...(plan.moduleFetch ? [`  secret = [${JSON.stringify(`type=file,id=${NETRC_SECRET.id},src=\${HOME}/.netrc`)}]`] : []),
    "}",
  );
  for (const t of targets) {
    out.push(
      "",
      `target ${JSON.stringify(t.name)} {`,
      '  inherits = ["_common"]',
      `  target   = ${JSON.stringify(t.target)}`,
      `  tags     = ["\${REGISTRY}/${t.name}:\${TAG}"]`,
      "}",
    );
  }
  return `${out.join("\n")}\n`;
}

/** VERSION and COMMIT (every runtime stage labels the image with them) and any other version build arg. */
function buildArgs(plan: DockerfilePlan): [string, string][] {
  const args = new Map<string, string>([["VERSION", "dev"], ["COMMIT", "unknown"]]);
  for (const p of plan.programs) for (const v of p.versionArgs) if (!args.has(v.arg)) args.set(v.arg, v.default);
  return [...args];
}

function variable(name: string, dflt: string): string {
  return `variable ${JSON.stringify(name)} {\n  default = ${JSON.stringify(dflt)}\n}`;
}

function list(items: string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(", ")}]`;
}

/** ghcr.io/org/repo for a GitHub module, else a local registry name. Image names must be lower case. */
export function defaultRegistry(modulePath: string): string {
  const parts = modulePath.split("/");
  if (parts[0] === "github.com" && parts.length >= 3) return `ghcr.io/${parts[1]}/${parts[2]}`.toLowerCase();
  return `localhost:5000/${(parts[parts.length - 1] ?? "app").toLowerCase()}`;
}
