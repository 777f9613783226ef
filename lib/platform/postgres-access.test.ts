import { describe, expect, it } from "vitest";
import { canPassThrough, firstBlockedFolder, foldersFromRoot, type Account, type FolderOwnership } from "./postgres-access";

const postgres: Account = { name: "postgres", uid: 101, gid: 104, gids: [104, 103] };
const ROOT = 0;

/** A file system of folders by path, as `stat` would describe them. */
function folders(entries: Record<string, FolderOwnership>) {
  return async (folder: string) => {
    const found = entries[folder];
    if (!found) throw Object.assign(new Error(`ENOENT: ${folder}`), { code: "ENOENT" });
    return found;
  };
}

describe("whether PostgreSQL's account can pass through a folder", () => {
  it("reads the owner's, the group's or everyone's search bit, whichever applies", () => {
    expect(canPassThrough({ uid: ROOT, gid: ROOT, mode: 0o40700 }, postgres)).toBe(false);
    expect(canPassThrough({ uid: ROOT, gid: ROOT, mode: 0o40711 }, postgres)).toBe(true);
    expect(canPassThrough({ uid: ROOT, gid: 103, mode: 0o40750 }, postgres)).toBe(true);
    expect(canPassThrough({ uid: ROOT, gid: 103, mode: 0o40705 }, postgres)).toBe(false);
    expect(canPassThrough({ uid: 101, gid: ROOT, mode: 0o40700 }, postgres)).toBe(true);
    // Owner bits decide for the owner even when others may pass.
    expect(canPassThrough({ uid: 101, gid: ROOT, mode: 0o40077 }, postgres)).toBe(false);
  });

  it("lets root through anything", () => {
    expect(canPassThrough({ uid: 1000, gid: 1000, mode: 0o40700 }, { name: "root", uid: ROOT, gid: ROOT, gids: [ROOT] })).toBe(true);
  });

  it("walks from / down to the folder itself", () => {
    expect(foldersFromRoot("/root/app/.data/postgres")).toEqual(["/", "/root", "/root/app", "/root/app/.data", "/root/app/.data/postgres"]);
    expect(foldersFromRoot("/")).toEqual(["/"]);
  });
});

describe("the first folder on the way that blocks PostgreSQL", () => {
  const open = { uid: ROOT, gid: ROOT, mode: 0o40755 };

  it("finds root's 0700 home above a clone in it (the `git clone` into /root case)", async () => {
    const stat = folders({ "/": open, "/root": { uid: ROOT, gid: ROOT, mode: 0o40700 }, "/root/app": open, "/root/app/.data": open });
    expect(await firstBlockedFolder("/root/app/.data", postgres, stat)).toBe("/root");
  });

  it("finds a 0700 folder from `mktemp -d` deeper down", async () => {
    const stat = folders({ "/": open, "/tmp": { uid: ROOT, gid: ROOT, mode: 0o41777 }, "/tmp/tmp.x1": { uid: ROOT, gid: ROOT, mode: 0o40700 }, "/tmp/tmp.x1/app": open });
    expect(await firstBlockedFolder("/tmp/tmp.x1/app", postgres, stat)).toBe("/tmp/tmp.x1");
  });

  it("answers null for a checkout in a home folder others may enter", async () => {
    const stat = folders({ "/": open, "/home": open, "/home/dev": { uid: 1000, gid: 1000, mode: 0o40751 }, "/home/dev/app": open });
    expect(await firstBlockedFolder("/home/dev/app", postgres, stat)).toBeNull();
  });

  it("skips folders that do not exist yet (whoever makes them sets their mode)", async () => {
    const stat = folders({ "/": open, "/srv": open });
    expect(await firstBlockedFolder("/srv/app/.data/throwaway", postgres, stat)).toBeNull();
  });
});
