/** Reading what Home Assistant answered. */

/** Only web pages may go into the iframe. */
export const isWebUrl = (url: unknown): url is string => {
  try {
    return ["https:", "http:"].includes(new URL(String(url)).protocol);
  } catch {
    return false;
  }
};

/** Rooms the message reached, from `{agents: {<code>: {delivered_to_rooms}}}`. */
export function deliveredRooms(result: unknown): number {
  const body = (result as { response?: unknown } | undefined)?.response ?? result;
  const agents = (body as { agents?: Record<string, unknown> } | undefined)?.agents;
  return Object.values(agents ?? {}).reduce<number>((sum, agent) => {
    const rooms = (agent as { delivered_to_rooms?: unknown } | null)?.delivered_to_rooms;
    return sum + (Number(rooms) || 0);
  }, 0);
}
