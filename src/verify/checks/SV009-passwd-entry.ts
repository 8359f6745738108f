import { binariesNeeding } from "../needs.js";
import { readPasswd, resolveImageUser, userUid } from "../users.js";
import { fail, pass, skip, type VerifyCheck } from "../types.js";

export const check: VerifyCheck = {
  id: "SV009",
  name: "passwd-entry",
  title: "/etc/passwd has an entry for the image user when a binary uses os/user",
  async run(view) {
    const needs = binariesNeeding(view, "osUser");
    if (needs.length === 0) return skip("no Go binary uses os/user");
    const evidence = needs.map((n) => n.evidence);
    const fix = "COPY an /etc/passwd with a line for the user (e.g. nonroot:x:65532:65532::/home/nonroot:/sbin/nologin) into the image";
    const uid = userUid(await resolveImageUser(view));
    if (uid === undefined) return fail(`USER ${view.config.User} has no /etc/passwd entry: ${fix}`, evidence);
    const passwd = await readPasswd(view);
    const fails = currentFails(needs.map((n) => n.binary.info.runtime.osUser.lookup));
    if (passwd === undefined) return fail(`the image has no /etc/passwd, so ${fails}: ${fix}`, evidence);
    const entry = passwd.find((e) => e.uid === uid);
    if (entry === undefined) return fail(`/etc/passwd has no entry for uid ${uid}, so ${fails}: ${fix}`, evidence);
    return pass(`/etc/passwd:${entry.line} lists uid ${uid} as ${entry.name}`, [...evidence, `/etc/passwd:${entry.line} ${entry.name}:x:${entry.uid}:${entry.gid}:…:${entry.home}:${entry.shell}`]);
  },
};

/**
 * What user.Current() does without a passwd entry. Go's pure lookup (CGO_ENABLED=0) falls back to $USER
 * and $HOME and, with no $USER (runtimes set only HOME), returns the error quoted here (seen with Go 1.19
 * in a scratch image); the cgo lookup gets nothing from libc's getpwuid_r.
 */
function currentFails(lookups: readonly string[]): string {
  if (lookups.every((l) => l === "pure")) return 'user.Current() fails with "user: Current requires cgo or $USER set in environment" unless the container sets $USER';
  return "user.Current() finds no user and fails";
}
