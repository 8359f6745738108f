import { isScratch } from "../model/images.js";
import { shippedBinaries } from "../model/go-build-context.js";
import { posix } from "node:path";
import { atOrUnder, imageCopies } from "../model/image-files.js";
import { goBuilds, goFlagValue, rootImage, stageCopies, stageSetsEnv } from "../model/queries.js";
import type { StageModel } from "../model/types.js";
import type { MainPackage, RuntimeNeed } from "../../analysis/types.js";
import type { Rule } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";
import { builderImage, runtimeImage } from "../../dockerfile/images.js";

export const rule: Rule = {
  meta: {
    id: "SG110",
    name: "scratch-runtime-files",
    severity: "warning",
    description: "A scratch runtime lacks CA certificates, zoneinfo or /tmp that the Go program needs (from the module analysis).",
    docs: "docs/rules/SG110.md",
    peers: {},
    needsModule: true,
  },
  check(ctx) {
    const { model, module } = ctx;
    const final = model.finalStage;
    if (!module || !final || !isScratch(rootImage(final))) return;
    const shipped = [...new Set(shippedBinaries(model, final, module).map((b) => b.program))];
    const programs: MainPackage[] = shipped.length > 0 ? shipped : module.primary ? [module.primary] : module.mainPackages;
    const need = (pick: (p: MainPackage) => RuntimeNeed): RuntimeNeed | undefined => programs.map(pick).find((n) => n.needed);
    const evidence = (n: RuntimeNeed): string => {
      const e = n.evidence[0];
      return e ? ` (${displayModuleLine(module.root, e)})` : "";
    };
    // The stage the binary comes from has the files to copy; its name makes the suggestion paste-ready.
    const builder = final.copyFrom.find((e) => e.stage !== undefined)?.stage;
    // A Dockerfile with no stage before scratch (a prebuilt binary) copies the files from an image.
    const noStages = model.stages.length === 1;
    const from = builder === undefined ? "build" : (builder.name ?? String(builder.index));
    const certsFrom = noStages ? runtimeImage.alpine : from;
    const zoneinfoFrom = noStages ? builderImage.static(module.goMod.go?.split(".").slice(0, 2).join(".") ?? "1") : from;
    const envSet = (name: string): boolean => stageSetsEnv(model, final, name);

    const tls = need((p) => p.facts.needs.tlsRoots);
    if (tls && !mayCopyInto(final, CERT_PLACES) && !envSet("SSL_CERT_FILE") && !envSet("SSL_CERT_DIR")) {
      ctx.report({ at: final.from, message: `the program makes TLS calls${evidence(tls)} but this scratch image has no CA certificates: COPY --from=${certsFrom} /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/` });
    }
    const zone = programs.map((p) => p.facts.needs.zoneinfo).find((z) => z.needed && !z.embeddedTzdata);
    const tzdataTag = goBuilds(model).some((b) => /timetzdata/.test(goFlagValue(b.args, "tags") ?? ""));
    if (zone && !tzdataTag && !mayCopyInto(final, ZONEINFO_PLACES) && !envSet("ZONEINFO")) {
      ctx.report({ at: final.from, message: `the program loads time zones${evidence(zone)} but this scratch image has no zoneinfo: COPY --from=${zoneinfoFrom} /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip with ENV ZONEINFO=/zoneinfo.zip, or import time/tzdata` });
    }
    const tmp = need((p) => p.facts.needs.tmp);
    if (tmp && !stageCopies(final, (p) => /^\/tmp\/?$/.test(p)) && !envSet("TMPDIR")) {
      ctx.report({ at: final.from, message: `the program creates temporary files${evidence(tmp)} but this scratch image has no /tmp: create it inside a tree in the builder (mkdir -p /rootfs/tmp && chmod 1777 /rootfs/tmp) and COPY --from=${from} /rootfs/ / (copying the directory itself loses mode 1777 under buildah)` });
    }
  },
};

/** Where Go's crypto/x509 reads CA certificates on Linux: these files, then every file in these directories. */
const CERT_PLACES = [
  "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/pki/tls/cacert.pem",
  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem", "/etc/ssl/certs", "/etc/pki/tls/certs",
];

/** Where Go's time package looks for zoneinfo without ZONEINFO; the last is $GOROOT/lib/time/zoneinfo.zip of the golang images, which a binary built without -trimpath still finds. */
const ZONEINFO_PLACES = ["/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo", "/usr/local/go/lib/time/zoneinfo.zip"];

/**
 * Whether a COPY or ADD of the stage's chain may put a file at one of `places` (files, or directories
 * Go reads every file of): its destination, or destination/<name> for a directory destination; a
 * source that may be a directory also counts for places under the destination. True when a
 * destination is not known (a variable, an unknown WORKDIR).
 */
function mayCopyInto(stage: StageModel, places: readonly string[]): boolean {
  const inPlace = (path: string) => places.some((p) => atOrUnder(path, p));
  for (const copy of imageCopies(stage)) {
    if (copy.target === undefined || copy.sources.some((src) => src.includes("$"))) return true;
    const target = copy.target;
    for (const source of copy.sources) {
      const name = posix.basename(source.replace(/\/+$/, ""));
      if (inPlace(copy.intoDirectory ? posix.join(target, name) : target)) return true;
      // A directory's contents go into the destination itself: places under it may be among them.
      const mayBeDirectory = !/\.(crt|pem|zip)$/.test(name);
      if (mayBeDirectory && (inPlace(target) || places.some((p) => atOrUnder(p, target)))) return true;
    }
  }
  return false;
}
