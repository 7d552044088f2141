/** Finding a bitHuman agent device and its entities in `hass`. */
import type { HassDevice, HassEntity, HassEntityEntry, HomeAssistant } from "./types";

const PLATFORM = "bithuman";

/** A gesture button of the agent. */
export interface Gesture {
  entityId: string;
  label: string;
  available: boolean;
}

/** What the card shows of one agent. */
export interface Agent {
  id: string;
  name: string;
  status?: HassEntity;
  live?: HassEntity;
  portrait?: HassEntity;
  dynamicsReady?: HassEntity;
  endSession?: HassEntity;
  gestures: Gesture[];
}

export const deviceName = (device: HassDevice): string =>
  device.name_by_user || device.name || device.id;

/** The registry entries of the device's bitHuman entities. */
export const agentEntries = (hass: HomeAssistant, deviceId: string): HassEntityEntry[] =>
  Object.values(hass.entities).filter(
    (entry): entry is HassEntityEntry =>
      entry?.device_id === deviceId && entry.platform === PLATFORM,
  );

/** bitHuman agent devices (never the account's service device), by name. */
export function listAgents(hass: HomeAssistant): HassDevice[] {
  const ids = new Set<string>();
  for (const entry of Object.values(hass.entities)) {
    if (entry?.platform === PLATFORM && entry.device_id) {
      ids.add(entry.device_id);
    }
  }
  return [...ids]
    .map((id) => hass.devices[id])
    .filter(
      (device): device is HassDevice => device !== undefined && device.entry_type !== "service",
    )
    .sort((a, b) => deviceName(a).localeCompare(deviceName(b)));
}

// A gesture bitHuman documents has a translation key of its own.
const KNOWN_GESTURE_PREFIX = "gesture_";

function gestureLabel(stateObj: HassEntity, agentName: string): string {
  const friendly = stateObj.attributes.friendly_name;
  const gesture = stateObj.attributes.gesture;
  const label =
    typeof friendly === "string" && friendly
      ? friendly
      : typeof gesture === "string"
        ? gesture
        : stateObj.entity_id;
  return label.startsWith(`${agentName} `) ? label.slice(agentName.length + 1) : label;
}

/** The agent behind `deviceId`, or undefined when it is not a known agent. */
export function findAgent(hass: HomeAssistant, deviceId: string): Agent | undefined {
  const device = hass.devices[deviceId];
  if (!device || device.entry_type === "service") {
    return undefined;
  }
  const name = deviceName(device);
  const agent: Agent = { id: deviceId, name, gestures: [] };
  for (const entry of agentEntries(hass, deviceId)) {
    const stateObj = hass.states[entry.entity_id];
    if (!stateObj) {
      continue;
    }
    switch (entry.translation_key) {
      case "status":
        agent.status = stateObj;
        break;
      case "live":
        agent.live = stateObj;
        break;
      case "portrait":
        agent.portrait = stateObj;
        break;
      case "dynamics_ready":
        agent.dynamicsReady = stateObj;
        break;
      case "end_session":
        agent.endSession = stateObj;
        break;
      default:
        if (
          entry.translation_key === "gesture" ||
          entry.translation_key?.startsWith(KNOWN_GESTURE_PREFIX)
        ) {
          agent.gestures.push({
            entityId: entry.entity_id,
            label: gestureLabel(stateObj, name),
            available: stateObj.state !== "unavailable",
          });
        }
    }
  }
  agent.gestures.sort((a, b) => a.label.localeCompare(b.label));
  return agent;
}

/** Why an agent's gestures cannot be played, as far as `hass` can tell. */
export type GestureBlocker = "dynamics" | "livekit";

/**
 * What keeps the agent's gesture buttons disabled, with certainty only.
 *
 * - `dynamics`: its Dynamics ready sensor is off: the agent has no dynamics
 *   model, so the integration refuses every gesture.
 * - `livekit`: every gesture button is unavailable while Dynamics ready says
 *   on or off. That sensor reading means the API, the agent and its dynamics
 *   were all read (it is unavailable or unknown otherwise), and then a
 *   gesture button is unavailable only when the integration's options hold
 *   no LiveKit connection.
 */
export function gestureBlockers(agent: Agent): GestureBlocker[] {
  const dynamics = agent.dynamicsReady?.state;
  const blockers: GestureBlocker[] = [];
  if (dynamics === "off") {
    blockers.push("dynamics");
  }
  const known = dynamics === "on" || dynamics === "off";
  if (known && agent.gestures.length > 0 && agent.gestures.every((g) => !g.available)) {
    blockers.push("livekit");
  }
  return blockers;
}

/** Whether a new `hass` changes anything the card shows for `deviceId`. */
export function agentChanged(
  before: HomeAssistant,
  after: HomeAssistant,
  deviceId: string,
): boolean {
  if (
    before.localize !== after.localize ||
    before.entities !== after.entities ||
    before.devices !== after.devices ||
    before.language !== after.language
  ) {
    return true;
  }
  return agentEntries(after, deviceId).some(
    (entry) => before.states[entry.entity_id] !== after.states[entry.entity_id],
  );
}
