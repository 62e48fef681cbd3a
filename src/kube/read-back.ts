// One read after a create or delete whose outcome is unknown, turning "may have been made" into a definite answer.
import type { KubeResponse } from "./client.js";
import { KubeError, type WriteEffect } from "./errors.js";

type Obj = Record<string, unknown>;

/** Why: the write was made after all: what to tell the agent, and the object read back (for a create). */
export interface Made {
  note: string;
  object?: Obj;
}

// The note a made write carries: what was lost, and what the one read found.
function made(err: KubeError, finding: string, object?: Obj): Made {
  return { note: `its answer was lost (${err.plain}); read back once: ${finding}`, object };
}

/** Why: what the read-back needs of the scoped client: one GET of the object, error statuses returned. */
export type ReadObject = () => Promise<KubeResponse>;

// Second-precision server clocks on both sides (Date header, creationTimestamp): one second of slack.
const CLOCK_SLACK_MS = 1000;

function meta(body: string): { created?: number; deleting: boolean; managers: string[]; object: Obj } {
  const o = JSON.parse(body) as { metadata?: Obj };
  const m = o.metadata ?? {};
  const created = typeof m.creationTimestamp === "string" ? Date.parse(m.creationTimestamp) : undefined;
  const managers = Array.isArray(m.managedFields)
    ? (m.managedFields as Obj[]).map((f) => String(f.manager ?? ""))
    : [];
  return { created, deleting: typeof m.deletionTimestamp === "string", managers, object: o };
}

// Created after the call began, on the API server's clock (its Date header now, minus the call's age so far).
function createdDuringCall(res: KubeResponse, created: number | undefined, ageMs: number): boolean {
  const now = Date.parse(String(res.headers.date ?? ""));
  if (created === undefined || Number.isNaN(now)) return false;
  return created >= now - ageMs - CLOCK_SLACK_MS;
}

function settled(err: KubeError, effect: WriteEffect, finding: string, hint: string): KubeError {
  return new KubeError(err.kind, `${err.plain}; read back once: ${finding}`, err.status, err.reason, {
    effect,
    plain: err.plain,
    hint,
  });
}

// The read-back failed too: the outcome stays unknown, and the answer says the check was tried.
function stillUnknown(err: KubeError, e: unknown): KubeError {
  const why = e instanceof Error ? e.message : String(e);
  return new KubeError(
    err.kind,
    `${err.message}; reading it back failed too (${why})`,
    err.status,
    err.reason,
    {
      effect: "unknown",
      plain: err.plain,
      hint: err.hint,
    },
  );
}

/** Why: the object a create lost the answer to: absent means not created; present and new means created by it. */
export async function confirmCreate(
  err: KubeError,
  what: string,
  fieldManager: string,
  ageMs: () => number,
  read: ReadObject,
): Promise<KubeError | Made> {
  try {
    const res = await read();
    if (res.status === 404)
      return settled(err, "not-applied", `${what} does not exist, so it was not created`, "retry the call");
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    const m = meta(res.body);
    if (createdDuringCall(res, m.created, ageMs()) && m.managers.includes(fieldManager))
      return made(
        err,
        `${what} exists, created during this call by field manager "${fieldManager}", so it was created`,
        m.object,
      );
    return settled(
      err,
      "not-applied",
      `${what} exists but was not created by this call (created earlier, or by another field manager)`,
      "choose another name, or delete the existing object first",
    );
  } catch (e) {
    return stillUnknown(err, e);
  }
}

/** Why: the object a delete lost the answer to: gone or going means deleted; the same old object means not. */
export async function confirmDelete(
  err: KubeError,
  what: string,
  ageMs: () => number,
  read: ReadObject,
): Promise<KubeError | Made> {
  try {
    const res = await read();
    if (res.status === 404) return made(err, `${what} no longer exists, so it was deleted`);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    const m = meta(res.body);
    if (m.deleting)
      return made(err, `${what} is being deleted (deletionTimestamp set), so the delete was made`);
    if (createdDuringCall(res, m.created, ageMs()))
      return made(
        err,
        `${what} exists but was created during this call (re-created by its controller?), so the old one was deleted`,
      );
    return settled(
      err,
      "not-applied",
      `${what} still exists, unchanged, so it was not deleted`,
      "retry the call",
    );
  } catch (e) {
    return stillUnknown(err, e);
  }
}
