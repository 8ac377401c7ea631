import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/load-config';

/**
 * The embedded database's directory is open in another process. PGlite keeps the database in
 * the memory of the process that opened it and writes it back to disk: a second process on the
 * same directory works on its own copy, and one of the two silently loses the other's writes.
 */
export class DataDirLockedError extends ConfigError {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super([
      `DATA_DIR ${dataDir} is in use by another Quorum process (pid ${ownerPid}, e.g. npm start): ` +
        'stop it first (only one process may open the embedded database), or use PostgreSQL ' +
        '(DATABASE_URL) to run several.',
    ]);
    this.name = 'DataDirLockedError';
  }
}

/** Where the owner of `dataDir` is written: beside the directory, so initdb finds it empty. */
export function dataDirLockPath(dataDir: string): string {
  return `${resolve(dataDir)}.lock`;
}

/**
 * Makes this process the one owner of the embedded database in `dataDir`: creates
 * `<dataDir>.lock` holding our pid, atomically (`wx`). A lock whose pid is no longer running
 * (a crash, a kill -9) is stale and taken over. Returns the release function; the lock is also
 * removed when the process exits.
 *
 * @throws DataDirLockedError when a live process (this one included) holds it.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const path = dataDirLockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      const release = () => {
        process.off('exit', release);
        if (ownerOf(path) === process.pid) unlinkSync(path);
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = ownerOf(path);
      if (owner !== null && isRunning(owner)) throw new DataDirLockedError(dataDir, owner);
      try {
        unlinkSync(path); // stale: its owner is gone
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
    }
  }
  throw new DataDirLockedError(dataDir, ownerOf(path) ?? -1);
}

function ownerOf(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Whether a process with `pid` exists (EPERM: it exists, under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
