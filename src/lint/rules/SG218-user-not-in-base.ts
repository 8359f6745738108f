import { lookupAt } from "../model/build.js";
import { unwrapCommand } from "../model/command-wrappers.js";
import { isAlpineImage, isDistroless, isGolangImage, isScratch, type ImageRef } from "../model/images.js";
import { rootImage, stageChain, stageCopies, userSpec } from "../model/queries.js";
import type { InstructionModel, StageModel } from "../model/types.js";
import { expand } from "../model/variables.js";
import type { Fix, Rule } from "../types.js";

/** A base image family whose /etc/passwd and /etc/group slimgo knows. Names that may exist are listed: a missing one is a false report. */
interface Family {
  users: ReadonlySet<string>;
  groups: ReadonlySet<string>;
  /** How to create the user in this family, for the message. */
  create: string;
}

const ALPINE_USERS = ["root", "bin", "daemon", "adm", "lp", "sync", "shutdown", "halt", "mail", "news", "uucp", "operator", "man", "postmaster", "cron", "ftp", "sshd", "at", "squid", "xfs", "games", "cyrus", "vpopmail", "ntp", "smmsp", "guest", "nobody"];
/** alpine-baselayout's /etc/group, old releases included. */
const ALPINE_GROUPS = ["root", "bin", "daemon", "sys", "adm", "tty", "disk", "lp", "mem", "kmem", "wheel", "floppy", "mail", "news", "uucp", "man", "cron", "console", "audio", "cdrom", "dialout", "ftp", "sshd", "input", "at", "tape", "video", "netdev", "readproc", "squid", "xfs", "kvm", "games", "shadow", "cdrw", "www-data", "usb", "vpopmail", "users", "ntp", "nofiles", "smmsp", "locate", "abuild", "utmp", "ping", "nogroup", "nobody"];
const DEBIAN_USERS = ["root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "www-data", "backup", "list", "irc", "gnats", "nobody", "_apt", "messagebus"];
/** base-passwd's group.master, plus the groups of the users above. */
const DEBIAN_GROUPS = [...DEBIAN_USERS, "adm", "tty", "disk", "kmem", "dialout", "fax", "voice", "cdrom", "floppy", "tape", "sudo", "audio", "dip", "backup", "operator", "src", "shadow", "utmp", "video", "sasl", "plugdev", "staff", "users", "nogroup", "_ssh", "crontab", "netdev", "systemd-journal"];
const MINIMAL_USERS = ["root", "nonroot", "nobody"];
const BUSYBOX_USERS = ["root", "daemon", "bin", "sys", "sync", "mail", "www-data", "operator", "nobody"];
const BUSYBOX_GROUPS = [...BUSYBOX_USERS, "adm", "tty", "disk", "lp", "kmem", "wheel", "cdrom", "dialout", "floppy", "video", "audio", "tape", "utmp", "plugdev", "staff", "lock", "netdev", "users", "nogroup"];

const family = (users: string[], groups: string[], create: string): Family => ({ users: new Set(users), groups: new Set(groups), create });
const ALPINE = family(ALPINE_USERS, ALPINE_GROUPS, "create the user with adduser");
const DEBIAN = family(DEBIAN_USERS, DEBIAN_GROUPS, "create the user with useradd");
const UBUNTU = family([...DEBIAN_USERS, "ubuntu"], [...DEBIAN_GROUPS, "ubuntu"], "create the user with useradd");
const MINIMAL = family(MINIMAL_USERS, [...MINIMAL_USERS, "tty", "staff"], "copy in an /etc/passwd and /etc/group that have it");
const BUSYBOX = family(BUSYBOX_USERS, BUSYBOX_GROUPS, "create the user with adduser");

const named = (ref: ImageRef, name: string): boolean => ref.repository === name || ref.repository.endsWith(`/${name}`);

/** The family of a stage's root image; undefined for scratch (SG107's) and every image whose users slimgo does not know. */
function familyOf(ref: ImageRef): Family | undefined {
  if (isScratch(ref)) return undefined;
  if (isDistroless(ref)) return MINIMAL;
  if (ref.repository.startsWith("chainguard/") && (ref.registry === "cgr.dev" || ref.registry === undefined || ref.registry === "docker.io")) return MINIMAL;
  const golang = isGolangImage(ref) && !ref.repository.startsWith("chainguard/");
  // node:20-alpine or nginx:alpine have users of their own: only alpine itself and the golang images count.
  if (isAlpineImage(ref) && (named(ref, "alpine") || golang)) return ALPINE;
  if (named(ref, "ubuntu")) return UBUNTU;
  if (named(ref, "debian")) return DEBIAN;
  if (golang && !/windowsservercore|nanoserver/.test(ref.tag ?? "")) return DEBIAN;
  if (named(ref, "busybox")) return BUSYBOX;
  return undefined;
}

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
      const fam = familyOf(rootImage(stage));
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
