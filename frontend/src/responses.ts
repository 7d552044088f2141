/** Reading what Home Assistant answered. */

/** Only web pages may go into the iframe. */
export const isWebUrl = (url: unknown): url is string => {
  try {
    return ["https:", "http:"].includes(new URL(String(url)).protocol);
  } catch {
    return false;
  }
};

/**
 * Rooms the message reached, from `{agents: {<code>: {delivered_to_rooms}}}`;
 * null when no agent's answer said (bitHuman may leave the count out).
 */
export function deliveredRooms(result: unknown): number | null {
  const body = (result as { response?: unknown } | undefined)?.response ?? result;
  const agents = (body as { agents?: Record<string, unknown> } | undefined)?.agents;
  const counts = Object.values(agents ?? {})
    .map((agent) => (agent as { delivered_to_rooms?: unknown } | null)?.delivered_to_rooms)
    .filter((rooms): rooms is number => typeof rooms === "number");
  return counts.length ? counts.reduce((sum, rooms) => sum + rooms, 0) : null;
}
