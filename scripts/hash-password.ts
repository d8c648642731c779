/**
 * `npm run hash-password`: prints a bcrypt hash for REDRIVE_USERS
 * (name:role:hash). Reads the password from standard input, so it does not
 * land in the shell history: `npm run hash-password` then type it, or pipe it.
 */
import { createInterface } from "node:readline";
import { hashPassword } from "../lib/auth/users";

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("Password: ");
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return "";
}

async function main() {
  const password = await readPassword();
  if (password.length < 12) {
    process.stderr.write("Use at least 12 characters.\n");
    process.exit(2);
  }
  const hash = await hashPassword(password);
  process.stdout.write(`${hash}\n`);
  process.stderr.write(`Add to REDRIVE_USERS as  <name>:admin:${hash}  (or :viewer:)\n`);
}

void main();
