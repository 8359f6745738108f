import { resolveImageUser } from "../users.js";
import { fail, pass, type VerifyCheck } from "../types.js";

const FIX = "set USER to a non-root numeric uid, e.g. USER 65532:65532";

export const check: VerifyCheck = {
  id: "SV005",
  name: "non-root-user",
  title: "The container runs as a non-root user, given as a number",
  async run(view) {
    const user = await resolveImageUser(view);
    switch (user.kind) {
      case "default":
        return fail(`no USER in the image config, so the container runs as root: ${FIX}`, ["User is empty"]);
      case "unknown-name": {
        const why = user.passwdExists ? "/etc/passwd has no entry for it" : "the image has no /etc/passwd";
        return fail(`USER ${user.name} cannot be resolved (${why}), so the runtime refuses to start the container: ${FIX}`, [`User "${user.spec}"`]);
      }
      case "numeric":
      case "named": {
        const evidence = [`User "${user.spec}" → uid ${user.uid}${user.entry ? ` (/etc/passwd:${user.entry.line} ${user.entry.name})` : ""}`];
        if (user.unknownGroup !== undefined) {
          const why = user.unknownGroup.groupFileExists ? "/etc/group has no entry for it" : "the image has no /etc/group";
          return fail(`USER ${user.spec} names group ${user.unknownGroup.name}, which cannot be resolved (${why}), so the runtime refuses to start the container: give the group as a number (USER ${user.uid}:GID), or add it to /etc/group`, evidence);
        }
        if (user.uid === 0) return fail(`USER ${user.spec} is root (uid 0): ${FIX}`, evidence);
        if (user.kind === "named") {
          const numeric = [String(user.uid), ...user.spec.split(":").slice(1)].join(":");
          return fail(`USER ${user.spec} runs as uid ${user.uid} but names the user, so Kubernetes with runAsNonRoot: true cannot verify it is not root and refuses to start the container: set USER ${numeric}`, evidence);
        }
        return pass(`runs as uid ${user.uid}`, evidence);
      }
    }
  },
};
