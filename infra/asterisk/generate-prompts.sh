#!/usr/bin/env bash
# Renders every IVR prompt (the typed list in packages/core/src/ivr/prompts.ts) with espeak-ng
# and converts it with sox to what Asterisk plays without transcoding: 8 kHz, mono, 16-bit WAV.
#   infra/asterisk/generate-prompts.sh [output-dir]   (default infra/asterisk/sounds/gatehouse)
# Needs: node + tsx (the repository's dev dependencies), espeak-ng, sox (apt-get install espeak-ng sox).
# Voice and speed: ESPEAK_VOICE (default en-us), ESPEAK_SPEED words per minute (default 150).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$here/sounds/gatehouse}"
voice="${ESPEAK_VOICE:-en-us}"
speed="${ESPEAK_SPEED:-150}"

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "generate-prompts: $tool is not installed" >&2; exit 1; }
done

mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

list="$work/prompts.tsv"
(cd "$repo" && npx --no-install tsx infra/asterisk/prompt-list.ts) >"$list"

count=0
while IFS=$'\t' read -r id text; do
  [[ "$id" =~ ^[a-z0-9-]+$ ]] || { echo "generate-prompts: bad prompt id '$id'" >&2; exit 1; }
  # The text goes to espeak-ng as one argument, never through a shell.
  espeak-ng -v "$voice" -s "$speed" -w "$work/$id.wav" -- "$text"
  # Trim silence at both ends, then 8 kHz mono 16-bit with a little headroom.
  # -R: no random dither, so the same text always gives the same file.
  sox -R "$work/$id.wav" -r 8000 -c 1 -b 16 -e signed-integer "$out/$id.wav" silence 1 0.05 0.5% reverse silence 1 0.05 0.5% reverse gain -n -1
  count=$((count + 1))
done <"$list"

echo "generate-prompts: $count prompts in $out ($(du -sh "$out" | cut -f1))"
