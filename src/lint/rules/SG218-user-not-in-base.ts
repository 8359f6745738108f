import { lookupAt } from "../model/build.js";
import { unwrapCommand } from "../model/command-wrappers.js";
import { baseUsersOf } from "../model/base-users.js";
import { rootImage, stageChain, stageCopies, userSpec } from "../model/queries.js";
import type { InstructionModel, StageModel } from "../model/types.js";
import { expand } from "../model/variables.js";
import type { Fix, Rule } from "../types.js";

const CREATES_USERS = new Set(["adduser", "useradd", "addgroup", "groupadd", "newusers"]);
const PASSWD_FILE = /(^|\/)etc\/(passwd|group)\b/;

/** A RUN that creates users or writes /etc/passwd or /etc/group, in its commands, their words or its heredocs. */
function runCreatesUsers(ins: InstructionModel): boolean {
  if (ins.keyword !== "RUN") return false;
  for (const c of ins.commands) {
    if (c.words.some((w) => CREATES_USERS.has(w.value.split("/").pop() ?? "") || PASSWD_FILE.test(w.value))) return true;
  }
  return ins.heredocs.some((h) => PASSWD_FILE.test(h.content) || /\b(adduser|useradd|addgroup|groupadd)\b/.test(h.content)) || ins.args.some((a) => PASSWD_FILE.test(a));
}

/** Packages a RUN installs (apk add, apt-get/apt install, dnf/yum/microdnf install), versions taken off. */
function installedPackages(ins: InstructionModel): string[] {
  if (ins.keyword !== "RUN") return [];
  const out: string[] = [];
  for (const c of ins.commands) {
    const v = unwrapCommand(c).words.map((w) => w.value);
    const tool = v[0]?.split("/").pop() ?? "";
    const sub = v.slice(1).find((a) => !a.startsWith("-"));
    const installs = (tool === "apk" && sub === "add") || (["apt-get", "apt", "dnf", "yum", "microdnf"].includes(tool) && sub === "install");
    if (!installs) continue;
    for (const a of v.slice(v.indexOf(sub as string) + 1)) if (!a.startsWith("-") && /^[a-z0-9]/.test(a)) out.push(a.replace(/[=<>~].*$/, ""));
  }
  return out;
}

/**
 * Names the stage's chain may have added to /etc/passwd: every name when it creates users or copies a
 * passwd in (null), else the names of installed packages, which often create a user of their name
 * (nginx, redis, postgresql → postgres).
 */
function addedNames(stage: StageModel): null | ((name: string) => boolean) {
  if (stageCopies(stage, (p) => /(^|\/)etc\/(passwd|group)$|^\/etc\/?$/.test(p))) return null;
  const chain = stageChain(stage);
  if (chain.some((s) => s.instructions.some(runCreatesUsers))) return null;
  const packages = chain.flatMap((s) => s.instructions.flatMap(installedPackages));
  return (name) => packages.some((p) => p === name || (name.length >= 3 && p.startsWith(name)));
}

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
      const chain = stageChain(stage);
      const root = chain[chain.length - 1] ?? stage;
      // FROM $BASE: the image, and so its users, is chosen at build time.
      if (/^[^:@]*\$/.test(root.image) || expand(root.image, lookupAt(model, root.from), model.escape).unknown) continue;
      const fam = baseUsersOf(rootImage(stage));
      if (!fam) continue;
      const added = addedNames(stage);
      if (added === null) continue;
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
