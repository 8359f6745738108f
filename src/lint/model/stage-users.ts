/**
 * The users and groups a stage's image has, where slimgo can tell: those of its base image
 * (base-users.ts) and the names its RUNs may add by installing packages. For SG218, which reports a
 * name the image lacks, and SG221, which leaves such a name to SG218.
 */
import { lookupAt } from "./build.js";
import { baseUsersOf, type BaseUsers } from "./base-users.js";
import { unwrapCommand } from "./command-wrappers.js";
import { stageChain, stageCopies } from "./queries.js";
import type { DockerfileModel, InstructionModel, StageModel } from "./types.js";
import { expand } from "./variables.js";

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

export interface StageUsers {
  base: BaseUsers;
  /** Whether the stage may have added this name (a package of that name installed). */
  added: (name: string) => boolean;
  /** The stage at the root of its FROM chain, whose image the base users are of. */
  root: StageModel;
}

/**
 * The users of a stage's image, or undefined when they are not known: the base image is chosen at
 * build time (`FROM $BASE`, whose default --build-arg may replace), slimgo does not know its family,
 * or the stage creates users or copies in an /etc/passwd.
 */
export function knownStageUsers(model: DockerfileModel, stage: StageModel): StageUsers | undefined {
  const chain = stageChain(stage);
  const root = chain[chain.length - 1] ?? stage;
  if (/^[^:@]*\$/.test(root.image) || expand(root.image, lookupAt(model, root.from), model.escape).unknown) return undefined;
  const base = baseUsersOf(root.imageRef);
  if (!base) return undefined;
  const added = addedNames(stage);
  return added === null ? undefined : { base, added, root };
}

/** Whether the stage's image is known to lack a user of this name (SG218 reports it). */
export function lacksUser(model: DockerfileModel, stage: StageModel, name: string): boolean {
  const users = knownStageUsers(model, stage);
  return users !== undefined && !users.base.users.has(name) && !users.added(name);
}
