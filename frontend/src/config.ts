/** The card's options: defaults and validation. */
import type { CardConfig } from "./types";

export type FullConfig = Required<CardConfig>;

export const DEFAULTS = {
  show_gestures: true,
  show_speak: true,
  session_minutes: 10,
} as const;

const fail = (problem: string): never => {
  throw new Error(`bitHuman avatar card: ${problem}`);
};

/** The config with defaults filled in; throws a clear Error when it is invalid. */
export function normalizeConfig(config: unknown): FullConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    return fail("the configuration must be a mapping of options.");
  }
  const raw = config as Record<string, unknown>;
  if (typeof raw.device_id !== "string" || raw.device_id.trim() === "") {
    fail("`device_id` is required: choose a bitHuman agent in the card editor.");
  }
  for (const key of ["show_gestures", "show_speak"] as const) {
    if (key in raw && typeof raw[key] !== "boolean") {
      fail(`\`${key}\` must be true or false.`);
    }
  }
  const minutes = raw.session_minutes ?? DEFAULTS.session_minutes;
  if (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
    fail("`session_minutes` must be a whole number from 1 to 60.");
  }
  return {
    ...DEFAULTS,
    ...(raw as Partial<CardConfig>),
    type: typeof raw.type === "string" ? raw.type : "",
    device_id: (raw.device_id as string).trim(),
    session_minutes: minutes as number,
  };
}
