// Free loopback TCP ports for the test control plane.
import { createServer } from "node:net";

/** Why: each etcd/apiserver needs its own port; asking the kernel avoids collisions. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
