// Per-MCP-session state: which cluster is active. stdio has one session, HTTP has many.

/** Why: the active cluster belongs to a session, never to the process or a kubeconfig file. */
export interface SessionState {
  readonly id: string;
  /** The cluster chosen with clusters_switch; undefined until the session switches. */
  activeCluster: string | undefined;
}

/** Why: creates sessions lazily, frees them on close, and knows each session's effective active cluster. */
export class SessionStore {
  private readonly sessions = new Map<string, SessionState>();
  constructor(private readonly defaultCluster: () => string | undefined) {}

  /** Returns the session, creating it on first use. */
  get(id: string): SessionState {
    let s = this.sessions.get(id);
    if (!s) {
      s = { id, activeCluster: undefined };
      this.sessions.set(id, s);
    }
    return s;
  }

  /** The session's switch if it made one, else the configured default as it is now (it may appear later). */
  activeOf(session: SessionState): string | undefined {
    return session.activeCluster ?? this.defaultCluster();
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
