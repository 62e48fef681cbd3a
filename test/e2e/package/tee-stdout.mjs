// Runs a command with the caller's stdin and stderr, copying its stdout byte for byte to our stdout AND to a file,
// so a test can check every line the server wrote while a real MCP client reads the same stream.
// Usage: node tee-stdout.mjs <copy-file> <command> [args...]; exits with the command's exit code, which it also
// writes to <copy-file>.exit (the client's transport does not report it).
import { spawn } from "node:child_process";
import { createWriteStream, writeFileSync } from "node:fs";

const [copyFile, command, ...args] = process.argv.slice(2);
const copy = createWriteStream(copyFile);
const child = spawn(command, args, { stdio: ["inherit", "pipe", "inherit"] });
child.stdout.on("data", (chunk) => {
  copy.write(chunk);
  process.stdout.write(chunk);
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => child.kill(signal));
// "close", not "exit": every stdout chunk has been copied by then.
child.on("close", (code, signal) => {
  writeFileSync(`${copyFile}.exit`, JSON.stringify({ code, signal }));
  copy.end(() => process.exit(code ?? 1));
});
