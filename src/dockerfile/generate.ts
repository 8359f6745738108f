import { RUN_TIME_WORKDIR, type DockerfilePlan, type ProgramPlan } from "./plan.js";
import { NETRC_BUILD_COMMAND, NETRC_SECRET, type ModuleFetchPlan } from "./module-fetch.js";
import { NONROOT_USER } from "./images.js";
import { HEALTH_PROBE_BUILD_OUTPUT, HEALTH_PROBE_PATH, HEALTH_PROBE_SOURCE_LINES, healthcheckInstruction, healthProbeCommand } from "./health-probe.js";

/**
 * Writes the Dockerfile for a plan. Comments say why, not what. Mount targets are
 * absolute: BuildKit accepts relative ones, buildah (podman build) does not.
 */
export function generateDockerfile(plan: DockerfilePlan): string {
  const cgo = plan.programs.some((p) => p.cgo);
  const out: string[] = [];
  out.push("# syntax=docker/dockerfile:1");
  out.push(`# Written by slimgo init; \`slimgo init --dry-run\` explains each choice.`);
  out.push(`ARG GO_VERSION=${plan.goVersion}`);
  out.push("");
  out.push(...buildStage(plan, cgo));
  for (const program of plan.programs) {
    out.push("");
    out.push(...runtimeStage(plan, program));
  }
  return `${out.join("\n")}\n`;
}

function buildStage(plan: DockerfilePlan, cgo: boolean): string[] {
  const lines: string[] = [];
  if (cgo) {
    lines.push("# cgo needs a C toolchain for the target, so this stage runs on the target platform.");
    lines.push(`FROM ${plan.builderImage} AS build`);
  } else {
    lines.push(`FROM --platform=$BUILDPLATFORM ${plan.builderImage} AS build`);
    lines.push("ARG TARGETOS", "ARG TARGETARCH");
  }
  const probes = plan.programs.some((p) => p.health.kind === "probe");
  if (probes) lines.push(...probeBuild(cgo));
  lines.push("WORKDIR /src");
  if (plan.goWorkOff) lines.push(`# ${plan.goWorkOff}`, "ENV GOWORK=off");
  if (plan.moduleFetch) lines.push(...moduleFetchSetup(plan.moduleFetch));
  if (plan.downloadModules) {
    lines.push("# Modules download in their own step, before the source arrives, so source edits reuse it.");
    lines.push("RUN --mount=type=cache,target=/go/pkg/mod \\");
    if (plan.moduleFetch) lines.push(`    --mount=type=secret,id=${NETRC_SECRET.id},target=${NETRC_SECRET.target} \\`);
    lines.push("    --mount=type=bind,source=go.mod,target=/src/go.mod \\");
    if (plan.hasGoSum) lines.push("    --mount=type=bind,source=go.sum,target=/src/go.sum \\");
    for (const goMod of plan.replacedGoMods) lines.push(`    --mount=type=bind,source=${goMod},target=/src/${goMod} \\`);
    lines.push("    go mod download");
  }
  const args = uniqueArgs(plan.programs);
  for (const a of args) lines.push(`ARG ${a.arg}=${a.default}`);
  for (const program of plan.programs) lines.push(...goBuild(plan, program));
  lines.push(...rootfsFiles(plan));
  return lines;
}

/**
 * The developer's proxy and private-module settings as build args (in scope for the rest of the
 * stage, so go build sees the same ones), and why the download step mounts a secret.
 */
function moduleFetchSetup(fetch: ModuleFetchPlan): string[] {
  const lines: string[] = [];
  if (fetch.installGit) {
    lines.push("# Modules outside the proxy (GONOPROXY) are cloned with git.");
    lines.push("RUN apk add --no-cache git");
  }
  lines.push("# Module settings of the machine slimgo init ran on; --build-arg NAME=VALUE overrides them.");
  for (const a of fetch.args) lines.push(`ARG ${a.name}=${argValue(a.value)}`);
  lines.push(
    `# Credentials for private modules and the proxy: ~/.netrc comes in as the build secret "${NETRC_SECRET.id}", mounted for the`,
    "# download only, so no token lands in a layer. Without it the build still runs for public modules.",
    `#   ${NETRC_BUILD_COMMAND}    (podman build: the same flag)`,
  );
  return lines;
}

/** An ARG default as Dockerfile syntax: quoted when it holds spaces or quotes, `$` escaped. */
function argValue(value: string): string {
  const escaped = value.replace(/[\\"$]/g, "\\$&");
  return /[\s"'\\$]/.test(value) ? `"${escaped}"` : value;
}

/**
 * OS files a scratch runtime needs, and the directories a program writes its state to, assembled
 * under /rootfs (one tree per distinct set, so --all targets get only what their program uses).
 */
function rootfsFiles(plan: DockerfilePlan): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const program of plan.programs) {
    if (!needsRootfs(program)) continue;
    const dir = rootfsDir(plan, program);
    if (seen.has(dir)) continue;
    seen.add(dir);
    const steps: string[] = [];
    if (program.makeTmp) steps.push(`mkdir -p ${dir}/tmp && chmod 1777 ${dir}/tmp`);
    if (program.writePasswd) {
      lines.push("# os/user needs a passwd entry for the uid the program runs as.");
      steps.push(
        `mkdir -p ${dir}/etc`,
        `printf 'root:x:0:0:root:/root:/sbin/nologin\\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\\n' > ${dir}/etc/passwd`,
        `printf 'root:x:0:\\nnonroot:x:65532:\\n' > ${dir}/etc/group`,
      );
    }
    if (program.stateDirectories.length > 0) {
      const paths = program.stateDirectories.map((d) => `${dir}${d.path}`).join(" ");
      lines.push("# The program writes its state here, and running as non-root it could not create the directory.");
      steps.push(`mkdir -p ${paths} && chown ${NONROOT_USER} ${paths}`);
    }
    lines.push(`RUN ${steps.join(" && \\\n    ")}`);
  }
  return lines;
}

function needsRootfs(program: ProgramPlan): boolean {
  return program.makeTmp || program.writePasswd || program.stateDirectories.length > 0;
}

/**
 * The tree of `program`'s OS files. Not under /out, where each binary is /out/NAME: a program named
 * rootfs was that path too. A program's own tree and a shared one sit in separate directories, so no
 * program name (tmp, passwd) is another tree's.
 */
function rootfsDir(plan: DockerfilePlan, program: ProgramPlan): string {
  const kindOf = (p: ProgramPlan) => `${p.makeTmp}-${p.writePasswd}-${p.stateDirectories.map((d) => d.path).join(",")}`;
  const kinds = plan.programs.filter(needsRootfs).map(kindOf);
  if (new Set(kinds).size <= 1) return "/rootfs";
  if (program.stateDirectories.length > 0) return `/rootfs/program/${program.name}`;
  return `/rootfs/shared/${program.makeTmp ? "tmp" : ""}${program.makeTmp && program.writePasswd ? "-" : ""}${program.writePasswd ? "passwd" : ""}`;
}

/**
 * Where the build stage leaves `program`'s binary: /out/BINARY, or, when two programs' binaries have
 * one name (cmd/api and tools/api) and one would overwrite the other, /out/NAME for each (names are unique).
 */
function buildOutput(plan: DockerfilePlan, program: ProgramPlan): string {
  const binaries = plan.programs.map((p) => p.main.binary);
  return `/out/${new Set(binaries).size < binaries.length ? program.name : program.main.binary}`;
}

function goBuild(plan: DockerfilePlan, program: ProgramPlan): string[] {
  const ldflags = ["-s", "-w", ...program.versionArgs.map((v) => `-X ${v.symbol}=\${${v.arg}}`)].join(" ");
  const mounts = [
    ...(plan.vendored ? [] : ["--mount=type=cache,target=/go/pkg/mod"]),
    // With no download step of its own (a go.work provides a required module), go build downloads.
    ...(plan.moduleFetch && !plan.downloadModules ? [`--mount=type=secret,id=${NETRC_SECRET.id},target=${NETRC_SECRET.target}`] : []),
    "--mount=type=cache,target=/root/.cache/go-build",
    "--mount=type=bind,target=/src",
  ];
  const env = program.cgo ? "CGO_ENABLED=1" : "CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH";
  const vendor = plan.vendored ? " -mod=vendor" : "";
  return [
    `RUN ${mounts[0]} \\`,
    ...mounts.slice(1).map((m) => `    ${m} \\`),
    `    ${env} \\`,
    `    go build${vendor} -trimpath -ldflags="${ldflags}" -o ${buildOutput(plan, program)} ${program.buildTarget}`,
  ];
}

/** A tiny HTTP probe, built once per target platform; the runtime needs no shell or curl for HEALTHCHECK. */
function probeBuild(cgo: boolean): string[] {
  const target = cgo ? "" : "GOOS=$TARGETOS GOARCH=$TARGETARCH ";
  return [
    "# The runtime has no shell or curl: HEALTHCHECK runs this small static Go probe instead.",
    "RUN --mount=type=cache,target=/root/.cache/go-build \\",
    "    mkdir -p /probe && printf '%s\\n' \\",
    ...HEALTH_PROBE_SOURCE_LINES.map((l) => `      ${shellQuote(l)} \\`),
    "      > /probe/main.go && \\",
    `    CGO_ENABLED=0 ${target}go build -trimpath -ldflags="-s -w" -o ${HEALTH_PROBE_BUILD_OUTPUT} /probe/main.go`,
  ];
}

function runtimeStage(plan: DockerfilePlan, program: ProgramPlan): string[] {
  const lines: string[] = [];
  lines.push(`FROM ${program.runtimeImage} AS ${program.stage}`);
  lines.push("ARG VERSION=dev", "ARG COMMIT=unknown");
  const labels = [
    ...(plan.sourceUrl ? [`org.opencontainers.image.source="${plan.sourceUrl}"`] : []),
    `org.opencontainers.image.version="\${VERSION}"`,
    `org.opencontainers.image.revision="\${COMMIT}"`,
  ];
  lines.push(`LABEL ${labels.join(" \\\n      ")}`);
  if (program.copyCaCertificates) {
    lines.push("COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/");
  }
  if (program.copyZoneinfo) {
    lines.push("COPY --from=build /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip");
    lines.push("ENV ZONEINFO=/zoneinfo.zip");
  }
  if (needsRootfs(program)) {
    if (program.makeTmp) lines.push("# Copied as a tree: buildah drops /tmp's sticky 1777 mode when the directory itself is copied.");
    lines.push(`COPY --from=build ${rootfsDir(plan, program)}/ /`);
  }
  if (program.addUserWithShell) lines.push(...addUser(program));
  for (const d of program.runTimeFilesLeftOut) {
    lines.push(`# ${d.path} is read at run time, not embedded, and not copied: it ${d.why}.`);
  }
  if (program.runTimeFiles.length > 0) {
    lines.push(`# Read from disk at run time, relative to the working directory.`, `WORKDIR ${RUN_TIME_WORKDIR}`);
    for (const d of program.runTimeFiles) lines.push(d.directory ? `COPY ${d.path}/ ./${d.path}/` : `COPY ${d.path} ./${d.path}`);
  }
  if (program.health.kind === "probe") lines.push(`COPY --from=build ${HEALTH_PROBE_BUILD_OUTPUT} ${HEALTH_PROBE_PATH}`);
  lines.push(`COPY --from=build ${buildOutput(plan, program)} ${program.binaryPath}`);
  lines.push(`USER ${NONROOT_USER}`);
  if (program.portVariable !== undefined) lines.push(`ENV ${program.portVariable}=${program.portValue ?? program.port}`);
  if (program.exposedPorts.length > 0) lines.push(`EXPOSE ${program.exposedPorts.join(" ")}`);
  const health = healthcheck(program);
  if (health) lines.push(health);
  lines.push(`ENTRYPOINT ${jsonArray([program.binaryPath])}`);
  if (program.command) lines.push(`CMD ${jsonArray(program.command)}`);
  return lines;
}

function addUser(program: ProgramPlan): string[] {
  if (program.runtime === "alpine") {
    return ["RUN addgroup -S -g 65532 nonroot && adduser -S -D -H -u 65532 -G nonroot nonroot"];
  }
  return ["RUN groupadd --system --gid 65532 nonroot && useradd --system --uid 65532 --gid nonroot --no-create-home nonroot"];
}

function healthcheck(program: ProgramPlan): string | undefined {
  switch (program.health.kind) {
    case "flag":
      return healthcheckInstruction(program.health.command);
    case "probe":
      return healthcheckInstruction(healthProbeCommand(program.health.address, program.health.path, program.health.portEnv));
    case "none":
      return undefined;
  }
}

function uniqueArgs(programs: ProgramPlan[]): { arg: string; default: string }[] {
  const seen = new Map<string, string>();
  for (const p of programs) for (const v of p.versionArgs) if (!seen.has(v.arg)) seen.set(v.arg, v.default);
  return [...seen].map(([arg, def]) => ({ arg, default: def }));
}

function jsonArray(items: string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(", ")}]`;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}
