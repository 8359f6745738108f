import { imageEnv, resolveImagePath } from "../image-paths.js";
import { binariesNeeding } from "../needs.js";
import { resolveImageUser, userUid } from "../users.js";
import { fail, pass, skip, type VerifyCheck } from "../types.js";

const octal = (mode: number) => mode.toString(8).padStart(4, "0");

export const check: VerifyCheck = {
  id: "SV008",
  name: "writable-tmp",
  title: "The temp directory exists and the image user can write to it when a binary makes temp files",
  async run(view) {
    const needs = binariesNeeding(view, "tempFiles");
    if (needs.length === 0) return skip("no Go binary creates temp files (os.CreateTemp, os.MkdirTemp)");
    const evidence = needs.map((n) => n.evidence);
    const tmpdirEnv = imageEnv(view).get("TMPDIR");
    const dir = tmpdirEnv || "/tmp";
    if (tmpdirEnv) evidence.push(`TMPDIR=${tmpdirEnv}`);
    const fix = `create it inside a tree in the build stage (RUN mkdir -p /rootfs/tmp && chmod 1777 /rootfs/tmp) and COPY --from=build /rootfs/ / (copying the directory itself loses mode 1777 under buildah), or point TMPDIR at a directory the user owns`;
    const resolved = resolveImagePath(view, dir);
    const entry = resolved?.entry;
    if (entry === undefined) return fail(`${dir} does not exist, so os.CreateTemp fails: ${fix}`, evidence);
    if (entry.type !== "dir") return fail(`${dir} is not a directory: ${fix}`, evidence);
    evidence.push(`${resolved!.path}: directory, mode ${octal(entry.mode)}, owner ${entry.uid}:${entry.gid}`);
    if ((entry.mode & 0o002) !== 0) return pass(`${dir} is writable by everyone (mode ${octal(entry.mode)})`, evidence);
    const uid = userUid(await resolveImageUser(view));
    if (uid === 0) return pass(`${dir} is writable by root, the image user`, evidence);
    if (uid !== undefined && entry.uid === uid && (entry.mode & 0o200) !== 0) return pass(`${dir} is owned and writable by the image user (uid ${uid})`, evidence);
    return fail(`${dir} (mode ${octal(entry.mode)}, owner ${entry.uid}) is not writable by the image user${uid === undefined ? "" : ` (uid ${uid})`}: ${fix}`, evidence);
  },
};
