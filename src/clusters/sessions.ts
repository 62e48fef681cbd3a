// Per-MCP-session state: which cluster is active. stdio has one session, HTTP has many.

/** Why: the active cluster belongs to a session, never to the process or a kubeconfig file. */
export interface SessionState {
  readonly id: string;
  activeCluster: string | undefined;
  lastSeen: number;
}

/** Why: creates sessions lazily with the configured initial cluster and frees them on close. */
export class SessionStore {
  private readonly sessions = new Map<string, SessionState>();
  constructor(private readonly initialCluster: () => string | undefined) {}

  /** Returns the session, creating it on first use. */
  get(id: string): SessionState {
    let s = this.sessions.get(id);
    if (!s) {
      s = { id, activeCluster: this.initialCluster(), lastSeen: Date.now() };
      this.sessions.set(id, s);
    }
    s.lastSeen = Date.now();
    return s;
  }

  /** Forgets a session (HTTP DELETE or idle timeout). */
  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** How many sessions are live (for status and tests). */
  get size(): number {
    return this.sessions.size;
  }
}
