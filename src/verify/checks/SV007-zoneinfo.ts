import { goroots } from "../go-trees.js";
import type { GoBinaryInImage, ImageView } from "../image-view.js";
import { imageEnv, MAX_GO_BINARY_BYTES, pathsUnder, resolveImagePath } from "../image-paths.js";
import { binariesNeeding } from "../needs.js";
import { fail, pass, skip, type VerifyCheck } from "../types.js";

/** Where Go's time package looks on Linux after $ZONEINFO (zoneinfo_unix.go; /etc/zoneinfo since Go 1.21). */
export const GO_ZONEINFO_DIRS = ["/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo"];

function zoneFileCount(view: ImageView, dir: string): number {
  const resolved = resolveImagePath(view, dir);
  if (resolved?.entry?.type !== "dir") return 0;
  let count = 0;
  for (const [, entry] of pathsUnder(view, resolved.path)) if (entry.type === "file" && entry.size > 0) count++;
  return count;
}

function hasFile(view: ImageView, path: string): boolean {
  const resolved = resolveImagePath(view, path);
  return resolved?.entry?.type === "file" && resolved.entry.size > 0;
}

/**
 * time.LoadLocation's last resort, runtime.GOROOT()/lib/time/zoneinfo.zip: the zip a binary finds
 * there, with why. runtime.GOROOT() is $GOROOT when set, else the GOROOT the linker recorded, which
 * -trimpath leaves empty; the recorded one shows in the function table's file names
 * ("/usr/local/go/src/runtime/proc.go"), which -s -w keep.
 */
async function gorootZoneinfo(view: ImageView, binary: GoBinaryInImage): Promise<string | undefined> {
  const env = imageEnv(view).get("GOROOT");
  if (env) return hasFile(view, `${env}/lib/time/zoneinfo.zip`) ? `GOROOT=${env}, which has lib/time/zoneinfo.zip` : undefined;
  if (binary.info.buildInfo?.known.trimpath !== false) return undefined;
  const candidates = goroots(view).filter((root) => hasFile(view, `${root}/lib/time/zoneinfo.zip`));
  if (candidates.length === 0) return undefined;
  const bytes = await view.readFile(binary.path, MAX_GO_BINARY_BYTES);
  const recorded = candidates.find((root) => bytes?.includes(`${root}/src/runtime/`));
  return recorded === undefined ? undefined : `${recorded}/lib/time/zoneinfo.zip, through the GOROOT it was built with (no -trimpath)`;
}

export const check: VerifyCheck = {
  id: "SV007",
  name: "zoneinfo",
  title: "Time zone data is available when a binary loads named time zones",
  async run(view) {
    const needs = binariesNeeding(view, "zoneinfo");
    if (needs.length === 0) return skip("no Go binary loads named time zones (time.LoadLocation)");
    const evidence = needs.map((n) => n.evidence);
    const lacking = needs.filter((n) => !n.binary.info.runtime.zoneinfo.embeddedTzdata);
    for (const n of needs) if (n.binary.info.runtime.zoneinfo.embeddedTzdata) evidence.push(`${n.binary.path} embeds time/tzdata`);
    if (lacking.length === 0) return pass("every binary that loads time zones embeds time/tzdata", evidence);
    const zoneinfoEnv = imageEnv(view).get("ZONEINFO");
    if (zoneinfoEnv) {
      const resolved = resolveImagePath(view, zoneinfoEnv);
      const ok = resolved?.entry !== undefined && (resolved.entry.type === "dir" ? zoneFileCount(view, resolved.path) > 0 : resolved.entry.type === "file" && resolved.entry.size > 0);
      evidence.push(`ZONEINFO=${zoneinfoEnv}${ok ? "" : " (not in the image)"}`);
      if (ok) return pass(`ZONEINFO points to ${zoneinfoEnv}, which is in the image`, evidence);
    }
    for (const dir of GO_ZONEINFO_DIRS) {
      const count = zoneFileCount(view, dir);
      if (count > 0) return pass(`${count} zone files in ${dir}`, [...evidence, `${dir}: ${count} files`]);
    }
    evidence.push(`none of ${GO_ZONEINFO_DIRS.join(", ")} holds zone files`);
    const missing: GoBinaryInImage[] = [];
    for (const n of lacking) {
      const found = await gorootZoneinfo(view, n.binary);
      if (found === undefined) missing.push(n.binary);
      else evidence.push(`${n.binary.path} finds ${found}`);
    }
    if (missing.length === 0) return pass("the Go installation's lib/time/zoneinfo.zip serves every binary that loads time zones, through its GOROOT", evidence);
    const toolchainZip = goroots(view).map((root) => `${root}/lib/time/zoneinfo.zip`).find((zip) => hasFile(view, zip));
    return fail(
      `${missing.map((b) => b.path).join(", ")} load${missing.length === 1 ? "s" : ""} time zones but the image has no zoneinfo, so time.LoadLocation fails with "unknown time zone": build with -tags timetzdata (or import _ "time/tzdata"), or COPY /usr/share/zoneinfo from the build stage${toolchainZip ? ` (${toolchainZip} is in the image, but only a binary built without -trimpath, or one run with GOROOT set, looks there: ENV ZONEINFO=${toolchainZip} serves every binary)` : ""}`,
      evidence,
    );
  },
};
