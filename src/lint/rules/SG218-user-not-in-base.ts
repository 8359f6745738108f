import { lookupAt } from "../model/build.js";
import { knownStageUsers } from "../model/stage-users.js";
import { userSpec } from "../model/queries.js";
import { expand } from "../model/variables.js";
import type { Fix, Rule } from "../types.js";

const NONROOT_UID = "65532";

/**
 * USER nonroot[:nonroot] or --chown=nonroot[:nonroot] written literally: the name becomes 65532 in
 * place. A USER without a group gets 65532 as its group too: a uid with no passwd entry runs in group
 * 0 (root), while --chown with a uid alone already gives the file that uid as its group.
 */
function nonrootFix(text: string, start: number, spec: string, isUser: boolean): Fix | undefined {
  if (text.slice(start, start + spec.length) !== spec || !/^[\w.-]+(:[\w.-]+)?$/.test(spec)) return undefined;
  const parts = spec.split(":").map((p) => (p === "nonroot" ? NONROOT_UID : p));
  if (isUser && parts.length === 1 && parts[0] === NONROOT_UID) parts.push(NONROOT_UID);
  return { description: `replace nonroot with ${NONROOT_UID}`, edits: [{ start, end: start + spec.length, text: parts.join(":") }] };
}

export const rule: Rule = {
  meta: {
    id: "SG218",
    name: "user-not-in-base",
    severity: "warning",
    description: "A named USER or --chown=name that the stage's base image (alpine, debian, ubuntu, golang, distroless, Chainguard, busybox) has no /etc/passwd or /etc/group entry for.",
    docs: "docs/rules/SG218.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      const users = knownStageUsers(model, stage);
      if (!users) continue;
      const { base: fam, added, root } = users;
      for (const ins of stage.instructions) {
        const found = userSpec(model, ins);
        if (found === undefined) continue;
        const { spec, start: specStart } = found;
        const e = expand(spec, lookupAt(model, ins), model.escape);
        if (e.unknown) continue;
        const [user = "", group = ""] = e.value.split(":");
        const missingUser = user !== "" && !/^\d+$/.test(user) && !fam.users.has(user) && !added(user) ? user : undefined;
        const missingGroup = group !== "" && !/^\d+$/.test(group) && !fam.groups.has(group) && !added(group) ? group : undefined;
        if (missingUser === undefined && missingGroup === undefined) continue;
        const what = [
          ...(missingUser !== undefined ? [`no user "${missingUser}" in /etc/passwd`] : []),
          ...(missingGroup !== undefined ? [`no group "${missingGroup}" in /etc/group`] : []),
        ].join(" and ");
        const written = ins.keyword === "USER" ? `USER ${e.value}` : `--chown=${e.value}`;
        const consequence = ins.keyword === "USER" ? "so the container fails to start" : "so the build fails";
        const fixable = [missingUser, missingGroup].every((n) => n === undefined || n === "nonroot") && specStart !== undefined;
        const fix = fixable ? nonrootFix(model.text, specStart as number, spec, ins.keyword === "USER") : undefined;
        ctx.report({
          at: ins,
          message: `${written}: ${root.resolvedImage} has ${what}, ${consequence}: use a numeric uid:gid such as 65532:65532, or ${fam.create}`,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
};
