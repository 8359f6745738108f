/**
 * The image user as the runtime resolves it: `USER name[:group]` or `uid[:gid]`, names looked up
 * in the image's own /etc/passwd. Hand-written: the passwd format is seven colon-separated fields.
 */
import type { ImageView } from "./image-view.js";
import { readImageFile } from "./image-paths.js";

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  line: number;
}

/** /etc/passwd is read up to this size; real ones are a few kilobytes. */
const MAX_PASSWD_BYTES = 1024 * 1024;

export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const fields = line.split(":");
    if (fields.length < 7) return;
    const [name, , uid, gid, , home, shell] = fields as [string, string, string, string, string, string, string];
    if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid)) return;
    entries.push({ name, uid: Number(uid), gid: Number(gid), home, shell, line: index + 1 });
  });
  return entries;
}

/** The image's /etc/passwd entries; undefined when the image has no /etc/passwd. */
export async function readPasswd(view: ImageView): Promise<PasswdEntry[] | undefined> {
  const data = await readImageFile(view, "/etc/passwd", MAX_PASSWD_BYTES);
  return data === undefined ? undefined : parsePasswd(data.toString("utf8"));
}

/** A group USER names (`uid:name`) that the image's /etc/group does not list: the runtime refuses to start the container. */
export interface UnknownGroup {
  name: string;
  groupFileExists: boolean;
}

export type ImageUser =
  /** No USER: the runtime's default, root. */
  | { kind: "default"; spec: ""; uid: 0 }
  | { kind: "numeric"; spec: string; uid: number; entry?: PasswdEntry; unknownGroup?: UnknownGroup }
  | { kind: "named"; spec: string; name: string; uid: number; entry: PasswdEntry; unknownGroup?: UnknownGroup }
  /** A name the image's /etc/passwd does not list: the runtime refuses to start the container. */
  | { kind: "unknown-name"; spec: string; name: string; passwdExists: boolean };

/** Resolves the config's User field against the image's /etc/passwd. */
export async function resolveImageUser(view: ImageView): Promise<ImageUser> {
  const spec = (view.config.User ?? "").trim();
  if (spec === "") return { kind: "default", spec: "", uid: 0 };
  const [userPart = "", groupPart] = spec.split(":");
  const passwd = await readPasswd(view);
  if (/^\d+$/.test(userPart)) {
    const uid = Number(userPart);
    const entry = passwd?.find((e) => e.uid === uid);
    const unknownGroup = await findUnknownGroup(view, groupPart);
    return { kind: "numeric", spec, uid, ...(entry === undefined ? {} : { entry }), ...(unknownGroup === undefined ? {} : { unknownGroup }) };
  }
  const entry = passwd?.find((e) => e.name === userPart);
  if (entry === undefined) return { kind: "unknown-name", spec, name: userPart, passwdExists: passwd !== undefined };
  const unknownGroup = await findUnknownGroup(view, groupPart);
  return { kind: "named", spec, name: userPart, uid: entry.uid, entry, ...(unknownGroup === undefined ? {} : { unknownGroup }) };
}

/** USER's group part when it is a name the image's /etc/group lacks (runc and crun then refuse to start). */
async function findUnknownGroup(view: ImageView, groupPart: string | undefined): Promise<UnknownGroup | undefined> {
  if (groupPart === undefined || groupPart === "" || /^\d+$/.test(groupPart)) return undefined;
  const data = await readImageFile(view, "/etc/group", MAX_PASSWD_BYTES);
  if (data !== undefined && parseGroup(data.toString("utf8")).some((g) => g.name === groupPart)) return undefined;
  return { name: groupPart, groupFileExists: data !== undefined };
}

/** The uid the container process runs as, when it can be known. */
export function userUid(user: ImageUser): number | undefined {
  return user.kind === "unknown-name" ? undefined : user.uid;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parseGroup(text: string): GroupEntry[] {
  const entries: GroupEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [name, , gid, members = ""] = line.split(":");
    if (name === undefined || gid === undefined || !/^\d+$/.test(gid)) continue;
    entries.push({ name, gid: Number(gid), members: members.split(",").filter(Boolean) });
  }
  return entries;
}

/** The uid and groups the container's process runs with, and how to name them in a message. */
export interface Credentials {
  uid: number;
  /** The primary gid first, then supplementary groups. */
  gids: number[];
  /** e.g. `65532:65532 (uid 65532, gid 65532)`, `root (no USER)`. */
  shown: string;
}

/**
 * The process credentials as runc and crun derive them from USER: a name through /etc/passwd; the
 * group from USER's group part (a number, or a name through /etc/group), else the passwd entry's gid,
 * else 0; supplementary groups from /etc/group membership when USER names no group. Undefined when
 * the runtime could not resolve USER (SV005 says so).
 */
export async function imageCredentials(view: ImageView): Promise<Credentials | undefined> {
  const user = await resolveImageUser(view);
  if (user.kind === "unknown-name" || (user.kind !== "default" && user.unknownGroup !== undefined)) return undefined;
  if (user.kind === "default") return { uid: 0, gids: [0], shown: "root (no USER)" };
  const groupPart = user.spec.split(":")[1];
  const groupData = await readImageFile(view, "/etc/group", MAX_PASSWD_BYTES);
  const groups = groupData === undefined ? [] : parseGroup(groupData.toString("utf8"));
  let gid = user.entry?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== "") {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const named = groups.find((g) => g.name === groupPart);
      if (named === undefined) return undefined;
      gid = named.gid;
    }
  }
  const supplementary =
    groupPart === undefined && user.entry !== undefined ? groups.filter((g) => g.members.includes(user.entry!.name)).map((g) => g.gid) : [];
  return { uid: user.uid, gids: [...new Set([gid, ...supplementary])], shown: `${user.spec} (uid ${user.uid}, gid ${gid})` };
}
