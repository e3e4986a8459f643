// Prints the IVR's prompts as "<id>\t<text>" lines, one per prompt, from the typed list the
// state machine uses (packages/core/src/ivr/prompts.ts): generate-prompts.sh reads them, so a
// prompt the IVR can play always has a recording. Run: npx tsx infra/asterisk/prompt-list.ts
import { IVR_PROMPT_IDS, IVR_PROMPT_TEXT } from "../../packages/core/src/ivr/prompts.ts";

for (const id of IVR_PROMPT_IDS) process.stdout.write(`${id}\t${IVR_PROMPT_TEXT[id]}\n`);
