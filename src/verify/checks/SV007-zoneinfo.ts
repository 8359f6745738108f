import type { ImageView } from "../image-view.js";
import { imageEnv, pathsUnder, resolveImagePath } from "../image-paths.js";
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
    return fail(
      `${lacking.map((n) => n.binary.path).join(", ")} load${lacking.length === 1 ? "s" : ""} time zones but the image has no zoneinfo, so time.LoadLocation fails with "unknown time zone": build with -tags timetzdata (or import _ "time/tzdata"), or COPY /usr/share/zoneinfo from the build stage`,
      evidence,
    );
  },
};
