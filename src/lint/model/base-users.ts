/**
 * The users and groups of base images whose /etc/passwd and /etc/group slimgo knows (alpine,
 * debian, ubuntu, the golang images, distroless, Chainguard, busybox), for the rules about USER
 * and --chown. Names that may exist are listed: a missing one would be a false report.
 */
import { isAlpineImage, isDistroless, isGolangImage, isScratch, type ImageRef } from "./images.js";

export interface BaseUsers {
  users: ReadonlySet<string>;
  groups: ReadonlySet<string>;
  /** The uids of users every release of the family gives the same uid, for fixes that write a uid for a name. */
  uids: ReadonlyMap<string, number>;
  /** How to create the user in this family, for messages. */
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

const NOBODY: [string, number] = ["nobody", 65534];
const family = (users: string[], groups: string[], create: string, uids: [string, number][] = [NOBODY]): BaseUsers => ({
  users: new Set(users),
  groups: new Set(groups),
  uids: new Map([["root", 0], ...uids]),
  create,
});
const ALPINE = family(ALPINE_USERS, ALPINE_GROUPS, "create the user with adduser");
const DEBIAN = family(DEBIAN_USERS, DEBIAN_GROUPS, "create the user with useradd");
const UBUNTU = family([...DEBIAN_USERS, "ubuntu"], [...DEBIAN_GROUPS, "ubuntu"], "create the user with useradd");
const MINIMAL = family(MINIMAL_USERS, [...MINIMAL_USERS, "tty", "staff"], "copy in an /etc/passwd and /etc/group that have it", [["nonroot", 65532], NOBODY]);
const BUSYBOX = family(BUSYBOX_USERS, BUSYBOX_GROUPS, "create the user with adduser");

const named = (ref: ImageRef, name: string): boolean => ref.repository === name || ref.repository.endsWith(`/${name}`);

/** The users of a stage's root image; undefined for scratch (it has none) and every image whose users slimgo does not know. */
export function baseUsersOf(ref: ImageRef): BaseUsers | undefined {
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
