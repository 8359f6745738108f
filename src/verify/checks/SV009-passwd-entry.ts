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
    if (passwd === undefined) return fail(`the image has no /etc/passwd, so user.Current() fails with "unknown userid ${uid}": ${fix}`, evidence);
    const entry = passwd.find((e) => e.uid === uid);
    if (entry === undefined) return fail(`/etc/passwd has no entry for uid ${uid}, so user.Current() fails: ${fix}`, evidence);
    return pass(`/etc/passwd:${entry.line} lists uid ${uid} as ${entry.name}`, [...evidence, `/etc/passwd:${entry.line} ${entry.name}:x:${entry.uid}:${entry.gid}:…:${entry.home}:${entry.shell}`]);
  },
};
