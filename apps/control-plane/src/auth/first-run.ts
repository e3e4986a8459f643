// An empty database gets its first MSP admin: from GATEHOUSE_ADMIN_EMAIL/_PASSWORD when set,
// else with a generated one-time password printed ONCE to the console (stdout), never to the
// logger, whose lines may be shipped elsewhere. Later starts find an operator and do nothing.
import type { PrismaClient } from "@gatehouse/db";
import { writeAuditEvents } from "../audit-writer.ts";
import type { Env } from "../env.ts";
import { normaliseEmail } from "./login.ts";
import { generatePassword, hashPassword } from "./passwords.ts";

const DEFAULT_ADMIN_EMAIL = "admin@gatehouse.local";

export interface FirstRunResult {
  created: boolean;
  email?: string;
  passwordGenerated?: boolean;
}

export async function ensureFirstAdmin(
  prisma: PrismaClient,
  env: Pick<Env, "GATEHOUSE_ADMIN_EMAIL" | "GATEHOUSE_ADMIN_PASSWORD">,
  print: (line: string) => void,
  now: Date,
): Promise<FirstRunResult> {
  if ((await prisma.operator.count()) > 0) return { created: false };
  const email = normaliseEmail(env.GATEHOUSE_ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL);
  const generated = env.GATEHOUSE_ADMIN_PASSWORD === undefined;
  const password = env.GATEHOUSE_ADMIN_PASSWORD ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const created = await prisma.$transaction(async (tx) => {
    // Another replica starting at the same moment may have won; then there is nothing to do.
    if ((await tx.operator.count()) > 0) return null;
    const operator = await tx.operator.create({ data: { email, name: "MSP admin", role: "MSP_ADMIN", passwordHash, createdAt: now } });
    await writeAuditEvents(tx, [
      { at: now, actor: "system", action: "operator.first_admin_created", tenantId: null, targetType: "operator", targetId: operator.id, after: { email, passwordFrom: generated ? "generated" : "environment" } },
    ]);
    return operator;
  });
  if (created === null) return { created: false };
  if (generated) {
    print(
      [
        "",
        "  First run: created the MSP admin account",
        `    e-mail:   ${email}`,
        `    password: ${password}`,
        "  This password is shown only this once. Sign in and change it (the console: your name at",
        "  the top right, Change password; or `gatehouse password`),",
        "  or set GATEHOUSE_ADMIN_EMAIL and GATEHOUSE_ADMIN_PASSWORD before the first start.",
        "",
      ].join("\n"),
    );
  }
  return { created: true, email, passwordGenerated: generated };
}
