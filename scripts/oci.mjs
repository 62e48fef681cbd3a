// Writes OCI image layers and an OCI image-layout archive byte for byte reproducibly: entries sorted, fixed times,
// owners and modes, gzip by fflate (pure JavaScript, so its output does not depend on the CPU's zlib).

import { createHash } from "node:crypto";
import { gzipSync } from "fflate";
import { pack } from "tar-stream";

/** Why: digests are how OCI names every blob. */
export const sha256 = (buf) => `sha256:${createHash("sha256").update(buf).digest("hex")}`;

const LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

// One tar archive from entries `{ name, type?, mode, uid?, gid?, data?, linkname? }`, with every parent directory
// added (root-owned, 0755) and everything sorted by path, so the bytes depend on nothing but the entries.
async function tarOf(entries, mtime) {
  const byName = new Map();
  for (const e of entries) {
    const parts = e.name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (!byName.has(dir)) byName.set(dir, { name: dir, type: "directory", mode: 0o755 });
    }
    byName.set(e.name, e);
  }
  const sorted = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const p = pack();
  const chunks = [];
  p.on("data", (c) => chunks.push(c));
  const done = new Promise((resolve, reject) => {
    p.on("end", resolve);
    p.on("error", reject);
  });
  for (const e of sorted) {
    const type = e.type ?? "file";
    const header = {
      name: type === "directory" ? `${e.name}/` : e.name,
      type,
      mode: e.mode,
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      uname: "",
      gname: "",
      mtime,
      ...(type === "symlink" ? { linkname: e.linkname } : {}),
    };
    await new Promise((resolve, reject) =>
      p.entry(header, type === "file" ? e.data : undefined, (err) => (err ? reject(err) : resolve())),
    );
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Why: one image layer: its gzip blob, the blob's digest and the uncompressed tar's digest (the diff_id). */
export async function buildLayer(entries, mtime) {
  const tar = await tarOf(entries, mtime);
  const blob = Buffer.from(gzipSync(tar, { level: 9, mtime: 0 }));
  return { blob, digest: sha256(blob), diffId: sha256(tar), size: blob.length, tarSize: tar.length };
}

/**
 * Why: the archive `docker load`, `podman load`, `skopeo copy oci-archive:` and `crane push` all read: an OCI
 * image layout (oci-layout, index.json, blobs/sha256/*) plus Docker's manifest.json for older Docker versions.
 */
export async function writeImageArchive({ layers, config, refName, repoTag, created, annotations }) {
  const configBlob = Buffer.from(JSON.stringify(config));
  const manifest = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: sha256(configBlob),
      size: configBlob.length,
    },
    layers: layers.map((l) => ({ mediaType: LAYER_MEDIA_TYPE, digest: l.digest, size: l.size })),
    annotations: { "org.opencontainers.image.created": created, ...annotations },
  };
  const manifestBlob = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = sha256(manifestBlob);
  const index = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [
      {
        mediaType: manifest.mediaType,
        digest: manifestDigest,
        size: manifestBlob.length,
        annotations: { "org.opencontainers.image.ref.name": refName, "io.containerd.image.name": repoTag },
      },
    ],
  };
  const blobPath = (digest) => `blobs/sha256/${digest.slice("sha256:".length)}`;
  const dockerManifest = [
    {
      Config: blobPath(manifest.config.digest),
      RepoTags: [repoTag],
      Layers: layers.map((l) => blobPath(l.digest)),
    },
  ];
  const entries = [
    { name: "oci-layout", mode: 0o644, data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { name: "index.json", mode: 0o644, data: Buffer.from(JSON.stringify(index)) },
    { name: "manifest.json", mode: 0o644, data: Buffer.from(JSON.stringify(dockerManifest)) },
    { name: blobPath(manifest.config.digest), mode: 0o644, data: configBlob },
    { name: blobPath(manifestDigest), mode: 0o644, data: manifestBlob },
    ...layers.map((l) => ({ name: blobPath(l.digest), mode: 0o644, data: l.blob })),
  ];
  const mtime = new Date(Date.parse(created));
  return { archive: await tarOf(entries, mtime), manifestDigest };
}
