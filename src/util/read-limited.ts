// Size limits checked before anything is parsed: kubeconfig files on disk and manifests passed to a tool.
import { BYTE_LIMIT_DEFAULTS } from "../config/schema.js";
import { ToolError } from "../errors.js";
import { close, fstat, open, read } from "./fs-async.js";

/** Why: a file or input over a configured limit; `code` lets file readers report it like an fs error. */
export class LimitError extends ToolError {
  readonly code = "EFBIG";
}

/**
 * Why: a huge file in the kubeconfig directory must not stall the server or exhaust its heap; this reads at
 * most `maxBytes` (+1 to notice growth during the read) and refuses anything larger before it is parsed.
 */
export async function readKubeconfigFile(
  path: string,
  maxBytes: number = BYTE_LIMIT_DEFAULTS.max_kubeconfig_bytes,
): Promise<string> {
  const fd = await open(path, "r");
  try {
    const { size } = await fstat(fd);
    const tooBig = (bytes: number): LimitError =>
      new LimitError(
        `kubeconfig ${path} is ${bytes} bytes, over the limit of ${maxBytes} bytes (setting max_kubeconfig_bytes)`,
        "raise max_kubeconfig_bytes, or remove the file from the kubeconfig directory",
      );
    if (size > maxBytes) throw tooBig(size);
    const buf = Buffer.alloc(Math.min(size, maxBytes) + 1);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await read(fd, buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got > maxBytes) throw tooBig(got);
    return buf.toString("utf8", 0, got);
  } finally {
    await close(fd);
  }
}

/** Why: the manifest limits (max_manifest_bytes, max_manifest_documents) a tool passes in. */
export interface ManifestLimits {
  max_manifest_bytes: number;
  max_manifest_documents: number;
}

// Upper bound of the YAML documents in a text: one, plus one per line starting with the `---` marker.
function documentMarkers(text: string): number {
  let n = 1;
  let at = text.startsWith("---") ? 0 : text.indexOf("\n---");
  while (at !== -1) {
    n++;
    at = text.indexOf("\n---", at + 1);
  }
  return n;
}

/** Why: 200 000 empty documents or a 100 MB manifest must be refused before the YAML parser sees them. */
export function checkManifestLimits(text: string, limits: ManifestLimits): void {
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.max_manifest_bytes)
    throw new LimitError(
      `the manifest is ${bytes} bytes, over the limit of ${limits.max_manifest_bytes} bytes (setting max_manifest_bytes)`,
      "apply it in smaller parts, or raise max_manifest_bytes",
    );
  const docs = documentMarkers(text);
  if (docs > limits.max_manifest_documents)
    throw new LimitError(
      `the manifest has ${docs} YAML documents, over the limit of ${limits.max_manifest_documents} (setting max_manifest_documents)`,
      "apply it in smaller parts, or raise max_manifest_documents",
    );
}
