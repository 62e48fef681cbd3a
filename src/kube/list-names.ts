// Names and namespaces of a list page from the apiserver's metadata-only list: Kubernetes' protobuf encoding
// (read field by field, everything else skipped) or its JSON fallback (custom resources have no protobuf).

/** Why: what an all-namespace table needs besides its rows: which namespace each row's object is in. */
export interface NameList {
  resourceVersion: string;
  continue: string;
  items: { name: string; namespace: string }[];
}

/** Why: asks for metadata only, protobuf first; the JSON form is what the server sends when it has no protobuf. */
export const METADATA_LIST_ACCEPT =
  "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1," +
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0": the envelope of every Kubernetes protobuf body

// Walks one protobuf message, calling `on` for each length-delimited field with its bounds; varints and the
// fixed-size wire types are skipped. Throws on a malformed or truncated message.
function scan(
  buf: Buffer,
  start: number,
  end: number,
  on: (field: number, from: number, to: number) => void,
): void {
  let at = start;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= end) throw new Error("truncated varint");
      const b = buf[at++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new Error("varint too long");
  };
  while (at < end) {
    const key = varint();
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 2) {
      const len = varint();
      if (at + len > end) throw new Error("field runs past the message");
      on(Math.floor(key / 8), at, at + len);
      at += len;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  if (at !== end) throw new Error("field runs past the message");
}

// PartialObjectMetadataList: metadata (ListMeta: resourceVersion = 2, continue = 3) = 1; items = 2, each a
// PartialObjectMetadata whose metadata (ObjectMeta: name = 1, namespace = 3) = 1.
function decodeList(buf: Buffer, start: number, end: number): NameList {
  const out: NameList = { resourceVersion: "", continue: "", items: [] };
  scan(buf, start, end, (f, from, to) => {
    if (f === 1)
      scan(buf, from, to, (lf, a, b) => {
        if (lf === 2) out.resourceVersion = buf.toString("utf8", a, b);
        else if (lf === 3) out.continue = buf.toString("utf8", a, b);
      });
    else if (f === 2) {
      const item = { name: "", namespace: "" };
      scan(buf, from, to, (pf, a, b) => {
        if (pf === 1)
          scan(buf, a, b, (mf, x, y) => {
            if (mf === 1) item.name = buf.toString("utf8", x, y);
            else if (mf === 3) item.namespace = buf.toString("utf8", x, y);
          });
      });
      out.items.push(item);
    }
  });
  return out;
}

/** Why: decodes a protobuf PartialObjectMetadataList body (the `k8s\0` envelope around an Unknown message). */
export function decodeNameListProtobuf(body: Buffer): NameList {
  if (body.length < 4 || MAGIC.some((m, i) => body[i] !== m))
    throw new Error("not a Kubernetes protobuf body");
  let kind = "";
  let raw: [number, number] | undefined;
  // Unknown: typeMeta (TypeMeta: kind = 2) = 1, raw = 2.
  scan(body, 4, body.length, (f, from, to) => {
    if (f === 1)
      scan(body, from, to, (tf, a, b) => {
        if (tf === 2) kind = body.toString("utf8", a, b);
      });
    else if (f === 2) raw = [from, to];
  });
  if (kind !== "PartialObjectMetadataList" || !raw) throw new Error(`unexpected protobuf kind '${kind}'`);
  return decodeList(body, raw[0], raw[1]);
}

/** Why: the same facts from a JSON list (the server's answer when the resource has no protobuf form). */
export function decodeNameListJson(body: string): NameList {
  const list = JSON.parse(body) as {
    metadata?: { resourceVersion?: string; continue?: string };
    items?: { metadata?: { name?: string; namespace?: string } }[];
  };
  return {
    resourceVersion: list.metadata?.resourceVersion ?? "",
    continue: list.metadata?.continue ?? "",
    items: (list.items ?? []).map((it) => ({
      name: it.metadata?.name ?? "",
      namespace: it.metadata?.namespace ?? "",
    })),
  };
}
