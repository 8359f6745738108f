/**
 * `slimgo build`: Go source to image values, with no Docker daemon (after ko's pkg/build).
 * Publishing those images somewhere is src/publish's job.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { analyze, findModuleRoot } from "../analysis/index.js";
import { xFlagSymbols, xSymbolProblem } from "../analysis/link-symbols.js";
import { stampedVersionVariables } from "../analysis/version-vars.js";
import type { ListeningPort, MainPackage, ModuleAnalysis } from "../analysis/types.js";
import { loadConfig } from "../config/load.js";
import { binaryPathOf, loopbackWarning, needsCaCertificates, selectMainPackages } from "../dockerfile/plan.js";
import { checkHealthPath, healthProbeCommand, healthTarget, HEALTH_PROBE_PATH } from "../dockerfile/health-probe.js";
import { inputError, SlimgoError } from "../errors.js";
import { removeAtExit } from "../fsutil/temp-cleanup.js";
import { displayModuleFile, displayModuleLine, displayPath } from "../fsutil/display-path.js";
import { appendLayers, buildIndex, emptyImage, replaceAnnotations, withConfig, withFormat } from "../image/mutate.js";
import { descriptorOf, type Descriptor, type HistoryEntry, type Image, type ImageOrIndex, type Layer, type Platform } from "../image/types.js";
import { compressionOfLayer, type ImageFormat } from "../image/media-types.js";
import { storedCompression } from "../image/layer.js";
import { imageNameOf } from "../image/reference.js";
import { compressionId, layerFromFiles, tarDigest, type BuildCompression } from "../tar/layer.js";
import type { TarEntry } from "../tar/write.js";
import { portsInImage, unsetPortNote } from "./ports.js";
import { assetEntries, checkAssets, cleanAssetPath, keepingLowerDirectories, replacedLowerFiles } from "./assets.js";
import { baseFiles, describeMissingBaseEntries, missingBaseEntries } from "./base-files.js";
import { baseLayerEntries, describeBaseLayer, NONROOT_UID, stateDirectoryEntries, ZONEINFO_PATH } from "./base-layer.js";
import { buildHealthProbe, goBuild, goCacheInstead, inParallel } from "./go-build.js";
import { checkGoEnv } from "./go-env-guard.js";
import { abandonGoBuild } from "./speculation.js";
import { checkToolchain, findGoToolchain } from "./go-toolchain.js";
import { findGoZoneinfo } from "./go-zoneinfo.js";
import { BASE_ONLY_FIELDS, containerConfig, provenance } from "./image-config.js";
import { LayerCache } from "./layer-cache.js";
import { envLoginFitsBase } from "./registry-login.js";
import { useWritableCacheDir } from "./cache-dir.js";
import { sha256 } from "../image/digest.js";
import { baseRank, hostPlatform, parsePlatforms, platformKey } from "./platforms.js";
import { readVersionInfo, type VersionInfo } from "./version-info.js";
import { canonicalJsonBytes } from "../image/canonical-json.js";
import { VERSION as SLIMGO_VERSION } from "../version.js";

export { buildCacheBudget, pruneBuildCache } from "./layer-cache.js";
export { parsePlatforms } from "./platforms.js";

export interface BuildOptions {
  /** Main package directories to build (./cmd/api); default: the primary one. */
  mains?: string[];
  all?: boolean;
  platforms?: string[];
  version?: string;
  /** Base image reference; default: slimgo's own minimal base. */
  base?: string;
  format?: ImageFormat | "auto";
  /** How the layers slimgo makes are stored: gzip (default), or none, which skips compressing (for images that stay on this machine). */
  compression?: BuildCompression;
  /** Health endpoint path or http://127.0.0.1:PORT/path; "none" for no health check. */
  healthcheck?: string;
  env?: Record<string, string>;
  args?: string[];
  labels?: Record<string, string>;
  /** Manifest annotations, and the index's with several platforms; OCI format only (Docker manifests have none). */
  annotations?: Record<string, string>;
  user?: string;
  ldflags?: string[];
  flags?: string[];
  goEnv?: Record<string, string>;
  /** Files and directories inside the module, copied into the image at the same paths. */
  assets?: string | string[];
  configPath?: string;
  /** Allow cgo: CGO_ENABLED=1 for the host platform only, on a --base that has the C library. */
  cgo?: boolean;
  /** Make an SPDX SBOM per image (for --sbom-dir and pushes); reading each binary costs time. */
  sbom?: boolean;
  /** Plain-HTTP registries the user named (for a registry --base). */
  insecureRegistries?: string[];
  /**
   * The registry the image is pushed to (--push): SLIMGO_REGISTRY_* are its login, so a base in
   * another registry logs in with the Docker config only. Unset: the base's registry may use them.
   */
  pushRegistry?: string;
  onProgress?: (message: string) => void;
  /** Detail for a person debugging the build (--verbose): each go build as a shell line to run from the module root. */
  onDetail?: (message: string) => void;
  /** Told of trouble the build got past (a corrupt cache entry, dropped and made again). */
  onWarning?: (message: string) => void;
}

export interface BuiltProgram {
  main: MainPackage;
  /** One image for one platform, an index for several. */
  image: ImageOrIndex;
  format: ImageFormat;
  platforms: { platform: string; binaryBytes: number; compileMs: number; digest: string }[];
  /** The arguments the image runs its entrypoint with (Cmd). */
  args: string[];
  healthcheck?: string[];
  /** One SPDX 2.3 SBOM per platform image, from the binary's build information (with `sbom`). */
  sboms: Sbom[];
  notes: string[];
}

export interface Sbom {
  platform: string;
  /** The platform image the SBOM describes. */
  subject: Descriptor;
  document: Buffer;
}

export interface BuildResult {
  analysis: ModuleAnalysis;
  version: VersionInfo;
  programs: BuiltProgram[];
}

const LAYER_MTIME = 0;

export async function buildImages(dir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const progress = options.onProgress ?? (() => {});
  // Before anything reads or writes the cache (the toolchain lookup below does).
  const cacheWarning = useWritableCacheDir();
  if (cacheWarning) (options.onWarning ?? (() => {}))(cacheWarning);
  const goCacheWarning = goCacheInstead().warning;
  if (goCacheWarning) (options.onWarning ?? (() => {}))(goCacheWarning);
  // The toolchain and git lookups are child processes: start them while the module is read.
  const root = findModuleRoot(dir);
  const goLookup = findGoToolchain();
  const versionLookup = readVersionInfo(root, options.version);
  goLookup.catch(() => undefined);
  versionLookup.catch(() => undefined);
  // go build is the authority on what compiles; the analysis only picks the package, flags and
  // needs, and slimgo's scanner gives the same facts as go list without its start-up cost.
  const analysis = await analyze(root, { engine: "scanner" });
  const { config, where } = await loadConfig(analysis.root, options.configPath);
  const b = config.build ?? {};
  const mains = chooseMains(analysis, options, config.main, `${where(["main"])}: ${config.main}`);
  const go = await goLookup;
  checkToolchain(go, analysis);
  const goEnv = { ...(b["go-env"] ?? {}), ...(options.goEnv ?? {}) };
  // What go build sees: a GOAMD64 or GOARM there picks the variant of a platform that names none.
  const goSettings = { ...process.env, ...goEnv };
  const platforms = options.platforms ? parsePlatforms(options.platforms, undefined, goSettings) : parsePlatforms(b.platforms, (value, i) => `${where(["build", "platforms", i])}: ${value}`, goSettings);
  checkGoEnv(b["go-env"] ?? {}, (key) => where(["build", "go-env", key]));
  checkGoEnv(options.goEnv ?? {}, (key) => `goEnv.${key}`);
  if (options.cgo) checkCgoBuild(platforms, options.base ?? b.base);
  else for (const main of mains) refuseCgo(main, analysis.root);
  const givenAssets = options.assets ?? b.assets ?? [];
  const assets = typeof givenAssets === "string" ? [givenAssets] : givenAssets;
  const assetsNamed = options.assets === undefined && b.assets !== undefined ? (given: string, i: number) => `${where(typeof b.assets === "string" ? ["build", "assets"] : ["build", "assets", i])}: ${given}` : undefined;
  await checkAssets(analysis.root, assets, assetsNamed);
  // Each platform's image reads the assets; what they leave out is told once.
  const toldLeftOut = new Set<string>();
  const assetLeftOut = (message: string) => {
    if (toldLeftOut.has(message)) return;
    toldLeftOut.add(message);
    options.onWarning?.(message);
  };
  const version = await versionLookup;
  if (version.refusedRepository !== undefined) refuseUnreadableRepository(version.refusedRepository, [...(b.flags ?? []), ...(options.flags ?? [])]);
  const cache = new LayerCache(undefined, options.onWarning);
  const work = await mkdtemp(join(tmpdir(), "slimgo-build-"));
  const forgetWork = removeAtExit(work);
  // When one part fails, the go builds still running (other platforms, the health probe) stop,
  // and the work dir goes once they have exited: a watch would otherwise leave them compiling.
  const failed = new AbortController();
  const goRuns: Promise<unknown>[] = [];
  const tracked = <T>(run: Promise<T>): Promise<T> => {
    goRuns.push(run.catch(() => undefined));
    return run;
  };
  const goZoneinfo = findGoZoneinfo(go.goroot);

  try {
    const baseRef = options.base ?? b.base;
    // Image readers (and their manifest validation) load only when there is a base to read.
    const sources = baseRef ? await import("../sources/index.js") : undefined;
    const baseNamed = options.base !== undefined ? "--base" : where(["build", "base"]);
    const base = baseRef && sources ? { ref: baseRef, named: `${baseNamed} ${baseRef}`, image: await openBase(sources.openImage(baseRef, { insecureRegistries: options.insecureRegistries, envCredentials: envLoginFitsBase(baseRef, options.pushRegistry), onProgress: progress }), baseNamed), sources } : undefined;
    const origin = sortedRecord(provenance(version, base ? { name: base.ref, digest: base.image.digest } : undefined));
    const annotations = sortedRecord({ ...(b.annotations ?? {}), ...(options.annotations ?? {}) });
    const jobs = mains.flatMap((main) => platforms.map((platform) => ({ main, platform })));
    if (jobs.length !== 1) abandonGoBuild();
    const imageEnv = { ...(b.env ?? {}), ...(options.env ?? {}) };
    const zstdBase = base !== undefined && base.sources.imagesOf(base.image).some((i) => i.image.layers.some((l) => storedCompression(l) === "zstd"));
    const plans = new Map(mains.map((main) => [main, imagePlanFor(main, options, imageEnv, analysis.root, zstdBase ? base.named : undefined)]));
    const stamped = new Map(mains.map((main) => [main, stampedVersionVariables(main, analysis.buildConfigVersionVariables, analysis.goMod.path)]));
    const compression = options.compression ?? "gzip";
    const layerOf = (entries: TarEntry[], format: ImageFormat, report: LayerReport, slot?: string) => cachedLayer(cache, entries, { format, compression }, report, slot);
    // A rebuilt binary keeps many blocks of the last one: its slot lets them be reused.
    const binarySlot = (main: MainPackage, platform: Platform) => `${analysis.root}\0${binaryPathOf(main)}\0${platformKey(platform)}`;
    if (compression === "gzip") for (const { main, platform } of jobs) cache.readBlocksAhead({ slot: binarySlot(main, platform), compression: compressionId(compression) });
    const historyAt = (createdBy: string): HistoryEntry => ({ created: version.created, created_by: createdBy, comment: "slimgo build" });
    progress(`compiling ${jobs.length} binar${jobs.length === 1 ? "y" : "ies"} with Go ${go.version} (${jobs.map((j) => `${j.main.binary} ${platformKey(j.platform)}`).join(", ")})`);
    const compiling = inParallel(
      jobs.map(({ main, platform }) => async () => {
        const tzdataTag = main.facts.needs.zoneinfo.needed && !main.facts.needs.zoneinfo.embeddedTzdata && !goZoneinfo && !base;
        const result = await tracked(goBuild(go, {
          moduleRoot: analysis.root,
          target: main.dir === "." ? "." : `./${main.dir}`,
          binary: main.binary,
          platform,
          xflags: stamped.get(main)!.variables.map((v) => `${v.symbol}=${valueFor(v.role, version)}`),
          extraLdflags: b.ldflags ?? [],
          extraFlags: [...(b.flags ?? []), ...(options.flags ?? [])],
          extraEnv: goEnv,
          tags: tzdataTag ? ["timetzdata"] : [],
          cgo: options.cgo === true && main.facts.cgo.required,
          vendored: analysis.vendored,
          outDir: join(work, main.binary),
          signal: failed.signal,
          ...(options.onDetail ? { onCommand: (line: string) => options.onDetail?.(`  ${main.binary} ${platformKey(platform)}: ${line}`) } : {}),
        }));
        const how = [result.startedEarly ? "started with slimgo, from the last build's plan" : "", result.upToDate ? "up to date, not linked again" : ""].filter(Boolean).join("; ");
        progress(`  ${main.binary} ${platformKey(platform)}: ${(result.size / 1e6).toFixed(1)} MB in ${(result.ms / 1000).toFixed(1)} s${how ? ` (${how})` : ""}`);
        return { main, platform, result, tzdataTag };
      }),
      availableParallelism(),
    );
    // The layers under the binary do not depend on the compile: they are made while go runs (the
    // base layer once for all platforms), and their progress lines are held until the binary's.
    const baseLayers = new Map<string, Promise<Layer>>();
    const layersUnder = jobs.map(({ main, platform }) => {
      const { format, needsProbe } = plans.get(main)!;
      const messages: string[] = [];
      const report = (what: string) => layerReport(`  ${main.binary} ${platformKey(platform)}: ${what}`, (m) => messages.push(m));
      const stateDirectories = main.facts.stateDirectories.map((d) => d.path);
      const made = (async () => {
        const layers: { layer: Layer; history: HistoryEntry }[] = [];
        // Of the directories an asset may name, /tmp is the one a non-root program needs as it was (on a --base, as the base or slimgo's addition has it).
        let lower: TarEntry[] = [{ path: "tmp", type: "dir", mode: 0o1777 }, ...stateDirectoryEntries(stateDirectories)];
        if (!base) {
          const zoneinfoWanted = main.facts.needs.zoneinfo.needed && !main.facts.needs.zoneinfo.embeddedTzdata;
          const baseOptions = {
            caCertificates: needsCaCertificates(main.facts).needed,
            zoneinfoZip: zoneinfoWanted && goZoneinfo ? await goZoneinfo.zip() : undefined,
            stateDirectories: stateDirectories.length > 0 ? stateDirectories : undefined,
          };
          lower = baseLayerEntries(baseOptions);
          const key = JSON.stringify([format, baseOptions]);
          let making = baseLayers.get(key);
          const shared = making !== undefined;
          if (!making) {
            making = layerOf(lower, format, report("base"));
            baseLayers.set(key, making);
          }
          const layer = await making;
          // Another platform made it: this one's line says it was at hand.
          if (shared) report("base")(layer, undefined, "");
          layers.push({ layer, history: historyAt(describeBaseLayer(baseOptions)) });
        } else {
          const files = await baseFiles(baseImageFor(base, platform));
          const missing = files ? missingBaseEntries(files, (options.user ?? b.user) === undefined) : [];
          if (missing.length > 0) {
            lower = [...missing, ...lower];
            layers.push({ layer: await layerOf(missing, format, report("base additions")), history: historyAt(describeMissingBaseEntries(missing)) });
          }
          if (stateDirectories.length > 0) {
            layers.push({ layer: await layerOf(stateDirectoryEntries(stateDirectories), format, report("state directories")), history: historyAt(`slimgo build: ${stateDirectories.join(" ")} owned by ${NONROOT_UID}`) });
          }
        }
        if (needsProbe) {
          const probe = await tracked(buildHealthProbe(go, platform, join(work, `probe-${main.binary}`), failed.signal));
          layers.push({ layer: await layerOf([binaryEntry(HEALTH_PROBE_PATH, probe)], format, report("health probe")), history: historyAt("slimgo build: health probe (no shell needed)") });
        }
        if (assets.length > 0) {
          const entries = keepingLowerDirectories(await assetEntries(analysis.root, assets, assetsNamed, assetLeftOut), lower);
          for (const path of replacedLowerFiles(entries, lower)) assetLeftOut(`assets: ${path} replaces the /${path} of slimgo's base layer: the image gets yours`);
          layers.push({ layer: await layerOf(entries, format, report("assets")), history: historyAt(`slimgo build: assets ${assets.join(" ")}`) });
        }
        return layers;
      })();
      // Awaited after the compile; a failure meanwhile must not count as unhandled.
      made.catch(() => undefined);
      return { made, messages };
    });
    const compiled = await compiling;

    const programs: BuiltProgram[] = [];
    for (const main of mains) {
      const notes: string[] = [];
      const { health, format } = plans.get(main)!;
      const args = options.args ?? b.args ?? defaultArgs(main, analysis.root, progress);
      if (health && format === "oci") {
        notes.push(
          zstdBase && options.format !== "oci"
            ? "the base's layers are zstd-compressed, which Docker-format images cannot carry, so the image is OCI, and podman runs no HEALTHCHECK from it (it reads it only from Docker-format images)"
            : "OCI images cannot carry a HEALTHCHECK for podman (it reads it only from Docker-format images): use --format docker to keep it",
        );
      }
      if (format === "docker" && Object.keys(annotations).length > 0) notes.push(droppedAnnotationsNote(Object.keys(annotations), options.format === "docker"));
      const unsetPort = unsetPortNote(main.facts, imageEnv, analysis.root);
      if (unsetPort) notes.push(unsetPort);
      const probePort = probePortNote(main, portsInImage(main.facts, imageEnv), options.healthcheck, analysis.root);
      if (probePort) notes.push(probePort);
      const onLoopback = loopbackWarning({ ...main, facts: { ...main.facts, ports: portsInImage(main.facts, imageEnv) } }, analysis.root);
      if (onLoopback) notes.push(onLoopback);
      const tls = main.facts.tlsServer;
      if (!health && tls && main.facts.healthEndpoints.length > 0 && options.healthcheck === undefined) {
        notes.push(`no health check: ${main.binary} serves TLS (${displayModuleLine(analysis.root, tls)}) and the health probe speaks plain HTTP only; give the program a -health flag, or serve the health endpoint on a plain-HTTP port and pass --healthcheck http://127.0.0.1:PORT/PATH`);
      }
      // slimgo's own base holds no programs; a --base may have them, which only running it would tell.
      if (!base) {
        for (const c of main.facts.externalCommands) {
          notes.push(`${displayModuleLine(analysis.root, c.evidence)}: runs ${c.name} (${c.call}), which slimgo's base image does not have, so the call fails at run time: build on a --base that has it`);
        }
      }
      for (const d of notInImage(main, assets)) {
        notes.push(`${displayModuleLine(analysis.root, d.evidence)}: ${d.path} is read at run time but is not in the image: embed it with //go:embed, or add it with --assets`);
      }
      for (const { variable, why } of stamped.get(main)!.ignored) {
        notes.push(`${displayModuleLine(analysis.root, variable.evidence)}: -X ${variable.symbol} is left out: ${why}`);
      }
      for (const symbol of xFlagSymbols((b.ldflags ?? []).join(" "))) {
        const problem = xSymbolProblem(symbol, [main], analysis.goMod.path, (at) => displayModuleLine(analysis.root, at));
        if (problem) notes.push(`${where(["build", "ldflags"])}: -X ${symbol} sets nothing: ${problem.message}`);
      }
      const images: Image[] = [];
      const built: BuiltProgram["platforms"] = [];
      const sboms: Sbom[] = [];
      for (const [i, c] of compiled.entries()) {
        if (c.main !== main) continue;
        if (c.tzdataTag) notes.push(`this Go has no time zone data to copy (lib/time/zoneinfo.zip, or the constant in src/time/tzdata), so it is embedded in the binary (-tags timetzdata)`);
        const under = layersUnder[i]!;
        const layers = await under.made;
        for (const m of under.messages) progress(m);
        let image: Image = base ? withFormat(baseImageFor(base, c.platform), format) : emptyImage(c.platform, format);
        const binaryPath = binaryPathOf(main);
        layers.push({ layer: await layerOf([binaryEntry(binaryPath, c.result.path)], format, layerReport(`  ${main.binary} ${platformKey(c.platform)}: binary`, progress), binarySlot(main, c.platform)), history: historyAt(c.result.command) });

        image = appendLayers(image, layers.map((l) => l.layer), layers.map((l) => l.history));
        const labels = { ...origin, ...(b.labels ?? {}), ...(options.labels ?? {}) };
        const env = { ...imageEnv };
        if (!base && !c.tzdataTag && main.facts.needs.zoneinfo.needed && !main.facts.needs.zoneinfo.embeddedTzdata) env.ZONEINFO = ZONEINFO_PATH;
        image = withConfig(image, {
          ...BASE_ONLY_FIELDS,
          created: version.created,
          config: containerConfig(
            {
              binaryPath,
              args,
              user: options.user ?? b.user ?? `${NONROOT_UID}:${NONROOT_UID}`,
              env,
              labels: sortedRecord(labels),
              ports: [...new Set(portsInImage(main.facts, imageEnv).map((p) => p.port))],
              healthcheck: health,
            },
            image.config.config.Env,
          ),
        });
        // A --base's own annotations (title, description, source) describe the base, not this image.
        image = replaceAnnotations(image, { ...origin, ...annotations });
        images.push(image);
        // The binary reader and SPDX writer load only for builds that make an SBOM.
        const sbomTools = options.sbom ? await Promise.all([import("../gobinary/index.js"), import("../sbom/spdx.js")]) : undefined;
        const info = sbomTools ? await sbomTools[0].readGoBinary(c.result.path) : undefined;
        if (sbomTools && info?.buildInfo) {
          const { spdxFromBuildInfo } = sbomTools[1];
          const document = canonicalJsonBytes(spdxFromBuildInfo(info.buildInfo, { name: `${main.binary} ${platformKey(c.platform)}`, imageDigest: image.digest, created: version.created, tool: `slimgo-${SLIMGO_VERSION}` }));
          sboms.push({ platform: platformKey(c.platform), subject: descriptorOf(image, { platform: c.platform }), document });
        }
        built.push({ platform: platformKey(c.platform), binaryBytes: c.result.size, compileMs: Math.round(c.result.ms), digest: image.digest });
      }
      const item: ImageOrIndex = images.length === 1 ? images[0]! : buildIndex(images, { format, annotations });
      programs.push({ main, image: item, format, platforms: built, args, healthcheck: health, sboms, notes: [...new Set(notes)] });
    }
    return { analysis, version, programs };
  } catch (err) {
    failed.abort();
    await Promise.all(goRuns);
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
    forgetWork();
  }
}

/** The base image, or an error that says which setting named it (--base, or build.base in slimgo.yaml). */
async function openBase<T>(opening: Promise<T>, named: string): Promise<T> {
  try {
    return await opening;
  } catch (err) {
    if (err instanceof SlimgoError) throw new SlimgoError(`${named}: ${err.message}`, { exitCode: err.exitCode, file: err.file, line: err.line, cause: err });
    throw err;
  }
}

/**
 * The base's image for `platform`: its own variant, else the closest older one that a CPU running
 * the binary runs (containerd's choice: arm/v6 for arm/v7, plain amd64 for amd64/v3), never a
 * newer one. The image records the variant its binary was built for.
 */
function baseImageFor(base: { image: ImageOrIndex; named: string; sources: typeof import("../sources/index.js") }, platform: Platform): Image {
  const { imagesOf, noImageFor } = base.sources;
  let best: { image: Image; rank: number } | undefined;
  for (const candidate of imagesOf(base.image)) {
    const rank = baseRank(candidate.platform, platform);
    if (rank !== undefined && (best === undefined || rank < best.rank)) best = { image: candidate.image, rank };
  }
  if (best === undefined) {
    const newer = imagesOf(base.image).filter((i) => i.platform.os === platform.os && i.platform.architecture === platform.architecture).map((i) => platformKey(i.platform));
    if (newer.length === 0) throw noImageFor(base.image, platform, base.named);
    throw inputError(`${base.named} has no ${platformKey(platform)} image: its ${newer.join(", ")} need${newer.length === 1 ? "s" : ""} a newer CPU than a ${platformKey(platform)} binary does; build for that with --platform ${newer[0]}, or pick a base that has ${platformKey(platform)}`);
  }
  const image = best.image;
  return platform.variant === undefined || image.config.variant === platform.variant ? image : withConfig(image, { variant: platform.variant });
}

/** The packages to build: the targets given (each once, however it was spelled), else all, slimgo.yaml's main or the primary. */
function chooseMains(analysis: ModuleAnalysis, options: BuildOptions, configMain: string | undefined, configMainNamed: string): MainPackage[] {
  if (options.mains && options.mains.length > 0) {
    return oneBinaryName([...new Set(options.mains.flatMap((m) => selectMainPackages(analysis, { main: m, named: targetPath(join(analysis.root, m)) })))], analysis.root);
  }
  const example = targetPath(join(analysis.root, analysis.mainPackages[0]?.dir ?? "cmd/NAME"));
  return oneBinaryName(selectMainPackages(analysis, { all: options.all, main: configMain, named: configMainNamed, howToChoose: `give one as a target (slimgo build ${example}), or pass --all for an image each` }), analysis.root);
}

/**
 * Each program's binary name is its image's name (made a valid reference: My.Tool → my.tool), output
 * and work directory: two programs that share one (cmd/api, tools/api; cmd/My.Tool, cmd/my.tool)
 * would overwrite each other's image.
 */
function oneBinaryName(mains: MainPackage[], root: string): MainPackage[] {
  const byName = new Map<string, MainPackage[]>();
  for (const main of mains) {
    const name = imageNameOf(main.binary);
    byName.set(name, [...(byName.get(name) ?? []), main]);
  }
  const clash = [...byName.entries()].find(([, same]) => same.length > 1);
  if (clash) {
    const [name, same] = clash;
    const targets = same.map((m) => targetPath(join(root, m.dir)));
    const binaries = [...new Set(same.map((m) => m.binary))];
    const what = binaries.length === 1 ? `both build a binary named ${binaries[0]}` : `build binaries named ${binaries.join(" and ")}, which both give the image name ${name}`;
    throw inputError(
      `${targets.join(" and ")} ${what}, and each image is named after its binary: ` +
        `build them one at a time (slimgo build ${targets[0]} --name NAME ...), or rename one of the directories`,
    );
  }
  return mains;
}

/** A package directory as a target on the command line: ./cmd/api from the module root. */
function targetPath(dir: string): string {
  const shown = displayPath(dir);
  return isAbsolute(shown) || shown.startsWith("..") || shown === "." ? shown : `./${shown}`;
}

/** cgo links the build host's C library: only its platform, and only onto a base that has a C library. */
function checkCgoBuild(platforms: Platform[], base: string | undefined): void {
  if (!base) throw inputError("--cgo links the C library, so the image needs one: add --base with a glibc image, e.g. gcr.io/distroless/base-debian12:nonroot");
  const host = hostPlatform();
  const other = platforms.find((p) => p.architecture !== host.architecture);
  if (other) throw inputError(`--cgo builds with this machine's C compiler, for ${platformKey(host)} only; ${platformKey(other)} needs its own builder (use the Dockerfile from slimgo init)`);
}

function refuseCgo(main: MainPackage, root: string): void {
  const cgo = main.facts.cgo;
  if (!cgo.required) return;
  const where = cgo.evidence[0] ?? cgo.dependencies[0]?.evidence;
  const alt = cgo.dependencies.find((d) => d.alternative);
  throw inputError(
    `${where ? `${displayModuleFile(root, where.file)}:${where.line}: ` : ""}${main.binary} needs cgo, and slimgo build makes static CGO_ENABLED=0 binaries: ` +
      (alt ? `switch ${alt.module} to ${alt.alternative}, or ` : "") +
      `build with the Dockerfile from \`slimgo init\`, which uses a glibc builder and runtime, or pass --cgo with a glibc --base`,
    where ? { file: where.file, line: where.line } : {},
  );
}

/** Docker-format manifests have no annotations field: what the user asked for is not in the image. */
function droppedAnnotationsNote(keys: string[], formatChosen: boolean): string {
  const why = formatChosen ? "--format docker" : "the image has a health check, so --format auto made it Docker-format, the format podman reads a HEALTHCHECK from";
  return `annotations ${keys.join(", ")} are not in the image: Docker-format manifests have none (${why}); use --format oci to keep them, or --label for the image config`;
}

/** What a program's image carries besides its binary: the health check, whether it needs slimgo's probe, and the format that keeps the check. */
/** `zstdBase` names a --base with zstd layers: Docker-format images cannot carry them, and Node 20 cannot recompress them. */
function imagePlanFor(main: MainPackage, options: BuildOptions, env: Record<string, string>, root: string, zstdBase?: string): { health: string[] | undefined; needsProbe: boolean; format: ImageFormat } {
  const health = healthFor(main, portsInImage(main.facts, env), options.healthcheck, root);
  if (zstdBase !== undefined && options.format === "docker") {
    throw inputError(`${zstdBase}: its layers are zstd-compressed, which Docker-format images cannot carry: use --format oci, or a base with gzip layers`);
  }
  const format: ImageFormat = options.format && options.format !== "auto" ? options.format : health && zstdBase === undefined ? "docker" : "oci";
  return { health, needsProbe: health?.[0] === HEALTH_PROBE_PATH, format };
}

/** Told of a layer: how long making it took (undefined: it was cached), and what was reused. */
type LayerReport = (layer: Layer, ms: number | undefined, reused: string) => void;

/** The progress line of a layer: its size, and how long its compression took or that it was cached. */
function layerReport(prefix: string, print: (message: string) => void): LayerReport {
  return (layer, ms, reused) => {
    const made = compressionOfLayer(layer.mediaType) === "none" ? "written uncompressed in" : "compressed in";
    print(`${prefix} layer ${(layer.size / 1e6).toFixed(1)} MB ${ms === undefined ? "(cached)" : `${made} ${(ms / 1000).toFixed(2)} s${reused}`}`);
  };
}

function healthFor(main: MainPackage, ports: ListeningPort[], override: string | undefined, root: string): string[] | undefined {
  if (override === "none") return undefined;
  if (override !== undefined) checkHealthcheck(override);
  if (override && isUrl(override)) {
    const { host, port, path } = probeUrl(override);
    return healthProbeCommand(`${host}:${port}`, path);
  }
  // --healthcheck PATH: on the program's port (8080 when none is known), as init's --health-path.
  const target = healthTarget({ ...main.facts, ports }, override ? { path: override, ...(ports.length === 0 ? { port: 8080 } : {}) } : {});
  if (target.kind === "flag") return [binaryPathOf(main), `-${target.flag}`];
  if (target.kind === "endpoint") return healthProbeCommand(`127.0.0.1:${target.port}`, target.path, target.portEnv);
  if (target.kind === "none" && target.tls && override) {
    throw inputError(`--healthcheck ${override}: ${main.binary} serves TLS (${displayModuleLine(root, target.tls)}), and the health probe speaks plain HTTP only: give the program a -health flag, or serve the endpoint on a plain-HTTP port and pass http://127.0.0.1:PORT${override}`);
  }
  return undefined;
}

/** `--healthcheck`: none, an http(s):// URL, or a path the probe can send (checkHealthPath). */
export function checkHealthcheck(value: string): void {
  if (value === "none") return;
  if (isUrl(value)) probeUrl(value);
  else checkHealthPath("--healthcheck", value, ", an http:// URL, or none");
}

function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

/** Where the probe dials for a --healthcheck URL: the container itself over plain HTTP, by IPv4 address (it carries no resolver or TLS). */
function probeUrl(value: string): { host: string; port: number; path: string } {
  const shown = maskedUserinfo(value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw inputError(`--healthcheck ${shown}: not a valid URL (a port is a number from 1 to 65535): give one like http://127.0.0.1:8080/healthz, or a path (/healthz) to probe the program's own port`);
  }
  if (url.protocol !== "http:" || !/^(localhost|\d{1,3}(\.\d{1,3}){3})$/.test(url.hostname)) {
    throw inputError(`--healthcheck ${shown}: the health probe GETs plain http:// on localhost or an IPv4 address inside the container, e.g. http://127.0.0.1:8080/healthz; give a path (/healthz) to probe the program's own port`);
  }
  if (url.username !== "" || url.password !== "") {
    throw inputError(`--healthcheck ${shown}: the health probe sends no credentials, and a user or password in the URL would be kept in the image's config for anyone to read: make the health endpoint answer without them, and give the URL without user:password@`);
  }
  return { host: url.hostname, port: Number(url.port || "80"), path: `${url.pathname}${url.search}` };
}

/** A URL as messages may show it: a user:password@ in it replaced by ***@. */
function maskedUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, (_m, scheme: string) => `${scheme}***@`);
}

/** A --healthcheck URL on a port the program is not seen to listen on: the probe would fail and the container be unhealthy. */
function probePortNote(main: MainPackage, ports: ListeningPort[], override: string | undefined, root: string): string | undefined {
  if (!override || !isUrl(override) || ports.length === 0) return undefined;
  const { port } = probeUrl(override);
  if (ports.some((p) => p.port === port)) return undefined;
  const listens = ports.map((p) => `${p.port} (${displayModuleLine(root, p.evidence)})`).join(", ");
  return `--healthcheck ${override} probes port ${port}, but ${main.binary} listens on ${listens}: the container would be reported unhealthy; probe one of those ports, or give a path (/healthz) to probe the program's own`;
}

function valueFor(role: string, version: VersionInfo): string {
  if (role === "commit") return version.commit;
  if (role === "date") return version.created;
  return version.version;
}

/** The files the program reads from disk relative to its working directory (/) that neither //go:embed nor --assets put in the image. */
function notInImage(main: MainPackage, assets: string[]): MainPackage["facts"]["dataDirectories"] {
  const given = assets.map(cleanAssetPath);
  return main.facts.dataDirectories.filter((d) => {
    const read = cleanAssetPath(d.path);
    return !given.some((a) => read === a || read.startsWith(`${a}/`));
  });
}

/** The server's subcommand when it runs under one (`case "serve":`): without it the program would print its usage and exit. */
function defaultArgs(main: MainPackage, root: string, progress: (message: string) => void): string[] {
  const sub = main.facts.serveSubcommand;
  if (!sub) return [];
  progress(`  ${main.binary}: runs \`${main.binary} ${sub.name}\`: the server runs under that subcommand (${displayModuleLine(root, sub.evidence)}); --arg or args in slimgo.yaml replace it`);
  return [sub.name];
}

/**
 * go build stamps the commit into the binary and fails where git refuses the repository ("error
 * obtaining VCS status"); the version would be "dev" and the commit unknown. Said before compiling,
 * with the two ways out.
 */
function refuseUnreadableRepository(repository: string, flags: string[], env: NodeJS.ProcessEnv = process.env): void {
  const withoutVcs = [...flags, ...(env.GOFLAGS ?? "").split(/\s+/)].some((f) => /^-?-buildvcs=false$/.test(f));
  if (withoutVcs) return;
  throw inputError(
    `git refuses to read the repository at ${repository}: another user owns it ("dubious ownership", as in CI containers), so go build cannot stamp the commit and fails, and the version would be "dev": ` +
      `trust it with git config --global --add safe.directory ${repository}, or build without VCS stamping (GOFLAGS=-buildvcs=false, with --version to name the version)`,
  );
}

function binaryEntry(path: string, source: string): TarEntry {
  return { path, type: "file", mode: 0o755, sourcePath: source };
}

/**
 * A layer from the compressed-layer cache, keyed by its diffID: a binary that did not change is
 * not compressed again. With a `slot`, a changed one reuses the blocks that did not change since
 * the slot's last layer. `report` gets the compression time, or undefined for a cached layer.
 */
async function cachedLayer(cache: LayerCache, entries: TarEntry[], stored: { format: ImageFormat; compression: BuildCompression }, report: LayerReport, slot?: string): Promise<Layer> {
  const tarOptions = { mtime: LAYER_MTIME, uid: 0, gid: 0 };
  const diffId = await tarDigest(entries, tarOptions);
  const { format, compression } = stored;
  const id = compressionId(compression);
  const key = sha256(`${format}\0${id}\0${diffId}`).slice("sha256:".length);
  const t0 = performance.now();
  // Only gzip has blocks to reuse; an uncompressed rebuild leaves the slot's last gzip blocks as they are.
  const reuse = slot !== undefined && compression === "gzip" ? { slot, compression: id } : undefined;
  const { layer, cached, blocks } = await cache.getOrBuild(
    key,
    // Binaries (slot layers) are files in this build's own temp dir: nothing else changes them.
    (blobDir, blocks) => layerFromFiles(entries, { ...tarOptions, blobDir, format, compression, expectedDiffId: diffId, filesAreSettled: slot !== undefined, blocks }),
    reuse,
  );
  report(layer, cached ? undefined : performance.now() - t0, blocks?.reused ? ` (${blocks.reused} of ${blocks.total} blocks unchanged, reused)` : "");
  return layer;
}


function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

