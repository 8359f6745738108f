import { statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import type { BuildResult } from "../../build/index.js";
import { speculate, stopSpeculation } from "../../build/speculation.js";
import { goQuotedField } from "../../build/go-quoted.js";
import { describeChanges, ownOutputFiles, rebuildOnChange } from "../../build/watch.js";
import { inputError } from "../../errors.js";
import { findModuleRoot } from "../../analysis/module-root.js";
import { fullLocalName, imageNameOf, isValidTag } from "../../image/reference.js";
import { displayPath } from "../../fsutil/display-path.js";
import type { Destination } from "../../publish/index.js";
import { collect, collectNonEmpty, nonEmpty, oneOf, outputFor, withCommonOptions, type CommonOptions } from "../common.js";
import type { Output } from "../output.js";
import { reportError } from "../report-error.js";
import { pushRegistryOf } from "../../build/registry-login.js";

interface BuildFlags extends CommonOptions {
  platform?: string[];
  all?: boolean;
  version?: string;
  base?: string;
  format?: "oci" | "docker" | "auto";
  compression?: "gzip" | "none";
  healthcheck?: string;
  env?: Record<string, string>;
  arg?: string[];
  label?: Record<string, string>;
  annotation?: Record<string, string>;
  user?: string;
  assets?: string[];
  push?: string;
  tag?: string[];
  ociLayout?: string;
  tarball?: string;
  load?: string | boolean;
  name?: string;
  insecureRegistry?: string[];
  sbomDir?: string;
  cgo?: boolean;
  watch?: boolean;
}

const keyValue = (value: string, previous: Record<string, string> = {}) => {
  const i = value.indexOf("=");
  if (i <= 0) throw new InvalidArgumentError("expected KEY=VALUE");
  return { ...previous, [value.slice(0, i)]: value.slice(i + 1) };
};

/** The same rule as slimgo.yaml's build.user: a name needs /etc/passwd, which slimgo's base resolves for 65532 only. */
const numericUser = (value: string) => {
  if (!/^\d+(:\d+)?$/.test(value)) throw new InvalidArgumentError("must be a numeric uid[:gid], e.g. 65532:65532");
  return value;
};

/**
 * `-t` takes a tag, as ko's does; `docker build -t name:tag` habits give a name or a reference, which
 * would otherwise fail only after the compile, as an invalid reference built from it.
 */
const tagOption = (value: string, previous?: string[]) => {
  if (!isValidTag(value)) {
    const hint = /[:/@]/.test(value)
      ? `: -t takes a tag only (e.g. -t 1.2.0): name the image with --name ${value.split(/[:@]/)[0] || "NAME"} for --tarball, --oci-layout and --load, or --push REGISTRY/REPO for a registry`
      : " (letters, digits, _ . -, not starting with . or -, at most 128)";
    throw new InvalidArgumentError(`"${value}" is not a tag${hint}`);
  }
  return collect(value, previous);
};

/** go reads -ldflags as quoted fields with no escapes: a version with a space and both quotes cannot be stamped. */
const versionOption = (value: string) => {
  nonEmpty(value);
  if (goQuotedField(value) === undefined) throw new InvalidArgumentError(`has spaces and both ' and ", which go's -ldflags cannot hold in one -X value: leave out one kind of quote`);
  return value;
};

/** The same check a publish makes, before the compile rather than after it. */
const localName = (value: string) => {
  try {
    fullLocalName(value);
  } catch (e) {
    throw new InvalidArgumentError(`${(e as Error).message.replace(/^invalid image reference "[^"]*": /, "").replace(/ \(expected [^)]*\)$/, "")}; --name takes NAME or HOST/NAME without a tag (tags go in -t)`);
  }
  if (/@|:[^/]*$/.test(value.slice(value.indexOf("/") + 1))) throw new InvalidArgumentError(`"${value}" has a tag or digest: --name takes the name only, tags go in -t`);
  return value;
};

export function registerBuild(program: Command): void {
  const cmd = program
    .command("build")
    .summary("build images from a Go module with no Docker daemon, reproducibly, for any platforms")
    .description(
      "Compiles the module's main package (CGO_ENABLED=0, -trimpath, -s -w, version variables set) for each " +
        "platform and assembles the image in TypeScript: slimgo's minimal base (passwd with uid 65532, /tmp, " +
        "and CA certificates and zoneinfo only when the code needs them), then assets, then the binary. " +
        "Same source and flags give the same digest. Publishes to any mix of registry, OCI layout, tarball " +
        "and local podman/docker.",
    )
    .argument("[targets...]", "module directory, or main package directories (./cmd/api ...)", ["."])
    .option("--platform <list>", "linux/amd64,linux/arm64,linux/amd64/v3,... or all (a variant sets GOAMD64 or GOARM; default: this machine's)", collectNonEmpty)
    .option("--all", "build every main package, each into its own image")
    .option("--version <v>", "version for -X main.version and labels (default: git describe, else dev)", versionOption)
    .option("--base <ref>", "base image: REGISTRY/REPO:TAG, oci:DIR[:TAG] or the path of a layout or tarball (default: slimgo's own)", nonEmpty)
    .option("--format <format>", "manifest media types: oci, docker, or auto (docker when there is a health check)", oneOf(["oci", "docker", "auto"] as const), "auto")
    .option("--compression <gzip|none>", "how slimgo's layers are stored: gzip, or none to skip compressing (default: gzip; none for --watch without --push)", oneOf(["gzip", "none"] as const))
    .option("--healthcheck <path|url>", "health endpoint to probe: /PATH on the program's port, http://127.0.0.1:PORT/PATH, or none (default: detected)")
    .option("--env <KEY=VALUE>", "environment variable in the image (repeatable)", keyValue)
    .option("--arg <arg>", "argument passed to the entrypoint (repeatable)", collect)
    .option("--label <KEY=VALUE>", "image label (repeatable)", keyValue)
    .option("--annotation <KEY=VALUE>", "manifest annotation, and the index's with several platforms (repeatable; OCI format only)", keyValue)
    .option("--user <uid:gid>", "numeric user (default 65532:65532)", numericUser)
    .option("--cgo", "allow cgo (CGO_ENABLED=1): this machine's platform only, with a --base that has the C library")
    .option("--assets <path>", "file or directory inside the module copied into the image at the same path (repeatable)", collect)
    .option("--push <ref>", "push to REGISTRY/REPO[:TAG] (with --all: a REGISTRY/PREFIX for each binary)", nonEmpty)
    .option("-t, --tag <tag>", "tag to push or name the image with (repeatable; default: latest)", tagOption)
    .option("--oci-layout <dir>", "add the image to an OCI layout directory", nonEmpty)
    .option("--tarball <file>", "write a tarball that docker load and podman load accept (several programs: one each, FILE-BINARY.tar, e.g. app-api.tar)", nonEmpty)
    .option("--load [engine]", "load into the local podman or docker (default: podman if installed)", nonEmpty)
    .option("--name <name>", "image name for local outputs when one program is built (default: localhost/BINARY)", localName)
    .option("--insecure-registry <host>", "plain-HTTP registry you trust (repeatable)", collectNonEmpty)
    .option("--sbom-dir <dir>", "write an SPDX 2.3 SBOM per image into DIR (--push attaches them to the pushed images with or without it)", nonEmpty)
    .option("--watch", "after the first build, rebuild and republish on every change to the module until Ctrl-C");
  withCommonOptions(cmd, { verbose: true })
    .addHelpText(
      "after",
      `
Examples:
  slimgo build --tarball notes.tar                      build for this machine, load later with podman load
  slimgo build --platform linux/amd64,linux/arm64 --push ghcr.io/acme/notes -t 1.2.0
  slimgo build --oci-layout ./out --base oci:./distroless
  slimgo build ./cmd/api ./cmd/worker --load
  slimgo build --watch --load                           rebuild and reload into podman on every save (Ctrl-C stops)

Layers are gzipped, in 64 KiB blocks so that a rebuild compresses only the blocks of the binary
that changed. --watch without --push stores them uncompressed instead (--compression none), as
podman and docker do with the images they build: the image stays on this machine, a save reaches
it sooner, and podman load has nothing to decompress. Its digest then differs from a one-shot
build's; --compression gzip gives that image in the watch too.

Registry credentials come from SLIMGO_REGISTRY_USERNAME and SLIMGO_REGISTRY_PASSWORD when set,
else from ~/.docker/config.json ($DOCKER_CONFIG/config.json: credHelpers, then credsStore, then
auths). With --push the variables are that registry's login: a --base in another registry logs
in with the Docker config. They are never printed; a login the registry refuses is reported with
where it came from.

Caches: compressed layers (and where each binary's last layer keeps its compressed blocks, so a
rebuild compresses only the blocks that changed), each program's last binary (go does not link
again when it is up to date), the health probe, the go build command of the last build started
in each directory, and each go executable's version and GOROOT (asked again when the file changes)
live in $SLIMGO_CACHE_DIR (default $XDG_CACHE_HOME/slimgo, else ~/.cache/slimgo). One that cannot
be written gets a warning, and the build runs without it (in a temp directory removed at exit).
Compressed layers, kept binaries and time zone data decoded from the toolchain stay within
SLIMGO_CACHE_MAX_MB megabytes (default 1000), least recently used first out.
slimgo build starts that go build before it has loaded (where setsid is found, from a few lines
of sh before Node starts) and keeps its binary only when the build turns out the same;
SLIMGO_NO_SPECULATION=1 turns this off. SLIMGO_GO names the go binary.
go build runs with GOGC=off and a GOMEMLIMIT (a quarter of this machine's memory shared by its
CPUs) unless you set either: the compiler and linker then skip collections they do not need. The
binary is the same either way.`,
    )
    .action(async (targets: string[], flags: BuildFlags) => {
      const out = outputFor(flags);
      const [{ buildImages, buildCacheBudget, pruneBuildCache, parsePlatforms, checkHealthcheck }, { publishAll, destinationsFor, tarballPathFor, checkLocalOutputs }] = await Promise.all([import("../../build/index.js"), import("../../publish/index.js")]);
      const { moduleDir, mains } = resolveTargets(targets);
      if (flags.all && mains) cmd.error(`option '--all' cannot be used with main package directories (${targets.join(" ")}): --all builds every main package of the module; give the module directory, or drop --all`, { exitCode: 2 });
      if (flags.name && !flags.ociLayout && !flags.tarball && flags.load === undefined) {
        cmd.error(`option '--name ${flags.name}' names the image in --tarball, --oci-layout and --load, and none is given${flags.push ? ": --push names the pushed image" : ""}`, { exitCode: 2 });
      }
      // Read before building: a bad value is a usage error, not a surprise after the push.
      const cacheBudget = buildCacheBudget();
      if (flags.platform) parsePlatforms(flags.platform);
      if (flags.healthcheck !== undefined) checkHealthcheck(flags.healthcheck);
      await checkLocalOutputs({ ociLayout: flags.ociLayout, tarball: flags.tarball, sbomDir: flags.sbomDir });
      const destinations = await destinationsFor({
        push: flags.push,
        ociLayout: flags.ociLayout,
        tarball: flags.tarball,
        load: flags.load,
        insecureRegistries: flags.insecureRegistry,
        onProgress: (m) => out.info(m),
      });
      if (destinations.length === 0) out.warn("no destination given: the image is built but not published (add --push, --oci-layout, --tarball or --load)");
      const run: BuildRun = { moduleDir, mains, flags, out, destinations, buildImages, pruneBuildCache: () => pruneBuildCache(undefined, cacheBudget), publishAll, tarballPathFor };
      if (flags.watch) await watchAndRebuild(run);
      else await buildPublishReport(run);
    });
}

/** Everything one build needs, fixed for the life of the command (a watch reuses it for each rebuild). */
interface BuildRun {
  moduleDir: string;
  mains?: string[];
  flags: BuildFlags;
  out: Output;
  destinations: Destination[];
  buildImages: typeof import("../../build/index.js").buildImages;
  /** After publishing: keeps the cache's layers and binaries within its budget. */
  pruneBuildCache: () => Promise<number>;
  publishAll: typeof import("../../publish/index.js").publishAll;
  tarballPathFor: typeof import("../../publish/index.js").tarballPathFor;
}

/** In watch mode: what set the build off, and since when (performance.now()). */
interface Trigger {
  changed: string[];
  since: number;
}

/**
 * One build: compile, publish, and report on stdout. Alone it prints what a one-shot build prints;
 * with a trigger (watch mode), --json prints one line per build with elapsedMs and changed (NDJSON),
 * and stderr gets the time it took.
 */
async function buildPublishReport(run: BuildRun, trigger?: Trigger): Promise<BuildResult> {
  const { flags, out } = run;
  const result = await run.buildImages(run.moduleDir, {
    mains: run.mains,
    all: flags.all,
    platforms: flags.platform,
    version: flags.version,
    base: flags.base,
    format: flags.format,
    compression: compressionFor(flags),
    healthcheck: flags.healthcheck,
    env: flags.env,
    args: flags.arg,
    labels: flags.label,
    annotations: flags.annotation,
    user: flags.user,
    assets: flags.assets,
    configPath: flags.config,
    insecureRegistries: flags.insecureRegistry,
    pushRegistry: pushRegistryOf(flags.push),
    sbom: Boolean(flags.sbomDir || flags.push),
    cgo: flags.cgo,
    onProgress: (m) => out.info(m),
    onWarning: (m) => out.warn(m),
    onDetail: (m) => out.debug(m),
  });
  for (const p of result.programs) for (const n of p.notes) out.warn(`${p.main.binary}: ${n}`);
  if (flags.name && result.programs.length > 1 && !trigger?.changed.length) {
    out.warn(`--name ${flags.name} is not used: it names one image, and ${result.programs.length} programs are built, each named localhost/BINARY (${result.programs.map((p) => `localhost/${imageNameOf(p.main.binary)}`).join(", ")}); build one program to give it a name`);
  }
  const published = await run.publishAll(result.programs, run.destinations, {
    several: result.programs.length > 1,
    name: flags.name,
    tags: flags.tag ?? [],
    onProgress: (m) => out.info(m),
    onWarning: (m) => out.warn(m),
  });
  // Last, as a local output is written once the pushes before it succeeded: a failed push leaves no SBOM of an image that is nowhere.
  const sbomDir = flags.sbomDir;
  if (sbomDir) {
    const [{ writeSboms }, { writeFailure }] = await Promise.all([import("../../sbom/index.js"), import("../../publish/index.js")]);
    const written = await writeSboms(result.programs, sbomDir).catch((err: unknown) => Promise.reject(writeFailure("--sbom-dir", sbomDir, err)));
    for (const f of written) out.info(`wrote SBOM ${f}`);
  }
  const elapsedMs = trigger ? Math.round(performance.now() - trigger.since) : 0;
  if (flags.json) {
    const summary = {
      module: result.analysis.goMod.path,
      version: result.version,
      programs: result.programs.map((p, i) => ({
        binary: p.main.binary,
        package: p.main.dir === "." ? "." : `./${p.main.dir}`,
        digest: p.image.digest,
        mediaType: p.image.mediaType,
        platforms: p.platforms,
        args: p.args,
        healthcheck: p.healthcheck ?? null,
        sboms: p.sboms.map((s) => ({ platform: s.platform, subject: s.subject.digest })),
        published: published[i],
        notes: p.notes,
      })),
    };
    if (trigger) out.result(JSON.stringify({ ...summary, elapsedMs, changed: trigger.changed }));
    else out.json(summary);
  } else {
    result.programs.forEach((p, i) => {
      const refs = published[i] ?? [];
      if (refs.length === 0) out.result(`${p.main.binary}@${p.image.digest}`);
      for (const r of refs) out.result(r.reference);
    });
  }
  if (trigger) {
    const seconds = (elapsedMs / 1000).toFixed(2);
    out.info(trigger.changed.length === 0 ? `built in ${seconds} s` : `rebuilt in ${seconds} s (${describeChanges(trigger.changed)} changed)`);
  }
  const removed = await run.pruneBuildCache();
  if (removed > 0) out.debug(`removed ${removed} least recently used file${removed === 1 ? "" : "s"} (layers, binaries, time zone data) from the cache (SLIMGO_CACHE_MAX_MB)`);
  return result;
}

/**
 * `--watch`: the first build as usual (its failure ends the command with its exit code), then a
 * rebuild on every change to the module until SIGINT or SIGTERM. Watching starts before the first
 * build, so a save made while it runs is built right after it. A failed rebuild is reported and
 * the watch goes on. The first signal lets a build in progress finish (outputs are written aside and
 * renamed, so none is left half-written) and exits 0; a second one exits at once.
 */
async function watchAndRebuild(run: BuildRun): Promise<void> {
  const { out } = run;
  let stopping: NodeJS.Signals | undefined;
  let watchFailure: Error | undefined;
  let wake = () => {};
  const stopRequested = new Promise<void>((resolve) => (wake = resolve));
  let settleFirst: (built: BuildResult | undefined) => void = () => {};
  const firstBuilt = new Promise<BuildResult | undefined>((resolve) => (settleFirst = resolve));
  let firstDone = false;
  const loop = rebuildOnChange(run.moduleDir, {
    ignore: outputPaths(run.flags, [], run.tarballPathFor),
    ignoreFiles: ownOutputFiles(),
    // The last build's go build starts at the first sign of a save, while the watcher waits for
    // the editor to finish and the module is read again; a later change starts it over (see speculation.ts).
    headStart: () => firstDone && speculate(process.cwd()),
    rebuild: async (batch, headStarted) => {
      const first = await firstBuilt;
      if (!first) return;
      // With several programs, --tarball writes one file per binary: outputs, not changes.
      const outputs = outputPaths(run.flags, first.programs.map((p) => p.main.binary), run.tarballPathFor);
      const changed = batch.files.filter((f) => !outputs.includes(resolve(run.moduleDir, f)));
      if (changed.length === 0) return stopSpeculation();
      if (!headStarted) speculate(process.cwd());
      try {
        await buildPublishReport(run, { changed, since: batch.firstSeenAt });
      } catch (err) {
        // A Ctrl-C in the terminal interrupts what runs in its process group too (a podman or
        // docker load; not go build, which has its own): not a failure worth showing.
        if (stopping === "SIGINT") return;
        // NDJSON readers learn of the failure from stdout too, one line like a build's.
        reportError(err, { json: run.flags.json, details: { elapsedMs: Math.round(performance.now() - batch.firstSeenAt), changed } });
        out.info("waiting for the next change");
      }
    },
    unchanged: () => stopSpeculation(),
    onError: (err) => {
      watchFailure = err;
      wake();
    },
  });
  if (!run.flags.compression && compressionFor(run.flags) === "none") out.info("layers are stored uncompressed while watching, as the image stays on this machine (--compression gzip for a one-shot build's digest)");
  try {
    settleFirst(await buildPublishReport(run, { changed: [], since: performance.now() }));
    firstDone = true;
    // Every rebuild reads back what the last one wrote (index.json, the replaced manifest): load
    // those checks now, while waiting for a change, not during the first rebuild.
    void import("../../image/parse.js").then(({ loadManifestChecks }) => loadManifestChecks()).catch(() => undefined);
  } catch (err) {
    settleFirst(undefined);
    await loop.stop();
    throw err;
  }
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = signal;
    wake();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    out.info(`watching ${displayPath(run.moduleDir)} for changes (Ctrl-C to stop)`);
    await stopRequested;
    if (loop.building) out.info("stopping after the build in progress (Ctrl-C again to stop now)");
    await loop.stop();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (watchFailure && !stopping) throw inputError(`${displayPath(run.moduleDir)}: stopped watching: ${watchFailure.message}`);
}

/** Explicit --compression, else none for a watch that publishes only to this machine: compressing is most of a rebuild's time after go. */
function compressionFor(flags: BuildFlags): "gzip" | "none" {
  return flags.compression ?? (flags.watch && !flags.push ? "none" : "gzip");
}

/** Outputs written inside the module, which must not set off rebuilds of their own. */
function outputPaths(flags: BuildFlags, binaries: string[], tarballPathFor: (file: string, binary: string, several: boolean) => string): string[] {
  const paths = [flags.ociLayout, flags.sbomDir, flags.tarball].filter((p): p is string => p !== undefined).map((p) => resolve(p));
  const tarball = flags.tarball;
  if (tarball && binaries.length > 1) for (const b of binaries) paths.push(resolve(tarballPathFor(tarball, b, true)));
  return paths;
}

/** `[dir]` or main package directories, which must all be in one module. */
function resolveTargets(targets: string[]): { moduleDir: string; mains?: string[] } {
  const dirs = targets.map((t) => resolve(t));
  for (const [i, d] of dirs.entries()) {
    const info = statSync(d, { throwIfNoEntry: false });
    if (info?.isDirectory()) continue;
    if (info && /\.go$/.test(d)) throw inputError(`${targets[i]}: is a file, not a directory: give its package directory, ./${relative(process.cwd(), dirname(d)) || "."}`);
    throw inputError(`${targets[i]}: ${info ? "is a file, not a directory" : "does not exist"}: give the module directory or main package directories like ./cmd/api`);
  }
  if (dirs.length === 1 && hasGoMod(dirs[0]!)) return { moduleDir: dirs[0]! };
  // The analysis's lookup: from a go.work's directory, its error names the workspace's modules.
  const root = findModuleRoot(targets[0]!);
  const mains = dirs.map((d, i) => {
    const rel = relative(root, d);
    if (rel.startsWith("..")) throw inputError(`${targets[i]}: not inside the module at ${root}`);
    return rel === "" ? "." : rel;
  });
  return { moduleDir: root, mains };
}

function hasGoMod(dir: string): boolean {
  try {
    return statSync(resolve(dir, "go.mod")).isFile();
  } catch {
    return false;
  }
}
