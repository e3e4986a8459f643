// The hub's answer to an agent's `country-networks-request`: the networks of one country from
// this replica's geo database, when the agent asks for the version this replica has (a state
// names the version the leader recorded; during an upgrade a replica may still have the other
// one, and says so rather than answer with a list of another version). Encoded answers are
// kept for the last few countries asked: after an upgrade every agent of a fleet using the US
// asks for the same ~1.5 MB, which is encoded once.
import { encodeMessage, MAX_COUNTRY_NETWORKS, MAX_HUB_MESSAGE_BYTES, type CountryNetworksMessage, type CountryNetworksRequest } from "@gatehouse/protocol";
import type { GeoService } from "../geo.ts";

/** Encoded answers kept (a 20-country allowlist fits; ~1.5 MB for the largest). */
const KEPT_ANSWERS = 32;

/** Encodes the wire frame of the answer to `request`. */
export type CountryNetworksAnswerer = (request: CountryNetworksRequest) => Promise<string>;

interface Answer {
  frame: string;
  /** A refusal is not kept: the database may load, or the upgrade land, by the next ask. */
  refused: boolean;
}

function refusal(request: CountryNetworksRequest, error: string): Answer {
  const message: CountryNetworksMessage = { type: "country-networks", country: request.country, version: request.version, networks: [], error };
  return { frame: encodeMessage(message), refused: true };
}

async function answerOf(geo: GeoService, request: CountryNetworksRequest): Promise<Answer> {
  if (request.version !== geo.version) return refusal(request, `this control plane has geo database ${geo.version}, not ${request.version}; ask again after the upgrade`);
  const database = await geo.database();
  if (database === null) return refusal(request, "this control plane cannot read its geo database (see its log)");
  if (!database.countryCodes().includes(request.country)) return refusal(request, `${request.country} is not a country in geo database ${geo.version}`);
  const networks = database.countryNetworks(request.country);
  if (networks.length > MAX_COUNTRY_NETWORKS) return refusal(request, `${request.country} has ${networks.length} networks, more than an answer carries (${MAX_COUNTRY_NETWORKS})`);
  const frame = encodeMessage({ type: "country-networks", country: request.country, version: request.version, networks: [...networks] });
  return Buffer.byteLength(frame) > MAX_HUB_MESSAGE_BYTES ? refusal(request, `the networks of ${request.country} do not fit one message`) : { frame, refused: false };
}

export function countryNetworksAnswerer(geo: GeoService): CountryNetworksAnswerer {
  const kept = new Map<string, Promise<Answer>>();
  return (request) => {
    const key = `${request.country}@${request.version}`;
    let answer = kept.get(key);
    if (answer === undefined) {
      answer = answerOf(geo, request);
      kept.set(key, answer);
      if (kept.size > KEPT_ANSWERS) kept.delete(kept.keys().next().value as string);
      void answer.then((done) => done.refused && kept.delete(key), () => kept.delete(key));
    } else {
      // Most recently asked last: the oldest is the one dropped.
      kept.delete(key);
      kept.set(key, answer);
    }
    return answer.then((done) => done.frame);
  };
}
