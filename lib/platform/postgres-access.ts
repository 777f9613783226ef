// Whether the operating-system account PostgreSQL runs as can reach a folder. As root, the
// embedded PostgreSQL runs as a `postgres` user (PostgreSQL refuses root), and that user must be
// able to pass through every folder above its programs and its data: a checkout in root's home
// (mode 0700) or in `mktemp -d` is out of its reach.
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

/** `gid` is the primary group; `gids` every group the account is in. */
export type Account = { name: string; uid: number; gid: number; gids: readonly number[] };
export type FolderOwnership = { uid: number; gid: number; mode: number };

const run = promisify(execFile);

/**
 * Whether `account` may pass through (search, the `x` bit) a folder: as its owner, through one of
 * its groups, or as anyone else, exactly as the kernel decides for a folder without ACLs.
 */
export function canPassThrough(folder: FolderOwnership, account: Account): boolean {
  if (account.uid === 0) return true;
  if (folder.uid === account.uid) return (folder.mode & 0o100) !== 0;
  if (account.gids.includes(folder.gid)) return (folder.mode & 0o010) !== 0;
  return (folder.mode & 0o001) !== 0;
}

/** `target` and every folder above it, the root first. */
export function foldersFromRoot(target: string): string[] {
  const folders: string[] = [];
  for (let current = path.resolve(target); ; current = path.dirname(current)) {
    folders.unshift(current);
    if (path.dirname(current) === current) return folders;
  }
}

/**
 * The first folder on the way to `target` (itself included) that `account` cannot pass through,
 * or null when it can reach it. Folders that do not exist yet are skipped: whoever creates them
 * decides their mode.
 */
export async function firstBlockedFolder(
  target: string,
  account: Account,
  statFolder: (folder: string) => Promise<FolderOwnership> = stat,
): Promise<string | null> {
  for (const folder of foldersFromRoot(target)) {
    let ownership: FolderOwnership;
    try {
      ownership = await statFolder(folder);
    } catch {
      continue;
    }
    if (!canPassThrough(ownership, account)) return folder;
  }
  return null;
}

/** The account's uid and groups, or null when there is no such user. */
export async function lookUpAccount(name: string): Promise<Account | null> {
  try {
    const [uid, gid, groups] = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name]), run("id", ["-G", name])]);
    const number = (output: { stdout: string }) => Number(output.stdout.trim());
    return { name, uid: number(uid), gid: number(gid), gids: groups.stdout.trim().split(/\s+/).map(Number) };
  } catch {
    return null;
  }
}
