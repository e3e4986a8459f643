// Every recording the traveler IVR plays, by id, with the words it says. The ids are the
// sound file names (infra/asterisk/generate-prompts.sh renders each text with espeak-ng into
// `<id>.wav`), so the state machine can only ask for a prompt that exists.

export const IVR_PROMPT_TEXT = {
  welcome: "Welcome to Gatehouse traveler access.",
  "enter-account": "Please enter your account number, followed by the pound key.",
  "enter-pin": "Please enter your PIN, followed by the pound key.",
  "login-incorrect": "That account number and PIN are not valid.",
  "caller-blocked":
    "There have been too many failed attempts from this phone. Please try again later.",
  "enter-address":
    "Please enter the IP address to allow, using the star key for each dot, followed by the pound key. " +
    "If you do not know your address, press zero and pound, and we will email you a link instead.",
  "enter-address-only":
    "Please enter the IP address to allow, using the star key for each dot, followed by the pound key.",
  "no-input": "Sorry, I did not get your entry.",
  "invalid-entry": "Sorry, that entry is not valid. Please use the number keys only.",
  "entry-too-long": "Sorry, that entry is too long.",
  "too-many-tries": "Sorry, that was the last try.",
  "you-entered": "You entered",
  dot: "dot",
  "confirm-or-reenter": "To allow this address, press 1. To enter it again, press 2.",
  "address-part-count": "An address is four numbers separated by the star key.",
  "address-empty-part": "Two stars in a row, or a star at the start or the end, is not valid.",
  "address-part-range": "Each number of an address must be between 0 and 255.",
  "address-leading-zero": "A number of an address must not start with a zero.",
  "refused-private":
    "That is a private network address, which cannot be reached from the Internet. Please enter your public address.",
  "refused-loopback": "That is a loopback address, which only reaches the device itself.",
  "refused-link-local": "That is a link local address, which cannot be reached from the Internet.",
  "refused-multicast": "That is a multicast address, not the address of one device.",
  "refused-shared":
    "That address belongs to your carrier's shared network, not to you. Press zero at the address prompt to receive a link by email instead.",
  "refused-documentation": "That address is reserved for documentation and examples.",
  "refused-reserved": "That address is reserved and cannot be allowed.",
  "granted-until": "Your address is now allowed until",
  at: "at",
  utc: "U T C",
  "mail-follows": "A confirmation is on its way to your email.",
  "grant-failed":
    "Sorry, your address could not be allowed because of a technical problem. Please try again later.",
  "link-sent":
    "A link is on its way to your email. Open it within fifteen minutes on the device you want to allow.",
  "link-failed": "Sorry, the link could not be sent. Please try again later.",
  "technical-problem": "Sorry, there is a technical problem. Please try again later.",
  goodbye: "Goodbye.",
  "month-01": "January",
  "month-02": "February",
  "month-03": "March",
  "month-04": "April",
  "month-05": "May",
  "month-06": "June",
  "month-07": "July",
  "month-08": "August",
  "month-09": "September",
  "month-10": "October",
  "month-11": "November",
  "month-12": "December",
} as const;

export type PromptId = keyof typeof IVR_PROMPT_TEXT;

export const IVR_PROMPT_IDS = Object.keys(IVR_PROMPT_TEXT) as PromptId[];

export function monthPrompt(month: number): PromptId {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`no month ${month}`);
  return `month-${String(month).padStart(2, "0")}` as PromptId;
}
