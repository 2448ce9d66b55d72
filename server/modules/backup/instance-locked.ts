// The refusal alone, without the lock's SQLite: the CLI entry point names it on every run.

/** Who holds a data directory: a serving process, or a restore in progress. */
export interface LockOwner {
  pid: number;
  /** In a container the hostname is the container's id, which tells two PID 1s apart. */
  host: string;
  purpose: string;
  since: number;
}

export class InstanceLocked extends Error {
  constructor(readonly owner: LockOwner | null) {
    super(
      owner
        ? `the data directory is in use by another Kefu process (${owner.purpose}, pid ${owner.pid} on ${owner.host})`
        : 'the data directory is in use by another Kefu process',
    );
    this.name = 'InstanceLocked';
  }
}
