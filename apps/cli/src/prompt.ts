// Asking the operator for their email and password at `gatehouse login`. The password is
// read without echo from a terminal, or whole from stdin with --password-stdin (scripts);
// it is never accepted as an argument, where it would end up in shell history and `ps`.
import { read } from "read";
import { CliError } from "./errors.ts";

export async function askLine(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new CliError(`${prompt.replace(/:\s*$/, "")} is needed and there is no terminal to ask it: pass it as an option`);
  }
  // Prompts go to stderr so `gatehouse login --json > out.json` stays clean.
  return (await read({ prompt, output: process.stderr })).trim();
}

export async function askPassword(prompt = "Password: "): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new CliError("no terminal to ask the password: pipe it with --password-stdin");
  }
  const password = await read({ prompt, silent: true, replace: "", output: process.stderr });
  process.stderr.write("\n"); // the Enter key was not echoed either
  return password;
}

/** The whole of stdin, without the final newline (as `echo secret |` would add). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}
